/**
 * `npm start`: parse the configuration, load the study definitions, open the store, make sure
 * evaluator credentials exist, load demo data if asked, and listen.
 * Any start-up problem is printed as a plain message (no stack trace) and exits with code 1.
 */
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { parseConfig, type Config } from './config.ts';
import { isProblem } from './errors.ts';
import { listen } from './http/listen.ts';
import { createContext, type Context } from './services/context.ts';
import { createFirstAdmin, ensureCredentials, FIRST_ADMIN } from './services/credentials.ts';
import { loadDemo } from './services/demo.ts';
import { expireDrafts } from './services/status.ts';
import { smtpTransport } from './mail/transport.ts';
import { startOutbox } from './services/outbox.ts';
import { loadDefinitions } from './storage/definitions.ts';
import { openStore } from './storage/index.ts';

function fail(message: string): never {
  process.stderr.write(`praksis: ${message.trimEnd()}\n`);
  process.exit(1);
}

function describe(error: unknown): string {
  return isProblem(error) || error instanceof Error ? error.message : String(error);
}

const DAY_MS = 86_400_000;

/** The SMTP URL without its password, for the start-up lines. */
function redactSmtp(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
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
    store = await openStore(
      config.databaseUrl
        ? { databaseUrl: config.databaseUrl, options: { poolSize: config.databasePool, connectionTimeoutMillis: config.databaseTimeoutMs } }
        : config.dataDir,
    );
  } catch (error) {
    // The PostgreSQL adapter's messages name the database without its password.
    fail(config.databaseUrl ? `could not open the database: ${describe(error)}` : `could not open the data directory ${config.dataDir}: ${describe(error)}`);
  }
  let listenedPort = config.port;
  const publicUrl = () => config.publicUrl ?? `http://localhost:${listenedPort}`;
  const ctx: Context = createContext(definitions, store, { draftDays: config.draftDays, publicUrl });

  // From here on every failure closes the store first (releasing praksis.lock) and leaves no
  // account behind whose password nobody saw: a generated password is made only once we listen.
  let server: Server;
  let port: number;
  let firstAdmin: { password: string; apiKey: string } | undefined;
  let expired: number;
  try {
    const { firstAdminPending } = await ensureCredentials(store, config);
    if (config.demo) {
      const demo = await loadDemo(ctx);
      console.log(demo.loaded ? `Demo: loaded ${demo.responses} synthetic responses (clearly labelled as demo data).` : `Demo: ${demo.reason}.`);
    }
    expired = await expireDrafts(ctx);
    const app = await createApp({ config, context: ctx });
    try {
      ({ server, port } = await listen(app, config.port, config.host));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(code === 'EADDRINUSE' ? `port ${config.port} is already in use; set PORT to another port.` : `could not listen on ${config.host}:${config.port}: ${describe(error)}`);
    }
    if (firstAdminPending) firstAdmin = await createFirstAdmin(store);
  } catch (error) {
    await store.close().catch(() => undefined);
    fail(describe(error));
  }
  listenedPort = port;
  // E-mail: the background sender, when an SMTP server is configured (else messages wait in the outbox).
  const outbox = config.smtpUrl ? startOutbox(ctx, { transport: smtpTransport(config.smtpUrl), from: config.mailFrom ?? `praksis <noreply@${new URL(publicUrl()).hostname}>`, perMinute: config.mailPerMinute }) : undefined;
  if (expired > 0) console.log(`Drafts: deleted ${expired} expired draft(s) of invitation links.`);
  // Drafts expire once a day while the server runs (and at every start, above).
  const sweep = setInterval(() => void expireDrafts(ctx).catch((error: unknown) => console.warn(`praksis: could not expire drafts (${describe(error)})`)), DAY_MS);
  sweep.unref();

  // One write, the address last: whoever waits for "running at" has seen everything before it.
  const lines = [
    ...definitions.studies.map((s) => `Study ${s.id}: ${s.title} (${s.questionnaires.map((q) => q.id).join(', ')})`),
    config.databaseUrl ? `Database: ${store.location}` : `Data directory: ${config.dataDir}`,
  ];
  if (firstAdmin) {
    lines.push(`Admin password (generated now, shown only this once): ${firstAdmin.password}`);
    lines.push(`  Sign in at /admin as "${FIRST_ADMIN}". Lost it? Stop the server and run: praksis user reset-password ${FIRST_ADMIN}`);
    lines.push(`Admin API key (generated now, shown only this once): ${firstAdmin.apiKey}`);
    lines.push('  Send it as "Authorization: Bearer <key>". Make more keys under "Min konto".');
  }
  lines.push(`Public address (links and e-mails): ${publicUrl()}${config.publicUrl ? '' : ' (set PRAKSIS_PUBLIC_URL to the address respondents use)'}`);
  lines.push(outbox ? `E-mail: sending through ${redactSmtp(config.smtpUrl!)} at most ${config.mailPerMinute} a minute` : 'E-mail: not configured (set PRAKSIS_SMTP_URL); invitations wait in the outbox');
  const local = config.host === '127.0.0.1' || config.host === 'localhost';
  const shown = local || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const where = local ? 'this machine only; set PRAKSIS_HOST=0.0.0.0 to serve the network' : `listening on ${config.host}`;
  lines.push(`praksis is running at http://${shown}:${port} (${where})`);
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sweep);
    server.close(() => {
      // The sender settles the message in flight before the store closes.
      void (outbox?.stop() ?? Promise.resolve())
        .catch(() => undefined)
        .finally(() => store.close().finally(() => process.exit(0)));
    });
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => fail(`could not start: ${describe(error)}`));
