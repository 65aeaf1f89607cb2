#!/usr/bin/env node
// `npm start`: runs the server the build made (dist/server.mjs; `npm run build`, which `npm install`
// and `npm ci` run too). Exits 1 with a one-line message when there is no build or it is stale.
import { importBuilt } from './built.js';

await importBuilt('server.mjs');
