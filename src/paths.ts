/**
 * Where the project's files are. This module sits one directory below the project root both as
 * source (src/paths.ts, run by tsx or vitest) and bundled into the build (dist/server.mjs,
 * dist/cli.mjs; see bin/build.js), so the root is `../` from it either way.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (package.json, views/, public/, surveys/, src/). */
export const rootDir = fileURLToPath(new URL('../', import.meta.url));

/** What `npm run build` makes (bin/build.js): the programs and, in public/, the browser bundles. */
export const distDir = join(rootDir, 'dist');
