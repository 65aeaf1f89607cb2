#!/usr/bin/env node
// `npm run build` (also run by `prepare`, so `npm install` and `npm ci` make it): esbuild bundles
//   src/server.ts            -> dist/server.mjs              (npm start, through bin/start.js)
//   src/cli/main.ts          -> dist/cli.mjs                 (the praksis command, bin/praksis.js)
//   public/js/questionnaire.ts -> dist/public/questionnaire.js (served as /assets/questionnaire.js)
//   public/js/report.ts      -> dist/public/report.js        (served as /assets/report.js)
//   public/js/editor.ts      -> dist/public/editor.js        (served as /assets/editor.js)
// and then writes dist/stamp, whose modification time is the moment the build began: bin/start.js
// refuses a build older than any file under src/ or public/js/, or package-lock.json.
//
// All four are built in memory first; only when every one compiled are they written (each to a
// temporary file renamed into place), so a source that does not compile leaves the previous
// build as it was and no half-written file. Errors are printed as file:line:column: text.
import { mkdir, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('../', import.meta.url));
export const dist = join(root, 'dist');

const browser = { format: 'iife', platform: 'browser', target: ['es2019'], minify: true };
// The programs are ES modules with their packages bundled in (one file to load starts faster than
// the packages from node_modules file by file). The banner gives the CommonJS packages among them
// the require, __filename and __dirname they expect.
const banner = [
  "import { createRequire as __praksisRequire } from 'node:module';",
  "import { fileURLToPath as __praksisPath } from 'node:url';",
  "import { dirname as __praksisDirname } from 'node:path';",
  'const require = __praksisRequire(import.meta.url);',
  'const __filename = __praksisPath(import.meta.url);',
  'const __dirname = __praksisDirname(__filename);',
].join(' ');
// @napi-rs/canvas (server-side PNG figures) loads a native binary: it stays in node_modules, loaded at run time.
const node = { format: 'esm', platform: 'node', target: ['node20'], banner: { js: banner }, external: ['@napi-rs/canvas'] };

/** What the build makes: output (relative to dist/) -> entry (relative to the root) and esbuild options. */
export const outputs = {
  'server.mjs': { entry: 'src/server.ts', options: node },
  'cli.mjs': { entry: 'src/cli/main.ts', options: node },
  'public/questionnaire.js': { entry: 'public/js/questionnaire.ts', options: browser },
  'public/report.js': { entry: 'public/js/report.ts', options: browser },
  'public/editor.js': { entry: 'public/js/editor.ts', options: browser },
};

/** One line per esbuild message: `src/x.ts:12:20: Unexpected ";"`. */
function describe(message) {
  const at = message.location;
  return at ? `${at.file}:${at.line}:${at.column}: ${message.text}` : message.text;
}

/** The build failed: the messages worth printing (esbuild's, or the error's own message). */
export class BuildError extends Error {
  constructor(lines) {
    super(lines.join('\n'));
    this.lines = lines;
  }
}

/** Builds everything into `into` (default dist/); resolves with the warnings, rejects with a BuildError. */
export async function buildAll(into = dist) {
  const began = new Date();
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new BuildError(['esbuild is not installed (a devDependency); run npm install']);
  }
  const results = await Promise.allSettled(
    Object.entries(outputs).map(([file, { entry, options }]) =>
      esbuild.build({
        ...options,
        absWorkingDir: root,
        entryPoints: [entry],
        bundle: true,
        legalComments: 'none',
        logLevel: 'silent',
        write: false,
        outfile: join(into, file),
      }),
    ),
  );
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (failures.length > 0) {
    const lines = failures.flatMap((error) => (Array.isArray(error?.errors) && error.errors.length > 0 ? error.errors.map(describe) : [String(error?.message ?? error)]));
    throw new BuildError([...new Set(lines)]);
  }
  const files = results.flatMap((r) => r.value.outputFiles);
  const suffix = `.${process.pid}.tmp`;
  for (const file of files) await mkdir(dirname(file.path), { recursive: true });
  try {
    for (const file of files) await writeFile(file.path + suffix, file.contents);
    for (const file of files) await rename(file.path + suffix, file.path);
  } finally {
    for (const file of files) await rm(file.path + suffix, { force: true });
  }
  const stamp = join(into, 'stamp');
  await writeFile(stamp, `built ${began.toISOString()} (the file's modification time is when the build began)\n`);
  await utimes(stamp, began, began);
  await removeOldBuilds(into);
  return [...new Set(results.flatMap((r) => r.value.warnings.map(describe)))];
}

/** The builds of the former scheme (dist/<16 hex digits>/ and its temporary directories). */
async function removeOldBuilds(into) {
  for (const name of await readdir(into)) {
    if (/^[0-9a-f]{16}$/.test(name) || name.startsWith('.tmp-')) await rm(join(into, name), { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  try {
    const warnings = await buildAll();
    for (const line of warnings) process.stderr.write(`praksis: build warning: ${line}\n`);
    const made = Object.keys(outputs).map((file) => relative(root, join(dist, file)));
    console.log(`praksis: built ${made.join(', ')} (${(performance.now() - t0).toFixed(0)} ms)`);
  } catch (error) {
    const lines = error instanceof BuildError ? error.lines : [String(error?.message ?? error)];
    process.stderr.write(lines.map((line) => `praksis: the build failed: ${line}\n`).join(''));
    process.exit(1);
  }
}
