/**
 * Bundling our own TypeScript with esbuild, in memory, once per process: the browser scripts
 * (assets.ts) and the check worker (checker.ts). A failed build is forgotten, so a later call
 * (or a restart) tries again.
 */
import { build, type BuildOptions } from 'esbuild';

const bundles = new Map<string, Promise<string>>();

/** The bundle of `entry` with `options`, built on the first call for `entry` and kept. */
export function bundleOnce(entry: string, options: BuildOptions): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = build({ ...options, entryPoints: [entry], bundle: true, write: false, legalComments: 'none', logLevel: 'silent' }).then((result) => {
      const file = result.outputFiles?.[0];
      if (!file) throw new Error(`esbuild produced no output for ${entry}`);
      return file.text;
    });
    bundles.set(entry, bundle);
    bundle.catch(() => bundles.delete(entry));
  }
  return bundle;
}
