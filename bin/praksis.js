#!/usr/bin/env node
// The `praksis` command: runs the CLI the build made (dist/cli.mjs), as bin/start.js runs the server.
import { importBuilt } from './built.js';

const { main } = await importBuilt('cli.mjs');
process.exitCode = await main(process.argv.slice(2));
