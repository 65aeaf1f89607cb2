/**
 * The PostgreSQL store: the same ports as the file store (../ports.ts), in one database.
 *
 *   responses     anonymous responses (./responses.ts)
 *   invitations   token hashes, uses and completions per day; drafts; windows (./fieldwork.ts)
 *   settings      one JSON document (./settings.ts)
 *   contacts, messages, mail_texts  e-mail fieldwork, apart from responses (./mail.ts)
 *   users, api_keys, sessions, login_attempts, activity   accounts and the activity log (./users.ts)
 *   audit_cases, audit_events  case-file audit records (./audit.ts)
 *   catalog_studies, catalog_heads, catalog_versions, catalog_tests  studies made in praksis (./catalog.ts)
 *   praksis_schema  the migrations applied (./migrate.ts, ./migrations/)
 *
 * Opening connects (failing fast with a clear message when the database cannot be reached) and
 * migrates the schema under an advisory lock. Several instances may open the same database. Losing
 * the database later answers 503 until it is back (./unavailable.ts); nothing needs a restart.
 */
import pg from 'pg';
import type { Store } from '../ports.ts';
import { PostgresAudits } from './audit.ts';
import { PostgresCatalog } from './catalog.ts';
import { migrate } from './migrate.ts';
import { PostgresFieldwork } from './fieldwork.ts';
import { PostgresMail } from './mail.ts';
import { PostgresResponses } from './responses.ts';
import { PostgresSettings } from './settings.ts';
import { PostgresTransfer } from './transfer.ts';
import { guarded } from './unavailable.ts';
import { PostgresUsers } from './users.ts';
import { redactUrl } from './url.ts';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long to wait for a connection, at open and later, in ms (default 5000). */
  connectionTimeoutMillis?: number;
  /** How long an idle connection is kept, in ms (default 10000). */
  idleTimeoutMillis?: number;
  /** Longest a statement may run, in ms (default 30000; 0 for no limit). */
  statementTimeoutMillis?: number;
}

/** The message of a connection error (an AggregateError when every address of the host refused). */
function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return [...new Set(error.errors.map(reasonOf))].join('; ');
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

/** A pool that has reached the database (else a clear error naming it without its password, and nothing left open). */
async function connect(url: string, options: PostgresStoreOptions): Promise<pg.Pool> {
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 10_000,
    statement_timeout: options.statementTimeoutMillis ?? 30_000,
    application_name: 'praksis',
  });
  // An idle connection that breaks (the server restarted) must not crash the program; the pool replaces it.
  pool.on('error', (error) => console.warn(`praksis: a connection to the database ${location} failed (${error.message}); it is replaced`));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to the PostgreSQL database ${location} (${reasonOf(error)}); check PRAKSIS_DATABASE_URL and that the server is running and reachable`, {
      cause: error,
    });
  }
  return pool;
}

/** `praksis migrate`: brings the schema up to date; returns the versions applied now and the version it is at. */
export async function migrateDatabase(url: string, options: PostgresStoreOptions = {}): Promise<{ applied: number[]; version: number; location: string }> {
  const location = redactUrl(url);
  const pool = await connect(url, options);
  try {
    const applied = await migrate(pool, location);
    const { rows } = await pool.query<{ version: number }>('SELECT max(version)::integer AS version FROM praksis_schema');
    return { applied, version: rows[0]!.version, location };
  } finally {
    await pool.end();
  }
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const location = redactUrl(url);
  const pool = await connect(url, options);
  try {
    await migrate(pool, location);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const responses = new PostgresResponses(pool);
  let closing: Promise<void> | undefined;
  return {
    location,
    // Every port answers a lost database with Problem 503.1 (./unavailable.ts).
    responses: guarded(responses),
    fieldwork: guarded(new PostgresFieldwork(pool)),
    settings: guarded(new PostgresSettings(pool, location)),
    transfer: guarded(new PostgresTransfer(pool)),
    mail: guarded(new PostgresMail(pool)),
    users: guarded(new PostgresUsers(pool)),
    audits: guarded(new PostgresAudits(pool)),
    catalog: guarded(new PostgresCatalog(pool)),
    close() {
      closing ??= (async () => {
        responses.close();
        await pool.end();
      })();
      return closing;
    },
  };
}
