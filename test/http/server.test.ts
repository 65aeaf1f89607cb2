/**
 * `npm start` as a user runs it: the server process on a fresh data directory prints its address
 * and the generated first admin's credentials once; `--demo` fills an empty store with labelled demo data.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { repoRoot } from './helpers.ts';
import { startServer as start, type Started } from './process.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'praksis-server-'));
  dirs.push(dir);
  return dir;
}
const running: Started[] = [];
/** Starts the server and makes sure it is stopped after the test, also when an assertion fails. */
async function startServer(args: string[], env: Record<string, string>): Promise<Started> {
  const server = await start(args, env);
  running.push(server);
  return server;
}
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints the address and generated credentials once; they work; a restart does not print them again', async () => {
    const dataDir = join(await tempDir(), 'data');
    const first = await startServer([], { PRAKSIS_DATA_DIR: dataDir });
    const output = first.output();
    const password = /Admin password \(generated now, shown only this once\): (\S+)/.exec(output)?.[1];
    const apiKey = /Admin API key \(generated now, shown only this once\): (\S+)/.exec(output)?.[1];
    expect(password).toBeDefined();
    expect(apiKey).toBeDefined();

    const front = await fetch(first.url + '/');
    expect(front.status).toBe(200);
    expect(await front.text()).toContain('Spørgeskemaer');
    const who = await fetch(first.url + '/api/v1/whoami', { headers: { authorization: `Bearer ${apiKey}` } });
    expect(who.status).toBe(200);
    const stopped = await first.stop();
    expect(stopped.code).toBe(0);

    const second = await startServer([], { PRAKSIS_DATA_DIR: dataDir });
    expect(second.output()).not.toContain('shown only this once');
    const again = await fetch(second.url + '/api/v1/whoami', { headers: { authorization: `Bearer ${apiKey}` } });
    expect(again.status).toBe(200);
    await second.stop();
  });

  it('uses PRAKSIS_ADMIN_PASSWORD and PRAKSIS_API_KEY when given, printing no secret', async () => {
    const dataDir = join(await tempDir(), 'data');
    const server = await startServer([], {
      PRAKSIS_DATA_DIR: dataDir,
      PRAKSIS_ADMIN_PASSWORD: 'a-chosen-password',
      PRAKSIS_API_KEY: 'a-chosen-api-key-0123456789',
    });
    expect(server.output()).not.toContain('shown only this once');
    expect(server.output()).not.toContain('a-chosen');
    const who = await fetch(server.url + '/api/v1/whoami', { headers: { authorization: 'Bearer a-chosen-api-key-0123456789' } });
    expect(who.status).toBe(200);
    await server.stop();
  });

  it('--demo loads labelled synthetic responses into an empty store, and only into an empty one', async () => {
    const dataDir = join(await tempDir(), 'data');
    const env = { PRAKSIS_DATA_DIR: dataDir, PRAKSIS_API_KEY: 'demo-test-api-key-0123456789' };
    const first = await startServer(['--demo'], env);
    const loaded = /Demo: loaded (\d+) synthetic responses/.exec(first.output());
    expect(loaded).not.toBeNull();
    const count = Number(loaded![1]);
    expect(count).toBeGreaterThan(150);
    const front = await (await fetch(first.url + '/')).text();
    expect(front).toContain('Demodata');
    await first.stop();

    const second = await startServer(['--demo'], env);
    expect(second.output()).toContain(`the store already holds ${count} responses`);
    await second.stop();
  });

  it('`npm start` itself: a SIGTERM to npm (as a process manager sends it) stops the server cleanly', async () => {
    const dataDir = join(await tempDir(), 'data');
    // npm's own CLI when the tests run under npm, else the npm on the PATH.
    const [command, args] = process.env.npm_execpath?.endsWith('.js') ? [process.execPath, [process.env.npm_execpath, 'start']] : ['npm', ['start']];
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PRAKSIS_') && k !== 'PORT'));
    // Its own process group, so that whatever is left can be stopped if the test fails.
    const npm = spawn(command, args, { cwd: repoRoot, detached: true, env: { ...env, PORT: '0', PRAKSIS_DATA_DIR: dataDir, PRAKSIS_ADMIN_PASSWORD: 'npm-start-password' } });
    let out = '';
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on('close', (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(out).toMatch(/praksis is running at http:\/\/localhost:\d+/), { timeout: 20_000, interval: 50 });
      const url = /praksis is running at (http:\/\/localhost:\d+)/.exec(out)![1]!.replace('localhost', '127.0.0.1');
      expect((await fetch(url + '/')).status).toBe(200);
      expect(await readdir(dataDir)).toContain('praksis.lock');
      npm.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running after 5 s'), 5000))]);
      expect(code).toBe(0);
      // The server itself stopped (it removes its lock file on a clean stop) and no longer answers.
      expect(await readdir(dataDir)).not.toContain('praksis.lock');
      await expect(fetch(url + '/')).rejects.toThrow();
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
