/**
 * Responses in the `responses` table. Each row: the random id, study, questionnaire, version,
 * municipality, the DAY (a `date`), the answers (jsonb) and, for a submission, the SHA-256 hash of
 * its submission id (unique). No serial, no timestamp.
 *
 * - Durable: `add` resolves once its INSERT is committed (PostgreSQL's synchronous commit).
 * - Idempotent: `INSERT … ON CONFLICT (submission_hash) DO NOTHING`, then the existing row's id
 *   (`created: false`), also across instances; a concurrent add of the same id within this
 *   instance waits for the first one.
 * - "The order stored" is the physical order (ctid): it is the insert order until an operator
 *   rewrites the table (VACUUM FULL, CLUSTER; see README "Running on PostgreSQL").
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { NewResponse, ResponsesPort, Stored } from '../ports.ts';
import { ZResponse, type TAnswerValue, type TResponse } from '../../survey/schema.ts';
import { ResponseTable, type RowFilter } from '../../survey/table.ts';
import { tableOfTallies, ZTallySpec, type TCellTallies, type TTallySpec } from '../../survey/tallies.ts';
import { randomId } from '../../random.ts';
import { danishDay } from '../../time.ts';
import { checkResponses, MaybeWritten } from '../shared.ts';
import { isConnectionError, unavailable } from './unavailable.ts';

/** Tally queries of one report run at once (the pool keeps the rest for submissions). */
const TALLY_QUERIES = 4;

function hashSubmissionId(submissionId: string): string {
  return createHash('sha256').update(`praksis-submission:${submissionId}`).digest('base64url');
}

const COLUMNS = `id, study, questionnaire, version, municipality, to_char(day, 'YYYY-MM-DD') AS day, answers`;

function where(filter: RowFilter | undefined): { sql: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  if (filter?.study !== undefined) conditions.push(`study = $${params.push(filter.study)}`);
  if (filter?.questionnaire !== undefined) conditions.push(`questionnaire = $${params.push(filter.questionnaire)}`);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/**
 * An error the server did not report (the connection broke): the INSERT may have been committed,
 * so a link use is not given back for it (one use lost, never one granted).
 */
function unknownOutcome(error: unknown): unknown {
  if (error instanceof pg.DatabaseError && !isConnectionError(error)) return error;
  // Its cause is Problem 503.1 (what the client is answered), whose cause is the connection error.
  return new MaybeWritten(`could not store the response: the database connection failed (${(error as Error).message}); it may or may not be stored`, { cause: unavailable(error) });
}

export class PostgresResponses implements ResponsesPort {
  readonly #pool: pg.Pool;
  /** submission hash → the add in progress in this instance. */
  readonly #adding = new Map<string, Promise<Stored>>();
  #closed = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  close(): void {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the response store is closed');
  }

  async add(response: NewResponse, submissionId?: string): Promise<Stored> {
    this.#assertOpen();
    const hash = submissionId === undefined ? undefined : hashSubmissionId(submissionId);
    if (hash !== undefined) {
      const inProgress = this.#adding.get(hash);
      if (inProgress !== undefined) return { id: (await inProgress).id, created: false };
    }
    const { study, questionnaire, version, municipality, answers } = response;
    const row = ZResponse.parse({ id: randomId(), study, questionnaire, version, municipality, day: danishDay(), answers });
    const adding = this.#insert(row, hash);
    if (hash !== undefined) {
      this.#adding.set(hash, adding);
      void adding.then(
        () => this.#adding.delete(hash),
        () => this.#adding.delete(hash),
      );
    }
    return adding;
  }

  async #insert(r: TResponse, hash: string | undefined): Promise<Stored> {
    try {
      const inserted = await this.#pool.query<{ id: string }>(
        `INSERT INTO responses (id, study, questionnaire, version, municipality, day, answers, submission_hash)
         VALUES ($1, $2, $3, $4, $5, $6::date, $7::jsonb, $8) ON CONFLICT (submission_hash) DO NOTHING RETURNING id`,
        [r.id, r.study, r.questionnaire, r.version, r.municipality, r.day, JSON.stringify(r.answers), hash ?? null],
      );
      if (inserted.rows.length === 1) return { id: r.id, created: true };
    } catch (error) {
      throw unknownOutcome(error);
    }
    const existing = await this.#pool.query<{ id: string }>('SELECT id FROM responses WHERE submission_hash = $1', [hash]);
    return { id: existing.rows[0]!.id, created: false };
  }

  async has(submissionId: string): Promise<boolean> {
    const hash = hashSubmissionId(submissionId);
    if (this.#adding.has(hash)) return true;
    const { rows } = await this.#pool.query('SELECT 1 FROM responses WHERE submission_hash = $1', [hash]);
    return rows.length > 0;
  }

  async addMany(responses: readonly TResponse[]): Promise<number> {
    this.#assertOpen();
    const parsed = checkResponses(responses);
    if (parsed.length === 0) return 0;
    // One statement: all rows or none, in the order given.
    await this.#pool.query(
      `INSERT INTO responses (id, study, questionnaire, version, municipality, day, answers)
       SELECT id, study, questionnaire, version, municipality, day::date, answers::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::text[])
         WITH ORDINALITY AS t(id, study, questionnaire, version, municipality, day, answers, n)
       ORDER BY n`,
      [
        parsed.map((r) => r.id),
        parsed.map((r) => r.study),
        parsed.map((r) => r.questionnaire),
        parsed.map((r) => r.version),
        parsed.map((r) => r.municipality),
        parsed.map((r) => r.day),
        parsed.map((r) => JSON.stringify(r.answers)),
      ],
    );
    return parsed.length;
  }

  async count(filter?: RowFilter): Promise<number> {
    const { sql, params } = where(filter);
    const { rows } = await this.#pool.query<{ n: number }>(`SELECT count(*)::integer AS n FROM responses ${sql}`, params);
    return rows[0]!.n;
  }

  async list(filter?: RowFilter): Promise<TResponse[]> {
    const { sql, params } = where(filter);
    const { rows } = await this.#pool.query<TResponse>(`SELECT ${COLUMNS} FROM responses ${sql} ORDER BY ctid`, params);
    return rows.map((r) => ZResponse.parse(r));
  }

  /** All the rows (the fieldwork overview's days); the report reads `reportTable` instead. */
  async table(): Promise<ResponseTable> {
    return ResponseTable.from(await this.list());
  }

  async reportTable(spec: TTallySpec): Promise<ResponseTable> {
    return tableOfTallies(await this.#tallies(spec));
  }

  /**
   * The report's rows from tallies aggregated in the database: one GROUP BY for the cells and one
   * per key (`answers -> key`: a multi-select's value is its whole jsonb array, i.e. its
   * combination; a text key of `present` counts its strings as ""), TALLY_QUERIES of them at a
   * time on the pool. Measured on 100,000 rows, separate queries beat one query over
   * jsonb_each (its 1.6 million key rows make the hash aggregate the cost).
   */
  async #tallies(spec: TTallySpec): Promise<TCellTallies> {
    const { study, questionnaires, values, present } = ZTallySpec.parse(spec);
    const params = [study, questionnaires];
    const cells = this.#pool.query<{ questionnaire: string; municipality: string; n: number }>(
      `SELECT questionnaire, municipality, count(*)::integer AS n FROM responses
       WHERE study = $1 AND questionnaire = ANY($2::text[]) GROUP BY questionnaire, municipality`,
      params,
    );
    type Row = { questionnaire: string; municipality: string; value: TAnswerValue; count: number };
    const keys = [...new Set([...values, ...present])].map((key) => ({ key, text: present.includes(key) }));
    const tallied: TCellTallies['values'] = [];
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const { key, text } = keys[next++]!;
        const { rows } = await this.#pool.query<Row>(
          text
            ? `SELECT questionnaire, municipality, '""'::jsonb AS value, count(*)::integer AS count FROM responses
               WHERE study = $1 AND questionnaire = ANY($2::text[]) AND jsonb_typeof(answers -> $3::text) = 'string' GROUP BY 1, 2`
            : `SELECT questionnaire, municipality, answers -> $3::text AS value, count(*)::integer AS count FROM responses
               WHERE study = $1 AND questionnaire = ANY($2::text[]) AND answers ? $3::text GROUP BY 1, 2, 3`,
          [...params, key],
        );
        for (const r of rows) tallied.push({ questionnaire: r.questionnaire, municipality: r.municipality, key, value: r.value, count: r.count });
      }
    };
    await Promise.all(Array.from({ length: Math.min(TALLY_QUERIES, keys.length) }, worker));
    return { study, cells: (await cells).rows, values: tallied };
  }
}
