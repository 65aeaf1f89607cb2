/**
 * Schema migrations: numbered SQL files in ./migrations/ (NNN_name.sql), applied in order at open,
 * each in its own transaction, under a PostgreSQL advisory lock so that two instances starting at
 * once migrate once. A database whose schema is newer than this program knows is refused.
 *
 * The files are read from the project root (src/paths.ts), so the build (dist/*.mjs) finds them too.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { rootDir } from '../../paths.ts';

export const MIGRATIONS_DIR = join(rootDir, 'src', 'storage', 'postgres', 'migrations');
/** The advisory lock key of praksis migrations (any fixed bigint; "praksis" in ASCII). */
const LOCK_KEY = '31654144476293491';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = /^(\d{3})_[a-z0-9_]+\.sql$/.exec(name);
    if (!match) throw new Error(`${join(dir, name)} is not named NNN_name.sql`);
    const version = Number(match[1]);
    const previous = migrations.at(-1)?.version ?? 0;
    if (version <= previous) throw new Error(`migration ${name} in ${dir} repeats number ${version}`);
    migrations.push({ version, name, sql: await readFile(join(dir, name), 'utf8') });
  }
  return migrations;
}

/** Brings the schema up to date; returns the versions applied by THIS call (none when another did it). */
export async function migrate(pool: Pool, location: string, migrations?: readonly Migration[]): Promise<number[]> {
  const known = migrations ?? (await readMigrations());
  const latest = known.at(-1)?.version ?? 0;
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // No statement timeout on this connection: a migration, or waiting for another instance's, may take long.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [LOCK_KEY]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS praksis_schema (version integer PRIMARY KEY, name text NOT NULL)');
      const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0)::integer AS version FROM praksis_schema');
      const current = rows[0]!.version;
      if (current > latest) {
        throw new Error(
          `the database ${location} has schema version ${current}, newer than this praksis knows (${latest}); ` +
            `it was migrated by a newer praksis: run that version (or restore a backup), this one will not touch the data`,
        );
      }
      for (const m of known.filter((m) => m.version > current)) {
        try {
          await client.query('BEGIN');
          await client.query(m.sql);
          await client.query('INSERT INTO praksis_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${m.name} failed on ${location} (${(error as Error).message}); nothing of it was applied`, { cause: error });
        }
        applied.push(m.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    // Closed, not handed back to the pool: its session settings (and any lock) end with it.
    client.release(true);
  }
  return applied;
}
