/**
 * `npm start`: parse the configuration, load the study definitions, open the store, make sure
 * evaluator credentials exist, load demo data if asked, and listen.
 * Any start-up problem is printed as a plain message (no stack trace) and exits with code 1.
 */
import type { Server } from 'node:http';
import { createApp, loadDemoIfEmpty } from './app.ts';
import { parseConfig, type Config } from './config.ts';
import { isProblem } from './errors.ts';
import { ensureCredentials } from './http/auth.ts';
import { openStore } from './storage/index.ts';
import { loadDefinitions } from './storage/definitions.ts';

function fail(message: string): never {
  process.stderr.write(`praksis: ${message.trimEnd()}\n`);
  process.exit(1);
}

function describe(error: unknown): string {
  if (isProblem(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.env, process.argv.slice(2));
  } catch (error) {
    fail(describe(error));
  }

  let definitions: Awaited<ReturnType<typeof loadDefinitions>>;
  try {
    definitions = await loadDefinitions(config.surveysDir);
  } catch (error) {
    fail(isProblem(error) ? error.message : `could not load the study definitions in ${config.surveysDir}: ${describe(error)}`);
  }

  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config.dataDir);
  } catch (error) {
    fail(`could not open the data directory ${config.dataDir}: ${describe(error)}`);
  }

  const generated = await ensureCredentials(store.settings, config);
  if (config.demo) {
    const demo = await loadDemoIfEmpty(store, definitions);
    if (demo.loaded) console.log(`Demo: loaded ${demo.responses} synthetic responses (clearly labelled as demo data).`);
    else console.log(`Demo: the store already holds ${demo.existing} responses, so no demo data was loaded.`);
  }

  const app = await createApp({ config, definitions, store });
  const server: Server = app.listen(config.port);
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') fail(`port ${config.port} is already in use; set PORT to another port.`);
    fail(`could not listen on port ${config.port}: ${error.message}`);
  });
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    // One write, the address last: whoever waits for "running at" has seen everything before it.
    const lines = [
      ...definitions.studies.map((s) => `Study ${s.id}: ${s.title} (${s.questionnaires.map((q) => q.id).join(', ')})`),
      `Data directory: ${config.dataDir}`,
    ];
    if (generated.adminPassword) {
      lines.push(`Evaluator password (generated now, shown only this once): ${generated.adminPassword}`);
      lines.push('  Sign in at /admin. Set PRAKSIS_ADMIN_PASSWORD to choose your own.');
    }
    if (generated.apiKey) {
      lines.push(`Evaluator API key (generated now, shown only this once): ${generated.apiKey}`);
      lines.push('  Send it as "Authorization: Bearer <key>". Set PRAKSIS_API_KEY to choose your own.');
    }
    lines.push(`praksis is running at http://localhost:${port}`);
    process.stdout.write(lines.join('\n') + '\n');
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      store.close().finally(() => process.exit(0));
    });
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => fail(`could not start: ${describe(error)}`));
