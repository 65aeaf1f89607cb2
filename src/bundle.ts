/**
 * Our own TypeScript bundled with esbuild: the browser scripts (assets.ts) and the two workers
 * (checker.ts, the store's log-worker.ts), as listed in bundles.json, which bin/build.js builds from too.
 *
 * - Under `npm start` (the build, see src/paths.ts) a bundle is read from the build's directory.
 * - Under tsx and vitest it is built in memory, once per process; a failed build is forgotten, so a
 *   later call (or a restart) tries again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/**
 * Starts a worker thread running bundle `name` with `workerData`, and resolves with it and its
 * first message (a worker says it is ready, or sends its one result). Rejects if the bundle cannot
 * be made, or the worker fails or exits before that message.
 */
export async function startWorker(name: BundleName, workerData: unknown): Promise<{ worker: Worker; first: unknown }> {
  const worker = new Worker(await bundleOnce(name), { eval: true, workerData });
  const first = await new Promise<unknown>((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      done();
      resolve(message);
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`the ${name} worker exited with code ${code} before it answered`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  return { worker, first };
}
