/**
 * E-mail fieldwork in the `contacts`, `messages` and `mail_texts` tables (migration 003_mail.sql),
 * apart from responses and invitations. Deleting a study's contacts deletes its messages too, so no
 * e-mail address of the study is left.
 *
 * `claim` takes one due message in ONE statement (`FOR UPDATE SKIP LOCKED` inside an UPDATE): with
 * several instances on one database each message is claimed by exactly one, for a lease; a message
 * whose sender died is claimed again once its lease has run out.
 */
import type pg from 'pg';
import { ZContact, ZMailTexts, ZMessage, type NewMessage, type TContact, type TMailTexts, type TMessage } from '../../mail/schema.ts';
import { ZIsoDate } from '../../survey/schema.ts';
import type { ContactsAdded, MailPort } from '../ports.ts';
import { transaction } from './transaction.ts';

export const MESSAGE = `id, study, questionnaire, municipality, kind, recipient, name, subject, body, status,
  to_char(queued_day, 'YYYY-MM-DD') AS "queuedDay", to_char(status_day, 'YYYY-MM-DD') AS "statusDay", attempts,
  (extract(epoch FROM next_attempt_at) * 1000)::bigint AS "nextAttemptAt",
  (extract(epoch FROM lease_until) * 1000)::bigint AS "leaseUntil", last_error AS "lastError", dedupe`;

/** A row as the schema has it (NULL columns left out, epoch ms as numbers). */
export function messageOf(row: Record<string, unknown>): TMessage {
  const clean = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null));
  for (const key of ['nextAttemptAt', 'leaseUntil']) if (clean[key] !== undefined) clean[key] = Number(clean[key]);
  return ZMessage.parse(clean);
}

export function contactOf(row: Record<string, unknown>): TContact {
  return ZContact.parse(Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)));
}

export class PostgresMail implements MailPort {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async contacts(study: string): Promise<TContact[]> {
    const { rows } = await this.#pool.query(
      `SELECT study, questionnaire, municipality, email, name FROM contacts WHERE study = $1
       ORDER BY questionnaire COLLATE "C", municipality COLLATE "C", email COLLATE "C"`,
      [study],
    );
    return rows.map(contactOf);
  }

  async addContacts(contacts: readonly TContact[]): Promise<ContactsAdded> {
    const next = contacts.map((c) => ZContact.parse(c));
    return transaction(this.#pool, async (client) => {
      let added = 0;
      for (const c of next) {
        const result = await client.query(
          `INSERT INTO contacts (study, questionnaire, municipality, email, name) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (study, questionnaire, municipality, email) DO UPDATE SET name = EXCLUDED.name
             WHERE contacts.name IS DISTINCT FROM EXCLUDED.name`,
          [c.study, c.questionnaire, c.municipality, c.email, c.name ?? null],
        );
        added += result.rowCount ?? 0;
      }
      return { added, unchanged: next.length - added };
    });
  }

  deleteStudy(study: string): Promise<{ contacts: number; messages: number }> {
    return transaction(this.#pool, async (client) => {
      const contacts = await client.query('DELETE FROM contacts WHERE study = $1', [study]);
      const messages = await client.query('DELETE FROM messages WHERE study = $1', [study]);
      return { contacts: contacts.rowCount ?? 0, messages: messages.rowCount ?? 0 };
    });
  }

  async queue(messages: readonly NewMessage[], day: string): Promise<number> {
    ZIsoDate.parse(day);
    const checked = messages.map((m) => ZMessage.parse({ ...m, status: 'queued', statusDay: day, attempts: 0 }));
    return transaction(this.#pool, async (client) => {
      let queued = 0;
      for (const m of checked) {
        const result = await client.query(
          `INSERT INTO messages (id, study, questionnaire, municipality, kind, recipient, name, subject, body, status, queued_day, status_day, attempts, next_attempt_at, dedupe)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10::date, $10::date, 0, to_timestamp($11::double precision / 1000), $12)
           ON CONFLICT (dedupe) DO NOTHING`,
          [m.id, m.study, m.questionnaire, m.municipality, m.kind, m.recipient, m.name ?? null, m.subject, m.body, m.queuedDay, m.nextAttemptAt, m.dedupe],
        );
        queued += result.rowCount ?? 0;
      }
      return queued;
    });
  }

  async messages(study: string): Promise<TMessage[]> {
    const { rows } = await this.#pool.query(
      `SELECT ${MESSAGE} FROM messages WHERE study = $1
       ORDER BY questionnaire COLLATE "C", municipality COLLATE "C", recipient COLLATE "C", kind COLLATE "C", dedupe COLLATE "C"`,
      [study],
    );
    return rows.map(messageOf);
  }

  async claim(now: number, leaseMs: number): Promise<TMessage | undefined> {
    const { rows } = await this.#pool.query(
      `UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = to_timestamp(($1::double precision + $2) / 1000)
       WHERE id = (
         SELECT id FROM messages
         WHERE (status = 'queued' AND next_attempt_at <= to_timestamp($1::double precision / 1000))
            OR (status = 'sending' AND lease_until <= to_timestamp($1::double precision / 1000))
         ORDER BY next_attempt_at, id LIMIT 1
         FOR UPDATE SKIP LOCKED)
       RETURNING ${MESSAGE}`,
      [now, leaseMs],
    );
    return rows.length > 0 ? messageOf(rows[0]) : undefined;
  }

  async settle(id: string, outcome: { status: 'sent' | 'cancelled' | 'failed' | 'queued'; day: string; error?: string; nextAttemptAt?: number }): Promise<void> {
    ZIsoDate.parse(outcome.day);
    await this.#pool.query(
      `UPDATE messages SET status = $2, status_day = $3::date, lease_until = NULL,
         last_error = coalesce($4, last_error),
         next_attempt_at = coalesce(to_timestamp($5::double precision / 1000), next_attempt_at)
       WHERE id = $1`,
      [id, outcome.status, outcome.day, outcome.error ?? null, outcome.nextAttemptAt ?? null],
    );
  }

  async texts(study: string, questionnaire: string): Promise<TMailTexts | undefined> {
    const { rows } = await this.#pool.query<{ document: unknown }>('SELECT document FROM mail_texts WHERE study = $1 AND questionnaire = $2', [study, questionnaire]);
    return rows.length > 0 ? ZMailTexts.parse(rows[0]!.document) : undefined;
  }

  async setTexts(study: string, questionnaire: string, texts: TMailTexts): Promise<void> {
    const next = ZMailTexts.parse(texts);
    await this.#pool.query(
      `INSERT INTO mail_texts (study, questionnaire, document) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (study, questionnaire) DO UPDATE SET document = EXCLUDED.document`,
      [study, questionnaire, JSON.stringify(next)],
    );
  }
}
