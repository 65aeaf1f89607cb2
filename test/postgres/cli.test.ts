/**
 * `praksis migrate` and `praksis copy` (the build, as a user runs them): migrating by hand, and
 * moving all data (responses, fieldwork, e-mail fieldwork, accounts, the activity log, audits,
 * the catalog of studies made in praksis, settings) from a data directory to PostgreSQL and back, refusing a target that holds any of it
 * and checking what it copied.
 */
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { hashSecret } from '../../src/fieldwork/index.ts';
import { ensureCredentials, sha256 } from '../../src/services/credentials.ts';
import { defaultTexts } from '../../src/mail/texts.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { ZStudySettings, type TQuestionnaire, type TStudy } from '../../src/survey/schema.ts';
import { contentHash } from '../../src/survey/versions.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { ADMIN_PASSWORD, API_KEY, surveysDir } from '../http/helpers.ts';
import { runCli } from '../http/process.ts';
import { issueLinks, tempDir } from '../storage/adapters.ts';
import { createDatabase, freePort, withSql, type TestDatabase } from './helpers.ts';

let databases: TestDatabase[] = [];
let dirs: string[] = [];
beforeEach(() => {
  databases = [];
  dirs = [];
});
afterEach(async () => {
  for (const d of databases) await d.drop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const database = async () => {
  const d = await createDatabase();
  databases.push(d);
  return d;
};
const dir = async () => {
  const d = await tempDir('praksis-copy-');
  dirs.push(d);
  return d;
};

const byKey = <T>(list: T[], key: (x: T) => string) => list.sort((a, b) => (key(a) < key(b) ? -1 : 1));

/** The catalog, every list in one order (the file store keeps the order written, PostgreSQL sorts). */
async function catalogOf(store: Store) {
  const d = await store.catalog.data();
  return {
    studies: byKey(d.studies, (s) => s.settings.id),
    heads: byKey(d.heads, (h) => `${h.study}/${h.questionnaire}`),
    versions: byKey(d.versions, (v) => `${v.study}/${v.questionnaire}/${v.version}`),
    tests: byKey(d.tests, (t) => t.id),
  };
}

/** A study made in praksis from a copy of `template`: a draft of each questionnaire, two published versions of the first, a test answer. */
async function addCatalogStudy(store: Store, template: TStudy, id = 'kopi_2027'): Promise<void> {
  const { questionnaires, ...settings } = template;
  const ids = questionnaires.map((q) => q.id);
  const first = questionnaires[0]!;
  expect(await store.catalog.addStudy({ settings: ZStudySettings.parse({ ...settings, id }), questionnaires: ids, archived: false, revision: 1, created: '2026-12-01' }, questionnaires)).toBe(true);
  const publish = async (definition: TQuestionnaire, version: number, revision: number) =>
    expect(
      await store.catalog.publish(
        { study: id, questionnaire: first.id, version, hash: contentHash(definition), day: '2026-12-02', change: version === 1 ? 'additive' : 'cosmetic', details: [], definition: { ...definition, version } },
        revision,
      ),
    ).toMatchObject({ revision: revision + 1 });
  await publish(first, 1, 1);
  const retitled = { ...first, title: 'Ny titel' };
  await store.catalog.saveDraft(id, first.id, retitled, 2);
  await publish(retitled, 2, 3);
  await store.catalog.saveDraft(id, first.id, { ...first, title: 'Næste udkast' }, 4);
  await store.catalog.addTest({ id: 'test-answer-000000001', study: id, questionnaire: first.id, version: 2, municipality: '101', day: '2026-12-03', answers: {} });
}

/** Everything a store holds, comparable between stores (read through the ports the app uses). */
async function everything(store: Store, study = 'integration_2016', audit = 'journal_2016') {
  const fieldwork = await store.transfer.fieldworkData();
  const users = await store.users.list();
  return {
    responses: byKey(await store.responses.list(), (r) => r.id),
    invitations: byKey(fieldwork.invitations, (i) => i.tokenHash),
    drafts: fieldwork.drafts,
    windows: fieldwork.windows,
    settings: { ...(await store.settings.read()) },
    users,
    keys: await Promise.all(users.map((u) => store.users.keys(u.id))),
    activity: await store.users.activity(),
    contacts: await store.mail.contacts(study),
    messages: await store.mail.messages(study),
    texts: await store.mail.texts(study, 'ledere'),
    audit: await store.audits.read(audit),
    second: await store.audits.read(`${audit}/second`),
    catalog: await catalogOf(store),
  };
}

async function snapshot(where: string | { databaseUrl: string }, study?: string) {
  const store = await openStore(where);
  try {
    return await everything(store, study);
  } finally {
    await store.close();
  }
}

describe('praksis migrate', () => {
  it('migrates a new database once, then has nothing to do', async () => {
    const db = await database();
    const first = await runCli(['migrate'], { PRAKSIS_DATABASE_URL: db.url });
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Migrated postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/praksis_test_\w+ to schema version \d+ \(applied 1(, \d+)*\)\.\n$/);
    expect(first.stdout).not.toContain('praksis-test@');
    const again = await runCli(['migrate', db.url]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/is at schema version \d+: nothing to do\./);
    expect(await withSql(db.url, async (c) => (await c.query('SELECT count(*)::integer AS n FROM praksis_schema')).rows[0].n)).toBeGreaterThan(0);
  });

  it('says clearly when there is no database to migrate or it cannot be reached', async () => {
    expect(await runCli(['migrate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('set PRAKSIS_DATABASE_URL') });
    const port = await freePort();
    const unreachable = await runCli(['migrate', `postgres://u:secret-pw@127.0.0.1:${port}/x`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot connect to the PostgreSQL database postgres:\/\/u:\*\*\*@127\.0\.0\.1/);
    expect(unreachable.stderr).not.toContain('secret-pw');
  });
});

describe('praksis copy', () => {
  it('moves everything from a data directory to PostgreSQL and back, checked', async () => {
    const defs = await loadDefinitions(surveysDir);
    const study = defs.studies[0]!;
    const source = await dir();
    const store = await openStore(source);
    await ensureCredentials(store, { adminPassword: ADMIN_PASSWORD, apiKey: API_KEY });
    await store.settings.update((s) => {
      s.exportSecret = 'a-secret-that-keeps-the-cluster-pseudonyms';
    });
    await store.responses.addMany(generateDemoResponses(study, defs.frames.get(study.frame)!, { seed: 3 }).slice(0, 300));
    const [link] = await issueLinks(store, study.id, study.questionnaires[1]!.id, ['101', '147'], 3);
    await store.fieldwork.useLink(hashSecret(link!.token), '2016-05-02', () => store.responses.add({ study: study.id, questionnaire: study.questionnaires[1]!.id, version: 1, municipality: '101', answers: {} }));
    await store.fieldwork.saveDraft({ tokenHash: hashSecret(link!.token), resumeHash: hashSecret('resume'), state: 'a draft', page: 2, updatedDay: '2016-05-03' }, 5);
    await store.fieldwork.setWindow(study.id, study.questionnaires[0]!.id, { mode: 'closed', openLinks: false });
    // E-mail fieldwork, accounts and an audit (ensureCredentials made the first admin).
    await store.users.log({ at: '2026-12-01T10:00:00Z', who: 'admin', action: 'export', study: study.id, detail: 'svar.csv' });
    await store.mail.addContacts([{ study: study.id, questionnaire: 'ledere', municipality: '101', email: 'leder@kommune.dk', name: 'Leder' }]);
    await store.mail.queue([{ id: 'message-0000000001', study: study.id, questionnaire: 'ledere', municipality: '101', kind: 'invitation', recipient: 'leder@kommune.dk', subject: 'Invitation', body: 'Brug linket', queuedDay: '2016-05-01', nextAttemptAt: 1_480_000_000_123, dedupe: 'inv|leder@kommune.dk' }], '2016-05-01');
    await store.mail.setTexts(study.id, 'ledere', { ...defaultTexts(study.title), schedule: [7] });
    await store.audits.update('journal_2016', () => ({ cases: [{ caseId: 'sag-1', municipality: 'Kommune A', values: { takeover_date: '2014-01-31', on_benefits: 'ja' } }], eventsOf: ['sag-1'], events: [{ caseId: 'sag-1', event: 'followup', date: '2014-03-01' }] }));
    await store.audits.update('journal_2016/second', () => ({ cases: [{ caseId: 'sag-1', municipality: 'Kommune A', values: { takeover_date: 'ukendt', on_benefits: null } }], eventsOf: [], events: [] }));
    const admin = (await store.users.list())[0]!;
    await store.users.addKey({ id: 'key-0000001', userId: admin.id, name: 'Nøgle til R', hash: sha256('pk_a-personal-key'), createdDay: '2026-12-01', lastUsedDay: null });
    const session = 'd'.repeat(64);
    await store.users.addSession({ hash: session, userId: admin.id, expires: Date.now() + 3_600_000 });
    await addCatalogStudy(store, study);
    const original = await everything(store, study.id);
    await store.close();
    const n = original.responses.length;
    expect(n).toBeGreaterThan(100);

    const db = await database();
    const toDb = await runCli(['copy', '--from', source, '--to', db.url]);
    expect(toDb.stderr).toBe('');
    expect(toDb.code).toBe(0);
    expect(toDb.stdout).toContain(
      `Copied and checked: ${n} response(s), 2 invitations, 1 draft, 1 window, 1 contact, 1 e-mail message, 1 set of mail texts, 1 user, 1 API key, ` +
        `1 activity log entry, 2 audits (2 case(s), 1 event(s)), 1 study, ${study.questionnaires.length} questionnaire heads (${study.questionnaires.length} with a draft), ` +
        `2 published versions, 1 test answer, settings (`,
    );
    expect(toDb.stdout).toContain('Sessions and sign-in counters are not copied: everyone signs in again.');
    expect(toDb.stdout).not.toContain('praksis-test@');
    expect(original.catalog.versions.map((v) => [v.version, v.definition.title])).toEqual([[1, study.questionnaires[0]!.title], [2, 'Ny titel']]);
    expect(original.catalog.heads[0]).toMatchObject({ draft: { title: 'Næste udkast' }, revision: 5 });
    expect(original).toMatchObject({ users: [{ login: 'admin' }], keys: [[{ lastUsedDay: null }]], messages: [{ status: 'queued', attempts: 0 }], second: { cases: [{ caseId: 'sag-1' }] } });
    expect(await snapshot({ databaseUrl: db.url }, study.id)).toEqual(original);
    const moved = await openStore({ databaseUrl: db.url });
    try {
      // The key works there; the session does not (everyone signs in again).
      expect(await moved.users.useKey(sha256('pk_a-personal-key'), '2026-12-02')).toMatchObject({ user: { login: 'admin' } });
      expect(await moved.users.session(session, Date.now())).toBeUndefined();
    } finally {
      await moved.close();
    }
    original.keys[0]![0]!.lastUsedDay = '2026-12-02';

    const back = await dir();
    await rm(back, { recursive: true });
    const toFiles = await runCli(['copy', '--from', db.url, '--to', back]);
    expect(toFiles.code).toBe(0);
    expect(await snapshot(back, study.id)).toEqual(original);
  }, 60_000);

  it('refuses a target that holds data, changing nothing', async () => {
    const source = await dir();
    const filled = await openStore(source);
    await filled.responses.add({ study: 's', questionnaire: 'q', version: 1, municipality: '101', answers: { a: 'x' } });
    await filled.close();
    const db = await database();
    const target = await openStore({ databaseUrl: db.url });
    await target.responses.add({ study: 's', questionnaire: 'q', version: 1, municipality: '851', answers: { a: 'y' } });
    const before = await everything(target);
    await target.close();
    const refused = await runCli(['copy', '--from', source, '--to', db.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty \(it holds 1 response\(s\)\); praksis copy never overwrites/);
    expect(await snapshot({ databaseUrl: db.url })).toEqual(before);
    // And the other way: a data directory with data is not a target either.
    const other = await runCli(['copy', '--from', db.url, '--to', source]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`${source} is not empty`);
    expect((await snapshot(source)).responses.map((r) => r.municipality)).toEqual(['101']);
  });

  it('refuses a target that holds any one kind of data (a database or a data directory), changing nothing', async () => {
    const source = await dir();
    const filled = await openStore(source);
    await filled.responses.add({ study: 's', questionnaire: 'q', version: 1, municipality: '101', answers: { a: 'x' } });
    await filled.close();
    const template = (await loadDefinitions(surveysDir)).studies[0]!;
    const user = { id: 'user-0000001', name: 'Eva', login: 'eva', role: 'evaluator' as const, studies: ['integration_2016'], passwordHash: 'scrypt$x', createdDay: '2026-12-01' };
    const kinds: [string, (store: Store) => Promise<unknown>][] = [
      ['1 contact', (t) => t.mail.addContacts([{ study: 'integration_2016', questionnaire: 'ledere', municipality: '101', email: 'a@kommune.dk' }])],
      ['1 e-mail message', (t) => t.mail.queue([{ id: 'message-0000000001', study: 'integration_2016', questionnaire: 'ledere', municipality: '101', kind: 'invitation', recipient: 'a@kommune.dk', subject: 'S', body: 'B', queuedDay: '2016-05-01', nextAttemptAt: 1, dedupe: 'd' }], '2016-05-01')],
      ['1 set of mail texts', (t) => t.mail.setTexts('integration_2016', 'ledere', defaultTexts('Integration'))],
      ['1 user', (t) => t.users.add(user)],
      ['1 activity log entry', (t) => t.users.log({ at: '2026-12-01T10:00:00Z', who: 'eva', action: 'export', study: null, detail: 'x' })],
      ['1 audit (1 case(s), 0 event(s))', (t) => t.audits.update('journal_2016/second', () => ({ cases: [{ caseId: 'sag-1', municipality: 'A', values: {} }], eventsOf: [], events: [] }))],
      [`1 study, ${template.questionnaires.length} questionnaire heads (${template.questionnaires.length} with a draft), 2 published versions, 1 test answer`, (t) => addCatalogStudy(t, template)],
    ];
    for (const [held, put] of kinds) {
      const db = await database();
      const target = await openStore({ databaseUrl: db.url });
      await put(target);
      const before = await everything(target);
      await target.close();
      const refused = await runCli(['copy', '--from', source, '--to', db.url]);
      expect(refused.code, held).toBe(1);
      expect(refused.stderr).toContain(`is not empty (it holds ${held}); praksis copy never overwrites`);
      expect(await snapshot({ databaseUrl: db.url })).toEqual(before);
    }
    // A data directory holding only audit records (or only an activity log, or only a study made in praksis) is no target either.
    for (const [held, put] of kinds.slice(4)) {
      const target = await dir();
      const store = await openStore(target);
      await put(store);
      const before = await everything(store);
      await store.close();
      const refused = await runCli(['copy', '--from', source, '--to', target]);
      expect(refused.code, held).toBe(1);
      expect(refused.stderr).toContain(`${target} is not empty (it holds ${held}); praksis copy never overwrites`);
      expect(await snapshot(target)).toEqual(before);
    }
  }, 120_000);

  it('explains its usage', async () => {
    expect(await runCli(['copy', '--from', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('both --from and --to are needed') });
    expect(await runCli(['copy', '--from', 'x', '--to', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('the same place') });
  });
});
