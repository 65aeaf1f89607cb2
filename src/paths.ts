/**
 * Where the project's files are: the same under tsx (src/paths.ts) and in the build `npm start`
 * runs (dist/<key>/server.mjs, see bin/build.js, which defines PRAKSIS_BUILD).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const PRAKSIS_BUILD: { dir: string } | undefined;

/** Set only in the build: its directory, relative to the project root. */
const build = typeof PRAKSIS_BUILD === 'undefined' ? undefined : PRAKSIS_BUILD;

/** The project root (package.json, views/, public/, src/). */
export const rootDir = fileURLToPath(new URL(build ? '../../' : '../', import.meta.url));

/** The directory of the prebuilt bundles when running from the build; undefined under tsx. */
export const buildDir: string | undefined = build && join(rootDir, build.dir);
