/**
 * `praksis copy` on PostgreSQL: each kind of data as one document (the file store's shapes:
 * ZFieldworkData, ZMailData, and ../ports.ts's transfer documents) and back, into empty tables only,
 * each in one transaction. Reads run in one REPEATABLE READ snapshot per document. The e-mail,
 * account and audit tables (and the two helpers) are in ./transfer-more.ts.
 */
import type pg from 'pg';
import { ZDraft, ZFieldworkData, ZWindow, type TFieldworkData } from '../../fieldwork/index.ts';
import type { TMailData } from '../../mail/schema.ts';
import type { TActivity } from '../accounts.ts';
import { checkDocument, type TAccountsDocument, type TAuditDocument, type TransferPort } from '../ports.ts';
import { INVITATION, invitationOf } from './fieldwork.ts';
import { accountsData, activityData, auditData, intoEmpty, loadAccountsData, loadActivityData, loadAuditData, loadMailData, mailData, snapshot } from './transfer-more.ts';

export class PostgresTransfer implements TransferPort {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  fieldworkData(): Promise<TFieldworkData> {
    return snapshot(this.#pool, async (client) => {
      const invitations = await client.query(`SELECT ${INVITATION} FROM invitations ORDER BY study COLLATE "C", questionnaire COLLATE "C", municipality COLLATE "C", revoked, token_hash`);
      const drafts = await client.query(
        `SELECT token_hash AS "tokenHash", resume_hash AS "resumeHash", state, page, to_char(updated_day, 'YYYY-MM-DD') AS "updatedDay"
         FROM drafts ORDER BY token_hash, resume_hash`,
      );
      const windows = await client.query<{ study: string; questionnaire: string; state: unknown }>('SELECT study, questionnaire, state FROM windows ORDER BY study, questionnaire');
      return {
        invitations: invitations.rows.map(invitationOf),
        drafts: drafts.rows.map((r) => ZDraft.parse(r)),
        windows: Object.fromEntries(windows.rows.map((w) => [`${w.study}/${w.questionnaire}`, ZWindow.parse(w.state)])),
      };
    });
  }

  async loadFieldworkData(data: TFieldworkData): Promise<void> {
    const { invitations, drafts, windows } = checkDocument(ZFieldworkData, data, 'fieldwork data');
    await intoEmpty(this.#pool, ['invitations', 'drafts', 'windows'], { what: 'fieldwork data' }, async (client) => {
      await client.query(
        `INSERT INTO invitations (token_hash, study, questionnaire, municipality, uses, used, completions, created_day, reminders, revoked, generation, opened_day)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::jsonb[], $8::date[], $9::integer[], $10::boolean[], $11::integer[], $12::date[])`,
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
          invitations.map((i) => i.generation),
          invitations.map((i) => i.openedDay ?? null),
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

  mailData(): Promise<TMailData> {
    return mailData(this.#pool);
  }

  loadMailData(data: TMailData): Promise<void> {
    return loadMailData(this.#pool, data);
  }

  accountsData(): Promise<TAccountsDocument> {
    return accountsData(this.#pool);
  }

  loadAccountsData(data: TAccountsDocument): Promise<void> {
    return loadAccountsData(this.#pool, data);
  }

  activityData(): Promise<TActivity[]> {
    return activityData(this.#pool);
  }

  loadActivityData(entries: readonly TActivity[]): Promise<void> {
    return loadActivityData(this.#pool, entries);
  }

  auditData(): Promise<TAuditDocument> {
    return auditData(this.#pool);
  }

  loadAuditData(data: TAuditDocument): Promise<void> {
    return loadAuditData(this.#pool, data);
  }
}
