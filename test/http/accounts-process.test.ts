/**
 * Issue 18 with real processes (`npm start`'s build and the `praksis` CLI): a failed first start
 * hides no credential; the user commands on both stores; a removed user's session and key stop
 * working at once on two server instances on one PostgreSQL database.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** Each test runs several processes one after another (a CLI start costs about a second on a busy machine). */
const SLOW = { timeout: 120_000 };
import { createDatabase, type TestDatabase } from '../storage/postgres-helpers.ts';
import { Client, csrfTokenOf } from './helpers.ts';
import { runCli, runServerToExit, startServer, type Started } from './process.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'praksis-accounts-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'data');
}
async function serve(env: Record<string, string>): Promise<Started> {
  const server = await startServer([], env);
  cleanups.push(() => server.stop());
  return server;
}
async function database(): Promise<TestDatabase> {
  const db = await createDatabase();
  cleanups.push(() => db.drop());
  return db;
}
async function signInStatus(url: string, login: string, password: string): Promise<{ status: number; client: Client }> {
  const client = new Client(url);
  const html = await (await client.get('/admin/login')).text();
  const res = await client.postForm('/admin/login', { _csrf: csrfTokenOf(html), login, password });
  return { status: res.status, client };
}
const passwordIn = (text: string) => /Admin password \(generated now, shown only this once\): (\S+)/.exec(text)?.[1];
const oneTime = (text: string) => /\(shown only this once\): (\S+)/.exec(text)?.[1];

describe('a failed first start', () => {
  it('leaves no account with an unseen password and no praksis.lock; the next start prints the password, which works', SLOW, async () => {
    const dataDir = await tempDataDir();
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => busy.close(resolve)));
    const port = (busy.address() as { port: number }).port;

    const failed = await runServerToExit([], { PRAKSIS_DATA_DIR: dataDir, PORT: String(port) });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`port ${port} is already in use`);
    expect(failed.stdout + failed.stderr).not.toContain('shown only this once');
    const files = await readdir(dataDir);
    expect(files).not.toContain('praksis.lock');
    const accounts = JSON.parse(await readFile(join(dataDir, 'accounts.json'), 'utf8')) as { users: unknown[] };
    expect(accounts.users).toEqual([]);

    const server = await serve({ PRAKSIS_DATA_DIR: dataDir });
    const password = passwordIn(server.output());
    expect(password).toBeDefined();
    expect((await signInStatus(server.url, 'admin', password!)).status).toBe(303);
  });
});

describe('praksis user', () => {
  it('adds, lists and resets users on a data directory (the server stopped), and the passwords work', SLOW, async () => {
    const dataDir = await tempDataDir();
    const env = { PRAKSIS_DATA_DIR: dataDir, PRAKSIS_ADMIN_PASSWORD: 'process-test-password' };
    const first = await serve(env);
    // While the server runs the data directory is locked: the CLI says so and changes nothing.
    const locked = await runCli(['user', 'add', '--role', 'viewer', 'bo'], env);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/praksis user add: .*(lock|in use|running)/i);
    await first.stop();

    const added = await runCli(['user', 'add', '--role', 'evaluator', '--studies', 'integration_2016', '--name', 'Eva Evaluator', 'eva'], env);
    expect(added.code).toBe(0);
    const evaPassword = oneTime(added.stdout)!;
    expect(evaPassword).toBeDefined();
    const bad = await runCli(['user', 'add', '--role', 'boss', 'x<y'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('role');
    expect(bad.stderr).toContain('login');
    const usage = await runCli(['user', 'add', 'eva'], env);
    expect(usage.code).toBe(2);
    const listed = await runCli(['user', 'list'], env);
    expect(listed.stdout).toMatch(/^admin\tadmin\t/m);
    expect(listed.stdout).toMatch(/^eva\tevaluator\tintegration_2016\tEva Evaluator$/m);
    expect(listed.stdout.split('\n').filter(Boolean)).toHaveLength(2);

    const reset = await runCli(['user', 'reset-password', 'eva'], env);
    expect(reset.code).toBe(0);
    const newPassword = oneTime(reset.stdout)!;
    const server = await serve(env);
    expect((await signInStatus(server.url, 'eva', evaPassword)).status).toBe(401);
    expect((await signInStatus(server.url, 'eva', newPassword)).status).toBe(303);
    const missing = await runCli(['user', 'reset-password', 'nobody'], { ...env, PRAKSIS_DATA_DIR: await tempDataDir() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no user "nobody"');
  });
});

describe('two instances on one PostgreSQL database', () => {
  it('a user removed on one instance loses their session and key on the other at once; reset-password works while they run', SLOW, async () => {
    const db = await database();
    const env = { PRAKSIS_DATABASE_URL: db.url, PRAKSIS_ADMIN_PASSWORD: 'two-instances-password', PRAKSIS_API_KEY: 'two-instances-shared-key-0123' };
    const a = await serve(env);
    const b = await serve(env);
    const admin = { authorization: 'Bearer two-instances-shared-key-0123', 'content-type': 'application/json' };
    const created = await fetch(a.url + '/api/v1/users', { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Bo', login: 'bo', role: 'evaluator', studies: ['integration_2016'] }) });
    expect(created.status).toBe(201);
    const { id, password } = (await created.json()) as { id: string; password: string };

    const { status, client } = await signInStatus(b.url, 'bo', password);
    expect(status).toBe(303);
    const keyRes = await fetch(`${b.url}/api/v1/users/${id}/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'script' }) });
    const { key } = (await keyRes.json()) as { key: string };
    expect((await fetch(a.url + '/api/v1/whoami', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await client.get('/admin')).status).toBe(200);

    expect((await fetch(`${a.url}/api/v1/users/${id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await client.get('/admin')).status).toBe(303);
    expect((await fetch(b.url + '/api/v1/whoami', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect((await fetch(a.url + '/api/v1/whoami', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);

    // The CLI on the same database while both run: a new password for admin ends its sessions on both.
    const adminOnB = await signInStatus(b.url, 'admin', 'two-instances-password');
    expect(adminOnB.status).toBe(303);
    const reset = await runCli(['user', 'reset-password', 'admin'], { PRAKSIS_DATABASE_URL: db.url });
    expect(reset.code).toBe(0);
    expect((await adminOnB.client.get('/admin')).status).toBe(303);
    expect((await signInStatus(a.url, 'admin', oneTime(reset.stdout)!)).status).toBe(303);
  });
});
