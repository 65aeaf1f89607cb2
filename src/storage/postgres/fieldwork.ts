/**
 * Fieldwork in the `invitations`, `drafts` and `windows` tables. Invitations hold token hashes only,
 * and are listed by study, questionnaire and municipality, never in the order issued or used.
 *
 * `useLink` takes the use in ONE statement (`UPDATE … WHERE used < uses RETURNING`), committed before
 * the response is stored (in its own statement, on its own connection); a use not needed is given
 * back in another statement. The use and the response are never in one transaction.
 */
import type pg from 'pg';
import { ZDraft, ZInvitation, ZWindow, type TDraft, type TInvitation, type TWindow } from '../../fieldwork/index.ts';
import { ZIsoDate } from '../../survey/schema.ts';
import type { CreatedLinks, FieldworkPort, LinkUse, NewLink } from '../ports.ts';
import { danishDay } from '../../time.ts';
import { MaybeWritten } from '../shared.ts';
import { transaction } from './transaction.ts';

export const INVITATION = `token_hash AS "tokenHash", study, questionnaire, municipality, uses, used, completions,
  to_char(created_day, 'YYYY-MM-DD') AS "createdDay", reminders, revoked, generation,
  to_char(opened_day, 'YYYY-MM-DD') AS "openedDay"`;
const DRAFT = `token_hash AS "tokenHash", resume_hash AS "resumeHash", state, page, to_char(updated_day, 'YYYY-MM-DD') AS "updatedDay"`;

export const invitationOf = (row: unknown): TInvitation => {
  const { openedDay, ...rest } = row as { openedDay: string | null };
  return ZInvitation.parse(openedDay === null ? rest : row);
};

export class PostgresFieldwork implements FieldworkPort {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async invitations(study: string, questionnaire?: string): Promise<TInvitation[]> {
    const { rows } = await this.#pool.query(
      `SELECT ${INVITATION} FROM invitations WHERE study = $1 AND ($2::text IS NULL OR questionnaire = $2)
       ORDER BY questionnaire COLLATE "C", municipality COLLATE "C", revoked`,
      [study, questionnaire ?? null],
    );
    return rows.map(invitationOf);
  }

  async findByTokenHash(tokenHash: string): Promise<TInvitation | undefined> {
    const { rows } = await this.#pool.query(`SELECT ${INVITATION} FROM invitations WHERE token_hash = $1 AND NOT revoked`, [tokenHash]);
    return rows.length > 0 ? invitationOf(rows[0]) : undefined;
  }

  create(study: string, questionnaire: string, links: readonly NewLink[], uses: number): Promise<CreatedLinks> {
    return transaction(this.#pool, async (client) => {
      const day = danishDay();
      const result: CreatedLinks = { created: [], skipped: [] };
      for (const { municipality, tokenHash } of links) {
        const inserted = await client.query(
          `INSERT INTO invitations (token_hash, study, questionnaire, municipality, uses, used, completions, created_day, reminders, generation)
           VALUES ($1, $2, $3, $4, $5, 0, '{}'::jsonb, $6::date, 0, 0)
           ON CONFLICT (study, questionnaire, municipality) WHERE NOT revoked DO NOTHING`,
          [tokenHash, study, questionnaire, municipality, uses, day],
        );
        (inserted.rowCount === 1 ? result.created : result.skipped).push(municipality);
      }
      return result;
    });
  }

  replace(study: string, questionnaire: string, municipality: string, next: { tokenHash: string; generation: number }): Promise<TInvitation | undefined> {
    // The link and its drafts change in one transaction: a draft is never left behind on the old token.
    return transaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ tokenHash: string }>(
        `SELECT token_hash AS "tokenHash" FROM invitations WHERE study = $1 AND questionnaire = $2 AND municipality = $3 AND NOT revoked FOR UPDATE`,
        [study, questionnaire, municipality],
      );
      if (rows.length === 0) return undefined;
      const old = rows[0]!.tokenHash;
      const updated = await client.query(`UPDATE invitations SET token_hash = $2, generation = $3 WHERE token_hash = $1 RETURNING ${INVITATION}`, [old, next.tokenHash, next.generation]);
      await client.query('UPDATE drafts SET token_hash = $2 WHERE token_hash = $1', [old, next.tokenHash]);
      return invitationOf(updated.rows[0]);
    });
  }

  async noteReminders(study: string, questionnaire: string, municipalities: readonly string[]): Promise<void> {
    await this.#pool.query(`UPDATE invitations SET reminders = reminders + 1 WHERE study = $1 AND questionnaire = $2 AND NOT revoked AND municipality = ANY($3::text[])`, [
      study,
      questionnaire,
      [...municipalities],
    ]);
  }

  async markOpened(tokenHash: string, day: string): Promise<void> {
    ZIsoDate.parse(day);
    await this.#pool.query('UPDATE invitations SET opened_day = $2::date WHERE token_hash = $1 AND NOT revoked AND opened_day IS NULL', [tokenHash, day]);
  }

  async draftedLinks(study: string): Promise<string[]> {
    const { rows } = await this.#pool.query<{ tokenHash: string }>(
      `SELECT DISTINCT d.token_hash AS "tokenHash" FROM drafts d JOIN invitations i ON i.token_hash = d.token_hash WHERE i.study = $1 ORDER BY 1`,
      [study],
    );
    return rows.map((r) => r.tokenHash);
  }

  async useLink<R extends { created: boolean }>(tokenHash: string, day: string, store: () => Promise<R>): Promise<LinkUse<R>> {
    ZIsoDate.parse(day);
    // The check and the use in one statement, committed before the response is stored.
    const taken = await this.#pool.query(
      `UPDATE invitations SET used = used + 1,
         completions = jsonb_set(completions, ARRAY[$2::text], to_jsonb(coalesce((completions ->> $2::text)::integer, 0) + 1))
       WHERE token_hash = $1 AND NOT revoked AND used < uses
       RETURNING ${INVITATION}`,
      [tokenHash, day],
    );
    if (taken.rows.length === 0) {
      const found = await this.findByTokenHash(tokenHash);
      return found ? { outcome: 'used-up', invitation: found } : { outcome: 'unknown' };
    }
    const invitation = invitationOf(taken.rows[0]);
    let result: R;
    try {
      result = await store();
    } catch (error) {
      // A write whose outcome is unknown may have stored the response: the use stays recorded.
      if (!(error instanceof MaybeWritten)) await this.#giveBack(invitation, day);
      throw error;
    }
    if (!result.created) return { outcome: 'stored', invitation: await this.#giveBack(invitation, day), result };
    return { outcome: 'stored', invitation, result };
  }

  /** Gives a use back, found by its place (`replace` may have replaced the token meanwhile). */
  async #giveBack(invitation: TInvitation, day: string): Promise<TInvitation> {
    try {
      const { rows } = await this.#pool.query(
        `UPDATE invitations SET used = greatest(used - 1, 0),
           completions = CASE WHEN coalesce((completions ->> $4::text)::integer, 0) > 1
             THEN jsonb_set(completions, ARRAY[$4::text], to_jsonb((completions ->> $4::text)::integer - 1))
             ELSE completions - $4::text END
         WHERE study = $1 AND questionnaire = $2 AND municipality = $3 AND NOT revoked
         RETURNING ${INVITATION}`,
        [invitation.study, invitation.questionnaire, invitation.municipality, day],
      );
      return rows.length > 0 ? invitationOf(rows[0]) : invitation;
    } catch (error) {
      console.warn(`praksis: could not give back an unused link use in the database (${(error as Error).message}); the link has one use less`);
      return invitation;
    }
  }

  async draft(tokenHash: string, resumeHash: string): Promise<TDraft | undefined> {
    const { rows } = await this.#pool.query(`SELECT ${DRAFT} FROM drafts WHERE token_hash = $1 AND resume_hash = $2`, [tokenHash, resumeHash]);
    return rows.length > 0 ? ZDraft.parse(rows[0]) : undefined;
  }

  async saveDraft(draft: TDraft, maxPerLink: number): Promise<boolean> {
    const next = ZDraft.parse(draft);
    // The count and the insert under a lock of this link's drafts (held to the commit).
    return transaction(this.#pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('praksis-drafts:' || $1, 0))`, [next.tokenHash]);
      const params = [next.tokenHash, next.resumeHash, next.state, next.page, next.updatedDay];
      const replaced = await client.query(`UPDATE drafts SET state = $3, page = $4, updated_day = $5::date WHERE token_hash = $1 AND resume_hash = $2`, params);
      if (replaced.rowCount === 1) return true;
      const inserted = await client.query(
        `INSERT INTO drafts (token_hash, resume_hash, state, page, updated_day)
         SELECT $1, $2, $3, $4, $5::date WHERE (SELECT count(*) FROM drafts WHERE token_hash = $1) < $6`,
        [...params, maxPerLink],
      );
      return inserted.rowCount === 1;
    });
  }

  async deleteDraft(tokenHash: string, resumeHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM drafts WHERE token_hash = $1 AND resume_hash = $2', [tokenHash, resumeHash]);
  }

  async expireDrafts(before: string, closed: readonly { study: string; questionnaire: string }[]): Promise<number> {
    ZIsoDate.parse(before);
    const result = await this.#pool.query(
      `DELETE FROM drafts WHERE updated_day < $1::date OR token_hash IN (
         SELECT i.token_hash FROM invitations i JOIN unnest($2::text[], $3::text[]) AS c(study, questionnaire)
           ON i.study = c.study AND i.questionnaire = c.questionnaire)`,
      [before, closed.map((c) => c.study), closed.map((c) => c.questionnaire)],
    );
    return result.rowCount ?? 0;
  }

  async window(study: string, questionnaire: string): Promise<TWindow | undefined> {
    const { rows } = await this.#pool.query<{ state: unknown }>('SELECT state FROM windows WHERE study = $1 AND questionnaire = $2', [study, questionnaire]);
    return rows.length > 0 ? ZWindow.parse(rows[0]!.state) : undefined;
  }

  async setWindow(study: string, questionnaire: string, window: TWindow): Promise<void> {
    const next = ZWindow.parse(window);
    await this.#pool.query(
      `INSERT INTO windows (study, questionnaire, state) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (study, questionnaire) DO UPDATE SET state = EXCLUDED.state`,
      [study, questionnaire, JSON.stringify(next)],
    );
  }
}
