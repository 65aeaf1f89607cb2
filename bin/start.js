#!/usr/bin/env node
// `npm start`: runs the server from the build of the sources as they are now (bin/build.js makes it
// when there is none: after an edit, a checkout or a fresh clone without `npm ci`).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuild } from './build.js';

let dir;
try {
  ({ dir } = await ensureBuild());
} catch (error) {
  process.stderr.write(`praksis: could not build the server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
await import(pathToFileURL(join(dir, 'server.mjs')).href);
