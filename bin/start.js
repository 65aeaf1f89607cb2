#!/usr/bin/env node
// `npm start`: runs the server from the build of the sources as they are now (bin/build.js makes it
// when there is none: after an edit, a checkout or a fresh clone without `npm ci`).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDirOrExit } from './build.js';

await import(pathToFileURL(join(await buildDirOrExit('the server'), 'server.mjs')).href);
