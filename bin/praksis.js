#!/usr/bin/env node
// The `praksis` command: runs the CLI from the build of the sources as they are now (bin/build.js
// makes it when there is none, as for `npm start`).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuild } from './build.js';

let dir;
try {
  ({ dir } = await ensureBuild());
} catch (error) {
  process.stderr.write(`praksis: could not build the command: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(join(dir, 'cli.mjs')).href);
process.exitCode = await main(process.argv.slice(2));
