/**
 * `praksis copy` on PostgreSQL: the fieldwork tables as one document (the file store's
 * fieldwork.json shape, ZFieldworkData) and back, into empty tables only, in one transaction.
 */
import type pg from 'pg';
import { ZDraft, ZFieldworkData, ZInvitation, ZWindow, type TFieldworkData } from '../../fieldwork/index.ts';
import type { TransferPort } from '../ports.ts';
import { transaction } from './transaction.ts';

export class PostgresTransfer implements TransferPort {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async fieldworkData(): Promise<TFieldworkData> {
    return transaction(this.#pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const invitations = await client.query(
        `SELECT token_hash AS "tokenHash", study, questionnaire, municipality, uses, used, completions,
           to_char(created_day, 'YYYY-MM-DD') AS "createdDay", reminders, revoked
         FROM invitations ORDER BY study COLLATE "C", questionnaire COLLATE "C", municipality COLLATE "C", revoked, token_hash`,
      );
      const drafts = await client.query(
        `SELECT token_hash AS "tokenHash", resume_hash AS "resumeHash", state, page, to_char(updated_day, 'YYYY-MM-DD') AS "updatedDay"
         FROM drafts ORDER BY token_hash, resume_hash`,
      );
      const windows = await client.query<{ study: string; questionnaire: string; state: unknown }>('SELECT study, questionnaire, state FROM windows ORDER BY study, questionnaire');
      return {
        invitations: invitations.rows.map((r) => ZInvitation.parse(r)),
        drafts: drafts.rows.map((r) => ZDraft.parse(r)),
        windows: Object.fromEntries(windows.rows.map((w) => [`${w.study}/${w.questionnaire}`, ZWindow.parse(w.state)])),
      };
    });
  }

  async loadFieldworkData(data: TFieldworkData): Promise<void> {
    const { invitations, drafts, windows } = ZFieldworkData.parse(data);
    await transaction(this.#pool, async (client) => {
      await client.query('LOCK TABLE invitations, drafts, windows IN EXCLUSIVE MODE');
      const { rows } = await client.query<{ n: number }>('SELECT ((SELECT count(*) FROM invitations) + (SELECT count(*) FROM drafts) + (SELECT count(*) FROM windows))::integer AS n');
      if (rows[0]!.n > 0) throw new Error('the database already holds fieldwork data; it is not overwritten');
      await client.query(
        `INSERT INTO invitations (token_hash, study, questionnaire, municipality, uses, used, completions, created_day, reminders, revoked)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::jsonb[], $8::date[], $9::integer[], $10::boolean[])`,
        [
          invitations.map((i) => i.tokenHash),
          invitations.map((i) => i.study),
          invitations.map((i) => i.questionnaire),
          invitations.map((i) => i.municipality),
          invitations.map((i) => i.uses),
          invitations.map((i) => i.used),
          invitations.map((i) => JSON.stringify(i.completions)),
          invitations.map((i) => i.createdDay),
          invitations.map((i) => i.reminders),
          invitations.map((i) => i.revoked),
        ],
      );
      await client.query(
        `INSERT INTO drafts (token_hash, resume_hash, state, page, updated_day)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::date[])`,
        [drafts.map((d) => d.tokenHash), drafts.map((d) => d.resumeHash), drafts.map((d) => d.state), drafts.map((d) => d.page), drafts.map((d) => d.updatedDay)],
      );
      for (const [key, window] of Object.entries(windows)) {
        const slash = key.indexOf('/');
        await client.query('INSERT INTO windows (study, questionnaire, state) VALUES ($1, $2, $3::jsonb)', [key.slice(0, slash), key.slice(slash + 1), JSON.stringify(window)]);
      }
    });
  }
}
