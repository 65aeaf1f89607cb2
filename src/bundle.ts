/**
 * Our own TypeScript bundled with esbuild: the browser scripts (assets.ts) and the check worker
 * (checker.ts), as listed in bundles.json, which bin/build.js builds from too.
 *
 * - Under `npm start` (the build, see src/paths.ts) a bundle is read from the build's directory.
 * - Under tsx and vitest it is built in memory, once per process; a failed build is forgotten, so a
 *   later call (or a restart) tries again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { buildDir, rootDir } from './paths.ts';
import specs from './bundles.json' with { type: 'json' };

export type BundleName = keyof typeof specs.bundles;

const bundles = new Map<BundleName, Promise<string>>();

async function make(name: BundleName): Promise<string> {
  const spec = specs.bundles[name];
  if (buildDir !== undefined) return readFile(join(buildDir, spec.file), 'utf8');
  // esbuild is loaded only here: the build npm start runs from never needs it.
  const { build } = await import('esbuild');
  const result = await build({ ...(specs.common as BuildOptions), ...(spec.options as BuildOptions), entryPoints: [join(rootDir, spec.entry)], write: false });
  const file = result.outputFiles?.[0];
  if (!file) throw new Error(`esbuild produced no output for ${spec.entry}`);
  return file.text;
}

/** The code of bundle `name`, made on the first call and kept. */
export function bundleOnce(name: BundleName): Promise<string> {
  let bundle = bundles.get(name);
  if (!bundle) {
    bundle = make(name);
    bundles.set(name, bundle);
    bundle.catch(() => bundles.delete(name));
  }
  return bundle;
}
