/**
 * A database of its own for a test, on the one PostgreSQL the test run started
 * (test/global-setup-postgres.ts): created empty, dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The URL of the test server's maintenance database (to create and drop databases on). */
export function serverUrl(): string {
  return inject('postgresUrl');
}

/** Runs `work` on one SQL connection to `url`. */
export async function withSql<R>(url: string, work: (client: pg.Client) => Promise<R>): Promise<R> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` as the test server's superuser (making and dropping databases). */
const admin = <R>(work: (client: pg.Client) => Promise<R>): Promise<R> => withSql(serverUrl(), work);

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new, empty database; `drop` deletes it (closing any connection still open to it). */
export async function createDatabase(): Promise<TestDatabase> {
  const name = `praksis_test_${randomBytes(8).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}
