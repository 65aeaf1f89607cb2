#!/usr/bin/env node
// The `praksis` command: runs the CLI from the build of the sources as they are now (bin/build.js
// makes it when there is none, as for `npm start`).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDirOrExit } from './build.js';

const { main } = await import(pathToFileURL(join(await buildDirOrExit('the command'), 'cli.mjs')).href);
process.exitCode = await main(process.argv.slice(2));
