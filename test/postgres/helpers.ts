/**
 * For the PostgreSQL tests with real server processes: a database of the test's own on the test
 * run's PostgreSQL (or, for a test that stops and starts the server, a PostgreSQL of its own), the
 * study's answers as API bodies, and a SQL client.
 */
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { questionnaireByGroup, surveysDir, theStudy, API_KEY, ADMIN_PASSWORD } from '../http/helpers.ts';
import { startServer, type Started } from '../http/process.ts';
import { apiAnswers, fullPlan } from '../http/walk.ts';
import { startEmbeddedPostgres } from '../embedded-postgres.ts';
import { withSql } from '../storage/postgres-helpers.ts';

export { createDatabase, withSql, type TestDatabase } from '../storage/postgres-helpers.ts';
export { freePort } from '../free-port.ts';

export interface OwnPostgres {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

/**
 * A PostgreSQL server of the test's own (embedded-postgres, normal durability), so that stopping it
 * disturbs no other test. Started once initialised.
 */
export async function ownPostgres(): Promise<OwnPostgres> {
  const server = await startEmbeddedPostgres({ prefix: 'praksis-own-pg-', password: 'praksis-own', durable: true, maxConnections: 100 });
  await server.createDatabase('praksis');
  return { url: server.url('praksis'), start: () => server.start(), stop: () => server.stop(), remove: () => server.remove() };
}

/** The ids of the responses stored in the database at `url`. */
export function storedIds(url: string): Promise<string[]> {
  return withSql(url, async (c) => (await c.query<{ id: string }>('SELECT id FROM responses')).rows.map((r) => r.id));
}

/** The caseworker questionnaire's complete answers, as `POST /api/v1/responses` bodies. */
export async function submissions() {
  const definitions = await loadDefinitions(surveysDir);
  const study = theStudy(definitions);
  const qn = questionnaireByGroup(study, /praktiker/i);
  const leaders = questionnaireByGroup(study, /leder/i);
  const { municipality, answers } = apiAnswers(qn, fullPlan('147'));
  return {
    study,
    questionnaire: qn,
    leaders,
    /** An open-link submission; with `submissionId` when given. */
    body: (submissionId?: string) => JSON.stringify({ study: study.id, questionnaire: qn.id, municipality, answers, ...(submissionId ? { submissionId } : {}) }),
    /** A leader submission through an invitation link's token. */
    tokenBody: (token: string, submissionId?: string) =>
      JSON.stringify({ token, answers: apiAnswers(leaders, fullPlan('147')).answers, ...(submissionId ? { submissionId } : {}) }),
  };
}

/**
 * POSTs a submission as a careful client does: a request that met a closed keep-alive socket (the
 * server closes idle ones after 5 s; under load a reused socket can be closing as it is used) is sent
 * again, at most twice: with a submissionId in the body a retry never stores twice.
 */
export async function post(base: string, body: string): Promise<{ status: number; json: { id?: string; error?: { code: number; message: string } } }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${base}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: res.status, json: (await res.json()) as { id?: string; error?: { code: number; message: string } } };
    } catch (error) {
      const socketClosed = error instanceof TypeError && /other side closed|ECONNRESET/.test(String((error as { cause?: unknown }).cause));
      if (!socketClosed || attempt >= 2 || !body.includes('submissionId')) throw error;
    }
  }
}

/** A praksis server process (npm start's build) on the database at `url`; the submission rate limit off. */
export function startOn(url: string, env: Record<string, string> = {}): Promise<Started> {
  return startServer([], {
    PRAKSIS_DATABASE_URL: url,
    PRAKSIS_RATE_LIMIT: 'off',
    PRAKSIS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PRAKSIS_API_KEY: API_KEY,
    PRAKSIS_DATA_DIR: '/nonexistent/praksis-must-not-be-used',
    ...env,
  });
}
