/**
 * The PostgreSQL store: the same ports as the file store (../ports.ts), in one database.
 *
 *   responses     anonymous responses (./responses.ts)
 *   invitations   token hashes, uses and completions per day; drafts; windows (./fieldwork.ts)
 *   settings      one JSON document (./settings.ts)
 *   audit_cases, audit_events  case-file audit records (./audit.ts)
 *   praksis_schema  the migrations applied (./migrate.ts, ./migrations/)
 *
 * Opening connects (failing fast with a clear message when the database cannot be reached) and
 * migrates the schema under an advisory lock. Several instances may open the same database.
 */
import pg from 'pg';
import type { Store } from '../ports.ts';
import { PostgresAudits } from './audit.ts';
import { migrate } from './migrate.ts';
import { PostgresFieldwork } from './fieldwork.ts';
import { PostgresResponses } from './responses.ts';
import { PostgresSettings } from './settings.ts';
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

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
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
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      throw new Error(`cannot connect to the PostgreSQL database ${location} (${reasonOf(error)}); check PRAKSIS_DATABASE_URL and that the server is running and reachable`, {
        cause: error,
      });
    }
    await migrate(pool, location);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const responses = new PostgresResponses(pool);
  let closing: Promise<void> | undefined;
  return {
    location,
    responses,
    fieldwork: new PostgresFieldwork(pool),
    settings: new PostgresSettings(pool, location),
    audits: new PostgresAudits(pool),
    close() {
      closing ??= (async () => {
        responses.close();
        await pool.end();
      })();
      return closing;
    },
  };
}
