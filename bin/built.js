// For bin/start.js and bin/praksis.js: the build `npm run build` made (bin/build.js), or a
// one-line message and exit code 1 when there is none or it is older than the sources. Nothing is
// built here: the start runs what the build made.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
/** What the build reads: a change to any of these makes it stale. */
const INPUTS = ['src', 'public/js', 'package-lock.json'];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The first input (relative to the root) modified after `since`, or undefined. */
function changedSince(since) {
  for (const input of INPUTS) {
    const full = join(root, input);
    const stats = statSync(full, { throwIfNoEntry: false });
    if (stats === undefined) continue;
    if (!stats.isDirectory()) {
      if (stats.mtimeMs > since) return input;
      continue;
    }
    for (const entry of readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath ?? entry.path, entry.name);
      if ((mtime(path) ?? 0) > since) return relative(root, path);
    }
  }
  return undefined;
}

function exit(message) {
  process.stderr.write(`praksis: ${message}\n`);
  process.exit(1);
}

/** Imports dist/<file> (a module the build made) when the build is there and up to date. */
export async function importBuilt(file) {
  const path = join(dist, file);
  const stamp = mtime(join(dist, 'stamp'));
  if (mtime(path) === undefined || stamp === undefined) exit(`no build found (dist/${file}); run npm run build`);
  const changed = changedSince(stamp);
  if (changed !== undefined) exit(`the build in dist/ is older than ${changed}; run npm run build`);
  return import(pathToFileURL(path).href);
}
