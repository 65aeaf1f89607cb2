/**
 * E-mail fieldwork on PostgreSQL: two senders (two instances on one database) send 60 invitations to
 * a real SMTP server, each exactly once; deleting the contacts leaves no address in any table.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smtpTransport } from '../../src/mail/transport.ts';
import { createContext, type Context } from '../../src/services/context.ts';
import { addContacts, deleteContacts, queueInvitations } from '../../src/services/mail.ts';
import { startOutbox } from '../../src/services/outbox.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { createDatabase, type TestDatabase } from '../storage/postgres-helpers.ts';
import { surveysDir, theStudy } from '../http/helpers.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

let database: TestDatabase;
let smtp: TestSmtp;
const stores: Store[] = [];

beforeEach(async () => {
  database = await createDatabase();
  smtp = await startSmtp();
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await smtp.close();
  await database.drop();
});

async function instance(): Promise<Context> {
  const store = await openStore({ databaseUrl: database.url });
  stores.push(store);
  return createContext(await loadDefinitions(surveysDir), store, { publicUrl: 'https://praksis.example.dk' });
}

/** Every row of every table of the database, as text. */
async function everything(): Promise<string> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    let all = '';
    for (const t of tables.rows) all += (await client.query(`SELECT t::text AS row FROM "${t.table_name}" t`)).rows.map((r: { row: string }) => r.row).join('\n');
    return all;
  } finally {
    await client.end();
  }
}

describe('e-mail fieldwork on PostgreSQL', { timeout: 120_000 }, () => {
  it('two instances send every invitation exactly once; deleting the contacts removes every address from the database', async () => {
    const [a, b] = [await instance(), await instance()];
    const study = theStudy(a.definitions);
    const codes = a.definitions.frames.get(study.frame)!.municipalities.filter((m) => m.eligible).map((m) => m.code).slice(0, 60);
    await addContacts(a, study.id, codes.map((m, i) => ({ municipality: m, questionnaire: 'ledere', email: `pg${i}@kommune.dk`, name: `Pg Navn${i}` })));
    expect(await queueInvitations(a, study.id, { questionnaire: 'ledere' })).toEqual({ queued: 60 });
    const senders = [a, b].map((ctx) => startOutbox(ctx, { transport: smtpTransport(smtp.url), from: 'evaluering@example.dk', perMinute: 60_000, pollMs: 10 }));
    await smtp.waitFor(60);
    for (;;) {
      const messages = await a.store.mail.messages(study.id);
      if (messages.every((m) => m.status === 'sent')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const s of senders) await s.stop();
    expect(smtp.received).toHaveLength(60);
    expect(new Set(smtp.received.map((m) => m.to)).size).toBe(60);

    expect(await everything()).toContain('pg0@kommune.dk');
    expect(await deleteContacts(b, study.id)).toEqual({ contacts: 60, messages: 60 });
    const after = await everything();
    for (let i = 0; i < 60; i += 1) {
      expect(after).not.toContain(`pg${i}@kommune.dk`);
      expect(after).not.toContain(`Pg Navn${i}`);
    }
  });
});
