#!/usr/bin/env node
// The build `npm start` and the `praksis` command run from: the server, the CLI and the bundles
// they read (the browser scripts, the check worker, the log reader), compiled by esbuild into
// dist/<key>/, where <key> is a hash of everything the build reads (src/, public/js/, this file,
// package.json, package-lock.json). A start finds the build of the sources as they are now, or
// makes it (about a second); `npm ci` makes it in advance (`prepare`).
//
// Why: a start through tsx spent ~0.8 s loading ~70 TypeScript modules through its loader, the
// packages file by file and bundling the browser scripts; the build loads as one file (a start on
// an empty store: 1.32-1.36 s -> 0.48-0.57 s). The tests run the TypeScript through tsx (and
// start the server and the CLI as a user does, so through this build too).
//
// Builds are written to a temporary directory and renamed into place, so processes starting at the
// same time never see half a build; builds of older sources are removed after an hour.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('../', import.meta.url));
const INPUTS = ['src', 'public/js', 'bin/build.js', 'package.json', 'package-lock.json'];
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

function filesUnder(path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)));
}

/** The hash of every input's path and content (so a checkout, an edit or `npm ci` of other versions makes a new build). */
export function buildKey() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function buildInto(dir, key) {
  const { build } = await import('esbuild');
  const { common, bundles } = JSON.parse(readFileSync(join(root, 'src/bundles.json'), 'utf8'));
  // The programs (ES modules with their packages inside, but esbuild, which only the tsx way of
  // running needs) and the bundles they read. Packages bundled in start ~0.3 s faster than
  // packages loaded from node_modules file by file; the banner gives the CommonJS ones among them
  // the require, __filename and __dirname they expect.
  const programs = { 'server.mjs': 'src/server.ts', 'cli.mjs': 'src/cli/main.ts' };
  const banner = [
    "import { createRequire as __praksisRequire } from 'node:module';",
    "import { fileURLToPath as __praksisPath } from 'node:url';",
    "import { dirname as __praksisDirname } from 'node:path';",
    'const require = __praksisRequire(import.meta.url);',
    'const __filename = __praksisPath(import.meta.url);',
    'const __dirname = __praksisDirname(__filename);',
  ].join(' ');
  // All settled before anything is removed: a failed build must not leave another one writing.
  const results = await Promise.allSettled([
    ...Object.entries(programs).map(([file, entry]) =>
      build({
        ...common,
        entryPoints: [join(root, entry)],
        platform: 'node',
        format: 'esm',
        target: ['node20'],
        external: ['esbuild'],
        banner: { js: banner },
        // src/paths.ts: where the project root and this build's bundles are, seen from dist/<key>/.
        define: { PRAKSIS_BUILD: JSON.stringify({ dir: `dist/${key}` }) },
        outfile: join(dir, file),
      }),
    ),
    ...Object.values(bundles).map((b) => build({ ...common, ...b.options, entryPoints: [join(root, b.entry)], outfile: join(dir, b.file) })),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  await writeFile(join(dir, 'complete'), `${key}\n`);
}

/** Removes builds of other sources that were made more than an hour ago (a running server no longer reads them). */
async function pruneOldBuilds(dist, keep) {
  for (const name of await readdir(dist).catch(() => [])) {
    if (name === keep) continue;
    const path = join(dist, name);
    const made = await stat(path).then((s) => s.mtimeMs, () => undefined);
    if (made !== undefined && Date.now() - made > KEEP_OLD_BUILDS_MS) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The directory of the build of the sources as they are now, made if there is none. */
export async function ensureBuild() {
  const key = buildKey();
  const dist = join(root, 'dist');
  const dir = join(dist, key);
  if (existsSync(join(dir, 'complete'))) return { dir, built: false };
  await mkdir(dist, { recursive: true });
  const temp = join(dist, `.tmp-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await buildInto(temp, key);
    await rename(temp, dir).catch(async (error) => {
      // Another process finished the same build first: use its.
      if (!existsSync(join(dir, 'complete'))) throw error;
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  await pruneOldBuilds(dist, key);
  return { dir, built: true };
}

/** For bin/start.js and bin/praksis.js: the build's directory, or a one-line message and exit code 1. */
export async function buildDirOrExit(what) {
  try {
    return (await ensureBuild()).dir;
  } catch (error) {
    process.stderr.write(`praksis: could not build ${what}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  ensureBuild().then(
    ({ dir, built }) => console.log(`praksis: ${built ? 'built' : 'up to date:'} ${relative(root, dir)} (${(performance.now() - t0).toFixed(0)} ms)`),
    (error) => {
      process.stderr.write(`praksis: the build failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
