/**
 * `praksis copy` on PostgreSQL (see ./transfer.ts): the e-mail tables (contacts, messages,
 * mail_texts), the accounts (users, api_keys; sessions and login_attempts are not moved), the
 * activity log and the audit records, each read in one snapshot and loaded in one transaction.
 * Rows go in as one JSON array per table (jsonb_to_recordset), so a load is a few statements.
 */
import type pg from 'pg';
import { ZMailData, ZMailTexts, type TMailData } from '../../mail/schema.ts';
import type { TActivity } from '../accounts.ts';
import { checkDocument, ZAccountsDocument, ZActivityDocument, ZAuditDocument, type TAccountsDocument, type TAuditDocument } from '../ports.ts';
import { checkAuditChange } from '../shared.ts';
import { MESSAGE, contactOf, messageOf } from './mail.ts';
import { transaction } from './transaction.ts';
import { KEY, USER, keyOf, userOf, type KeyRow, type UserRow } from './users.ts';

/** Runs `read` in one consistent, read-only snapshot. */
export function snapshot<R>(pool: pg.Pool, read: (client: pg.PoolClient) => Promise<R>): Promise<R> {
  return transaction(pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return read(client);
  });
}

/**
 * Runs `load` in one transaction that holds `tables` exclusively, after checking that none of them
 * has a row: otherwise nothing is written and the error names `what` the database holds.
 */
export function intoEmpty(pool: pg.Pool, tables: readonly string[], what: { what: string; they?: boolean }, load: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  return transaction(pool, async (client) => {
    await client.query(`LOCK TABLE ${tables.join(', ')} IN EXCLUSIVE MODE`);
    const { rows } = await client.query<{ n: number }>(`SELECT (${tables.map((t) => `(SELECT count(*) FROM ${t})`).join(' + ')})::integer AS n`);
    if (rows[0]!.n > 0) throw new Error(`the database already holds ${what.what}; ${what.they ? 'they are' : 'it is'} not overwritten`);
    await load(client);
  });
}

/** `<study>/<questionnaire>` split at the first slash (study ids hold none). */
const place = (key: string) => {
  const slash = key.indexOf('/');
  return { study: key.slice(0, slash), questionnaire: key.slice(slash + 1) };
};

export function mailData(pool: pg.Pool): Promise<TMailData> {
  return snapshot(pool, async (client) => {
    const contacts = await client.query('SELECT study, questionnaire, municipality, email, name FROM contacts ORDER BY study COLLATE "C", questionnaire COLLATE "C", municipality COLLATE "C", email COLLATE "C"');
    const messages = await client.query(`SELECT ${MESSAGE} FROM messages ORDER BY study COLLATE "C", questionnaire COLLATE "C", municipality COLLATE "C", recipient COLLATE "C", kind COLLATE "C", dedupe COLLATE "C"`);
    const texts = await client.query<{ study: string; questionnaire: string; document: unknown }>('SELECT study, questionnaire, document FROM mail_texts ORDER BY study COLLATE "C", questionnaire COLLATE "C"');
    return {
      contacts: contacts.rows.map(contactOf),
      messages: messages.rows.map(messageOf),
      texts: Object.fromEntries(texts.rows.map((t) => [`${t.study}/${t.questionnaire}`, ZMailTexts.parse(t.document)])),
    };
  });
}

export async function loadMailData(pool: pg.Pool, data: TMailData): Promise<void> {
  const { contacts, messages, texts } = checkDocument(ZMailData, data, 'e-mail data');
  await intoEmpty(pool, ['contacts', 'messages', 'mail_texts'], { what: 'e-mail data' }, async (client) => {
    await client.query(
      `INSERT INTO contacts (study, questionnaire, municipality, email, name)
       SELECT study, questionnaire, municipality, email, name
       FROM jsonb_to_recordset($1::jsonb) AS x(study text, questionnaire text, municipality text, email text, name text)`,
      [JSON.stringify(contacts)],
    );
    await client.query(
      `INSERT INTO messages (id, study, questionnaire, municipality, kind, recipient, name, subject, body, status, queued_day, status_day, attempts, next_attempt_at, lease_until, last_error, dedupe)
       SELECT id, study, questionnaire, municipality, kind, recipient, name, subject, body, status, "queuedDay", "statusDay", attempts,
         to_timestamp("nextAttemptAt"::double precision / 1000), to_timestamp("leaseUntil"::double precision / 1000), "lastError", dedupe
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, study text, questionnaire text, municipality text, kind text, recipient text, name text, subject text, body text,
         status text, "queuedDay" date, "statusDay" date, attempts integer, "nextAttemptAt" bigint, "leaseUntil" bigint, "lastError" text, dedupe text)`,
      [JSON.stringify(messages)],
    );
    await client.query(
      `INSERT INTO mail_texts (study, questionnaire, document) SELECT study, questionnaire, document
       FROM jsonb_to_recordset($1::jsonb) AS x(study text, questionnaire text, document jsonb)`,
      [JSON.stringify(Object.entries(texts).map(([key, document]) => ({ ...place(key), document })))],
    );
  });
}

export function accountsData(pool: pg.Pool): Promise<TAccountsDocument> {
  return snapshot(pool, async (client) => {
    const users = await client.query<UserRow>(`SELECT ${USER} FROM users ORDER BY login`);
    const keys = await client.query<KeyRow>(`SELECT ${KEY} FROM api_keys ORDER BY created_day, id`);
    return { users: users.rows.map(userOf), keys: keys.rows.map(keyOf) };
  });
}

export async function loadAccountsData(pool: pg.Pool, data: TAccountsDocument): Promise<void> {
  const { users, keys } = checkDocument(ZAccountsDocument, data, 'accounts');
  await intoEmpty(pool, ['users', 'api_keys', 'sessions'], { what: 'accounts', they: true }, async (client) => {
    await client.query(
      `INSERT INTO users (id, login, name, role, studies, password_hash, created_day)
       SELECT id, login, name, role, studies, "passwordHash", "createdDay"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, login text, name text, role text, studies text[], "passwordHash" text, "createdDay" date)`,
      [JSON.stringify(users)],
    );
    await client.query(
      `INSERT INTO api_keys (id, user_id, name, hash, created_day, last_used_day)
       SELECT id, "userId", name, hash, "createdDay", "lastUsedDay"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "userId" text, name text, hash text, "createdDay" date, "lastUsedDay" date)`,
      [JSON.stringify(keys)],
    );
  });
}

export async function activityData(pool: pg.Pool): Promise<TActivity[]> {
  const { rows } = await pool.query('SELECT at, who, action, study, detail FROM activity ORDER BY seq');
  return ZActivityDocument.parse(rows);
}

export async function loadActivityData(pool: pg.Pool, entries: readonly TActivity[]): Promise<void> {
  const valid = checkDocument(ZActivityDocument, entries, 'activity log entries');
  await intoEmpty(pool, ['activity'], { what: 'an activity log' }, async (client) => {
    // seq numbers the entries in their order, as `log` does (max + 1).
    await client.query(
      `INSERT INTO activity (seq, at, who, action, study, detail)
       SELECT k, e->>'at', e->>'who', e->>'action', e->>'study', e->>'detail' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, k)`,
      [JSON.stringify(valid)],
    );
  });
}

export function auditData(pool: pg.Pool): Promise<TAuditDocument> {
  return snapshot(pool, async (client) => {
    const cases = await client.query<{ audit: string; case_id: string; municipality: string; cells: unknown }>('SELECT audit, case_id, municipality, cells FROM audit_cases ORDER BY audit COLLATE "C", position');
    const events = await client.query<{ audit: string; case_id: string; event: string; date: string }>('SELECT audit, case_id, event, date FROM audit_events ORDER BY audit COLLATE "C", position');
    const audits: Record<string, { cases: unknown[]; events: unknown[] }> = {};
    const of = (audit: string) => (audits[audit] ??= { cases: [], events: [] });
    for (const r of cases.rows) of(r.audit).cases.push({ caseId: r.case_id, municipality: r.municipality, values: r.cells });
    for (const r of events.rows) of(r.audit).events.push({ caseId: r.case_id, event: r.event, date: r.date });
    return ZAuditDocument.parse({ audits });
  });
}

export async function loadAuditData(pool: pg.Pool, data: TAuditDocument): Promise<void> {
  const { audits } = checkDocument(ZAuditDocument, data, 'audit records');
  const cases: object[] = [];
  const events: object[] = [];
  for (const [audit, records] of Object.entries(audits)) {
    // A case id once per audit (the table's key).
    checkAuditChange({ cases: records.cases, eventsOf: records.events.map((e) => e.caseId), events: records.events });
    records.cases.forEach((c, i) => cases.push({ audit, caseId: c.caseId, position: i + 1, municipality: c.municipality, cells: c.values }));
    records.events.forEach((e, i) => events.push({ audit, caseId: e.caseId, position: i + 1, event: e.event, date: e.date }));
  }
  await intoEmpty(pool, ['audit_cases', 'audit_events'], { what: 'audit records', they: true }, async (client) => {
    await client.query(
      `INSERT INTO audit_cases (audit, case_id, position, municipality, cells) SELECT audit, "caseId", position, municipality, cells
       FROM jsonb_to_recordset($1::jsonb) AS x(audit text, "caseId" text, position integer, municipality text, cells jsonb)`,
      [JSON.stringify(cases)],
    );
    await client.query(
      `INSERT INTO audit_events (audit, case_id, position, event, date) SELECT audit, "caseId", position, event, date
       FROM jsonb_to_recordset($1::jsonb) AS x(audit text, "caseId" text, position integer, event text, date text)`,
      [JSON.stringify(events)],
    );
  });
}
