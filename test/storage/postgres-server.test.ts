/**
 * `npm start` (the build, dist/server.mjs) on PostgreSQL: PRAKSIS_DATABASE_URL chooses it, the
 * build finds the migrations, the start-up output names the database without its password, and an
 * unreachable database stops the start with a clear message.
 */
import { createServer } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServerToExit, startServer } from '../http/process.ts';
import { createDatabase, type TestDatabase } from './postgres-helpers.ts';

let database: TestDatabase;
beforeEach(async () => {
  database = await createDatabase();
});
afterEach(async () => {
  await database.drop();
});

const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);

describe('npm start with PRAKSIS_DATABASE_URL', () => {
  it('migrates the database, serves the questionnaires and never prints the password', async () => {
    const server = await startServer([], { PRAKSIS_DATABASE_URL: database.url, PRAKSIS_DATA_DIR: '/nonexistent/praksis-must-not-be-used' });
    try {
      expect(server.output()).toContain(`Database: ${database.url.replace(/:[^:@/]+@/, ':***@')}`);
      expect(server.output()).not.toContain(`:${passwordOf(database.url)}@`);
      expect((await fetch(`${server.url}/`)).status).toBe(200);
    } finally {
      await server.stop();
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::integer AS n FROM praksis_schema')).rows[0].n).toBeGreaterThan(0);
      // The first start made the session secret and the first admin (its password only as a hash).
      expect(Object.keys((await client.query('SELECT document FROM settings')).rows[0].document)).toContain('sessionSecret');
      expect((await client.query('SELECT login, role FROM users')).rows).toEqual([{ login: 'admin', role: 'admin' }]);
    } finally {
      await client.end();
    }
  });

  it('stops with a clear message naming the database (without its password) when it cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const finished = await runServerToExit([], { PRAKSIS_DATABASE_URL: `postgres://praksis:not-this-one@127.0.0.1:${port}/praksis` });
    const output = JSON.stringify(finished);
    expect(finished.code).toBe(1);
    expect(output).toMatch(/could not open the database: cannot connect to the PostgreSQL database postgres:\/\/praksis:\*\*\*@127\.0\.0\.1/);
    expect(output).not.toContain('not-this-one');
  });
});
