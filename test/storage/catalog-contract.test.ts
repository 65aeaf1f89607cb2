/**
 * The catalog part of the storage contract (CatalogPort), run against every adapter in ./adapters.ts:
 * studies, heads and published versions changed only by compare-and-set on a revision (of many
 * changes from one revision exactly one is stored), test answers apart, durable, moved whole by
 * data()/load() into an empty store only, and every invalid record refused naming its field.
 */
import { describe, expect, it } from 'vitest';
import { ZStoredStudy, type TPublishedVersion, type TStoredStudy, type TTestResponse } from '../../src/survey/catalog.ts';
import { ZQuestionnaire, type TQuestionnaire } from '../../src/survey/schema.ts';
import { contentHash } from '../../src/survey/versions.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { adapters, storesPerTest } from './adapters.ts';
import { createDatabase, withSql } from './postgres-helpers.ts';

const questionnaire = (id: string, title = 'Spørgeskema til ledere'): TQuestionnaire =>
  ZQuestionnaire.parse({
    id,
    group: 'Ledere',
    version: 1,
    title,
    intro: 'Om jeres praksis.',
    minutes: 10,
    sections: [
      {
        id: 'praksis',
        title: 'Praksis',
        questions: [
          { id: 'frist', type: 'scale', text: 'Overholdes fristen?', options: [{ code: 'altid', label: 'Altid' }, { code: 'aldrig', label: 'Aldrig' }, { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true }] },
          { id: 'antal', type: 'number', text: 'Hvor mange sager?', min: 0 },
        ],
      },
    ],
  });

const study = (id = 'integration_2027', questionnaires = ['ledere', 'praktikere']): TStoredStudy =>
  ZStoredStudy.parse({
    settings: { id, title: 'Integration 2027', organisation: 'KL', contact: { name: 'Eva Hansen', email: 'eva@example.dk' }, frame: 'kommuner_2016' },
    questionnaires,
    archived: false,
    revision: 1,
    created: '2026-12-01',
  });
const draftsOf = (s: TStoredStudy) => s.questionnaires.map((q) => questionnaire(q));

const published = (studyId: string, q: string, version: number, definition = questionnaire(q)): TPublishedVersion => ({
  study: studyId,
  questionnaire: q,
  version,
  hash: contentHash(definition),
  day: '2026-12-02',
  change: version === 1 ? 'additive' : 'cosmetic',
  details: version === 1 ? [] : ['the title changed'],
  definition: { ...definition, version },
});

const testAnswer = (id: string, studyId = 'integration_2027', q = 'ledere', municipality = '851'): TTestResponse => ({
  id,
  study: studyId,
  questionnaire: q,
  version: 1,
  municipality,
  day: '2026-12-03',
  answers: { frist: 'altid', antal: 3 },
});

/** A store with one study (two questionnaires), a second draft, two published versions of "ledere" and two test answers. */
async function fill(store: Store): Promise<void> {
  const s = study();
  expect(await store.catalog.addStudy(s, draftsOf(s))).toBe(true);
  await store.catalog.publish(published(s.settings.id, 'ledere', 1), 1);
  await store.catalog.saveDraft(s.settings.id, 'ledere', questionnaire('ledere', 'Ny titel'), 2);
  await store.catalog.publish(published(s.settings.id, 'ledere', 2, questionnaire('ledere', 'Ny titel')), 3);
  await store.catalog.saveDraft(s.settings.id, 'ledere', questionnaire('ledere', 'Endnu en titel'), 4);
  await store.catalog.updateStudy(s.settings.id, 1, { archived: true });
  await store.catalog.addTest(testAnswer('test-answer-0000002'));
  await store.catalog.addTest(testAnswer('test-answer-0000001', s.settings.id, 'praktikere', '101'));
}

describe.each(adapters)('the $name store: the catalog', (adapter) => {
  const { open, reopen } = storesPerTest(adapter);

  it('an empty store has no study, head, version or test answer', async () => {
    const { catalog } = await open();
    expect(await catalog.studies()).toEqual([]);
    expect(await catalog.study('integration_2027')).toBeUndefined();
    expect(await catalog.head('integration_2027', 'ledere')).toBeUndefined();
    expect(await catalog.heads('integration_2027')).toEqual([]);
    expect(await catalog.versions('integration_2027')).toEqual([]);
    expect(await catalog.tests('integration_2027')).toEqual([]);
    expect(await catalog.clearTests('integration_2027')).toBe(0);
    expect(await catalog.data()).toEqual({ studies: [], heads: [], versions: [], tests: [] });
  });

  it('adds a study with a head at revision 1 per questionnaire; a taken id is refused and nothing changes', async () => {
    const { catalog } = await open();
    const b = study('b_study');
    expect(await catalog.addStudy(b, draftsOf(b))).toBe(true);
    const a = study('a_study', ['ledere']);
    expect(await catalog.addStudy(a, draftsOf(a))).toBe(true);
    expect(await catalog.studies()).toEqual([a, b]);
    expect(await catalog.study('b_study')).toEqual(b);
    expect(await catalog.heads('b_study')).toEqual([
      { study: 'b_study', questionnaire: 'ledere', draft: questionnaire('ledere'), revision: 1 },
      { study: 'b_study', questionnaire: 'praktikere', draft: questionnaire('praktikere'), revision: 1 },
    ]);
    const before = await catalog.data();
    const again = { ...study('b_study', ['ledere']), archived: true };
    expect(await catalog.addStudy(again, draftsOf(again))).toBe(false);
    expect(await catalog.data()).toEqual(before);
  });

  it('an id is taken while a head of it is stored, so a revision is never reset', async () => {
    const { catalog } = await open();
    await catalog.saveDraft('ghost', 'ledere', questionnaire('ledere'), 0);
    await catalog.saveDraft('ghost', 'ledere', questionnaire('ledere', 'Anden'), 1);
    const s = study('ghost', ['ledere']);
    expect(await catalog.addStudy(s, draftsOf(s))).toBe(false);
    expect(await catalog.study('ghost')).toBeUndefined();
    expect(await catalog.head('ghost', 'ledere')).toMatchObject({ revision: 2, draft: { title: 'Anden' } });
  });

  it('refuses an invalid study or drafts that are not its questionnaires, naming what is wrong, and stores nothing', async () => {
    const { catalog } = await open();
    const s = study();
    await expect(catalog.addStudy({ ...s, settings: { ...s.settings, id: 'Ugyldig id' } }, draftsOf(s))).rejects.toThrow(/the study is not valid \(settings\.id: must be lower-case/);
    await expect(catalog.addStudy({ ...s, created: '1. december' }, draftsOf(s))).rejects.toThrow(/created: must be a date YYYY-MM-DD/);
    await expect(catalog.addStudy(s, [questionnaire('ledere')])).rejects.toThrow('the study "integration_2027" has no draft of its questionnaire "praktikere"; nothing was stored');
    await expect(catalog.addStudy(s, [...draftsOf(s), questionnaire('andre')])).rejects.toThrow('the draft "andre" is not one of the questionnaires');
    await expect(catalog.addStudy(s, [...draftsOf(s), questionnaire('ledere')])).rejects.toThrow('names the questionnaire "ledere" twice');
    await expect(catalog.addStudy(s, [questionnaire('ledere'), { ...questionnaire('praktikere'), sections: [] }])).rejects.toThrow(/the draft 2 of the study "integration_2027" is not valid \(sections:/);
    expect(await catalog.data()).toEqual({ studies: [], heads: [], versions: [], tests: [] });
  });

  it('updates a study by compare-and-set on its revision: +1 each time, a stale revision is a conflict, an unknown study undefined', async () => {
    const { catalog } = await open();
    const s = study();
    await catalog.addStudy(s, draftsOf(s));
    const archived = await catalog.updateStudy(s.settings.id, 1, { archived: true });
    expect(archived).toEqual({ ...s, archived: true, revision: 2 });
    // The id stays the study's even when the settings given name another.
    const renamed = await catalog.updateStudy(s.settings.id, 2, { settings: { ...s.settings, id: 'other', title: 'Integration 2028' }, archived: undefined });
    expect(renamed).toEqual({ ...s, settings: { ...s.settings, title: 'Integration 2028' }, archived: true, revision: 3 });
    expect(await catalog.updateStudy(s.settings.id, 2, { archived: false })).toBe('conflict');
    expect(await catalog.updateStudy('unknown', 1, { archived: false })).toBeUndefined();
    await expect(catalog.updateStudy(s.settings.id, 3, { questionnaires: [] })).rejects.toThrow(/the study "integration_2027" is not valid \(questionnaires:/);
    expect(await catalog.study(s.settings.id)).toEqual(renamed);
    expect(await catalog.studies()).toEqual([renamed]);
  });

  it('saves drafts by compare-and-set: 0 makes a head, a stale revision is a conflict, null removes the draft, the revision never resets', async () => {
    const { catalog } = await open();
    expect(await catalog.saveDraft('integration_2027', 'ledere', questionnaire('ledere'), 0)).toEqual({ study: 'integration_2027', questionnaire: 'ledere', draft: questionnaire('ledere'), revision: 1 });
    expect(await catalog.saveDraft('integration_2027', 'ledere', questionnaire('ledere', 'Igen'), 0)).toBe('conflict');
    expect(await catalog.saveDraft('integration_2027', 'ledere', questionnaire('ledere', 'Ny'), 1)).toMatchObject({ draft: { title: 'Ny' }, revision: 2 });
    expect(await catalog.saveDraft('integration_2027', 'ledere', questionnaire('ledere', 'Forældet'), 1)).toBe('conflict');
    expect(await catalog.saveDraft('integration_2027', 'ledere', questionnaire('ledere'), 5)).toBe('conflict');
    expect(await catalog.saveDraft('integration_2027', 'praktikere', questionnaire('praktikere'), 3)).toBe('conflict');
    expect(await catalog.head('integration_2027', 'praktikere')).toBeUndefined();
    expect(await catalog.saveDraft('integration_2027', 'ledere', null, 2)).toEqual({ study: 'integration_2027', questionnaire: 'ledere', draft: null, revision: 3 });
    expect(await catalog.head('integration_2027', 'ledere')).toEqual({ study: 'integration_2027', questionnaire: 'ledere', draft: null, revision: 3 });
    expect(await catalog.saveDraft('integration_2027', 'ledere', questionnaire('ledere', 'Efter'), 3)).toMatchObject({ draft: { title: 'Efter' }, revision: 4 });
    await expect(catalog.saveDraft('integration_2027', 'ledere', { ...questionnaire('ledere'), minutes: -1 }, 4)).rejects.toThrow(/the draft of "integration_2027\/ledere" is not valid \(minutes:/);
    await expect(catalog.saveDraft('integration_2027', 'ledere', questionnaire('praktikere'), 4)).rejects.toThrow('the draft of "integration_2027/ledere" has the id "praktikere"; nothing was stored');
    expect(await catalog.heads('integration_2027')).toEqual([{ study: 'integration_2027', questionnaire: 'ledere', draft: questionnaire('ledere', 'Efter'), revision: 4 }]);
  });

  it('publishes the next version only from the current revision: the draft is removed, the revision rises, versions are sorted', async () => {
    const { catalog } = await open();
    const s = study();
    await catalog.addStudy(s, draftsOf(s));
    const v1 = published(s.settings.id, 'ledere', 1);
    expect(await catalog.publish(v1, 1)).toEqual({ study: s.settings.id, questionnaire: 'ledere', draft: null, revision: 2 });
    const before = await catalog.data();
    expect(await catalog.publish(published(s.settings.id, 'ledere', 2), 1)).toBe('conflict'); // stale revision
    expect(await catalog.publish(published(s.settings.id, 'ledere', 3), 2)).toBe('conflict'); // not max + 1
    expect(await catalog.publish(published(s.settings.id, 'ledere', 1), 2)).toBe('conflict'); // published already
    expect(await catalog.publish(published(s.settings.id, 'andre', 1), 0)).toBe('conflict'); // no head
    await expect(catalog.publish({ ...v1, version: 2, hash: 'abc' }, 2)).rejects.toThrow(/the published version is not valid \(hash:/);
    const v2 = published(s.settings.id, 'ledere', 2, questionnaire('ledere', 'Ny titel'));
    const notValid = 'the published version 2 of "integration_2027/ledere" is not valid';
    await expect(catalog.publish({ ...v2, hash: v1.hash }, 2)).rejects.toThrow(`${notValid} (its hash is not the content hash of its definition); nothing was stored`);
    await expect(catalog.publish({ ...v2, definition: { ...v2.definition, version: 1 } }, 2)).rejects.toThrow(`${notValid} (its definition has the version 1)`);
    await expect(catalog.publish({ ...v2, definition: { ...v2.definition, id: 'praktikere' } }, 2)).rejects.toThrow(`${notValid} (its definition has the id "praktikere")`);
    expect(await catalog.data()).toEqual(before);
    await catalog.saveDraft(s.settings.id, 'ledere', questionnaire('ledere', 'Ny titel'), 2);
    expect(await catalog.publish(v2, 3)).toEqual({ study: s.settings.id, questionnaire: 'ledere', draft: null, revision: 4 });
    const p1 = published(s.settings.id, 'praktikere', 1);
    expect(await catalog.publish(p1, 1)).toMatchObject({ questionnaire: 'praktikere', revision: 2 });
    expect(await catalog.versions(s.settings.id)).toEqual([v1, v2, p1]);
    expect(await catalog.versions(s.settings.id, 'ledere')).toEqual([v1, v2]);
    expect(await catalog.versions(s.settings.id, 'andre')).toEqual([]);
    expect(await catalog.versions('other')).toEqual([]);
  });

  it('of 20 drafts saved at once from one revision exactly one is stored, the others get a conflict', async () => {
    const { catalog } = await open();
    const s = study();
    await catalog.addStudy(s, draftsOf(s));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => catalog.saveDraft(s.settings.id, 'ledere', questionnaire('ledere', `Udgave ${i}`), 1)));
    const stored = results.filter((r) => r !== 'conflict');
    expect(stored).toHaveLength(1);
    expect(results.filter((r) => r === 'conflict')).toHaveLength(19);
    expect(await catalog.head(s.settings.id, 'ledere')).toEqual(stored[0]);
    expect(stored[0]).toMatchObject({ revision: 2 });
  });

  it('of 10 studies added at once under one id, and of 10 updates from one revision, exactly one is stored', async () => {
    const { catalog } = await open();
    const added = await Promise.all(Array.from({ length: 10 }, (_, i) => catalog.addStudy(study('integration_2027', [`q${i}`]), [questionnaire(`q${i}`)])));
    expect(added.filter(Boolean)).toHaveLength(1);
    const winner = (await catalog.study('integration_2027'))!;
    expect(await catalog.heads('integration_2027')).toEqual([{ study: 'integration_2027', questionnaire: winner.questionnaires[0], draft: questionnaire(winner.questionnaires[0]!), revision: 1 }]);
    const updates = await Promise.all(Array.from({ length: 10 }, (_, i) => catalog.updateStudy('integration_2027', 1, { settings: { ...winner.settings, title: `Titel ${i}` } })));
    const stored = updates.filter((u) => u !== 'conflict');
    expect(stored).toHaveLength(1);
    expect(await catalog.study('integration_2027')).toEqual(stored[0]);
    expect(stored[0]).toMatchObject({ revision: 2 });
  });

  it('of 10 publications at once exactly one is stored', async () => {
    const { catalog } = await open();
    const s = study();
    await catalog.addStudy(s, draftsOf(s));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => catalog.publish(published(s.settings.id, 'ledere', 1, questionnaire('ledere', `Udgave ${i}`)), 1)));
    expect(results.filter((r) => r !== 'conflict')).toEqual([{ study: s.settings.id, questionnaire: 'ledere', draft: null, revision: 2 }]);
    const versions = await catalog.versions(s.settings.id);
    expect(versions).toHaveLength(1);
    expect(versions[0]!.version).toBe(1);
  });

  it('keeps everything after a close and a reopen', async () => {
    const store = await open();
    await fill(store);
    const before = await store.catalog.data();
    expect(before.studies).toHaveLength(1);
    expect(before.versions).toHaveLength(2);
    const again = await reopen(store);
    expect(await again.catalog.data()).toEqual(before);
    expect(await again.catalog.head('integration_2027', 'ledere')).toMatchObject({ revision: 5, draft: { title: 'Endnu en titel' } });
    expect(await again.catalog.study('integration_2027')).toMatchObject({ archived: true, revision: 2 });
  });

  it('stores test answers apart, lists them by study and questionnaire, and clears them per questionnaire or study', async () => {
    const store = await open();
    const { catalog } = store;
    const [a, b, c, d] = [testAnswer('test-answer-0000003'), testAnswer('test-answer-0000001', 'integration_2027', 'praktikere'), testAnswer('test-answer-0000002'), testAnswer('test-answer-0000004', 'other_study')];
    for (const t of [a!, b!, c!, d!]) await catalog.addTest(t);
    expect(await catalog.tests('integration_2027')).toEqual([b, c, a]);
    expect(await catalog.tests('integration_2027', 'ledere')).toEqual([c, a]);
    expect(await store.responses.count()).toBe(0);
    await expect(catalog.addTest({ ...a!, answers: { frist: 'aldrig' } })).rejects.toThrow('a test answer with the id "test-answer-0000003" is stored already; nothing was stored');
    await expect(catalog.addTest(testAnswer('test-answer-0000005', 'integration_2027', 'ledere', '85'))).rejects.toThrow(/the test answer is not valid \(municipality:/);
    await expect(catalog.addTest({ ...testAnswer('test-answer-0000006'), day: '2026-12-03T10:15:00Z' })).rejects.toThrow(/the test answer is not valid \(day:/);
    expect(await catalog.tests('integration_2027')).toEqual([b, c, a]);
    expect(await catalog.clearTests('integration_2027', 'ledere')).toBe(2);
    expect(await catalog.tests('integration_2027')).toEqual([b]);
    expect(await catalog.clearTests('integration_2027', 'ledere')).toBe(0);
    expect(await catalog.clearTests('integration_2027')).toBe(1);
    expect(await catalog.tests('integration_2027')).toEqual([]);
    expect(await catalog.tests('other_study')).toEqual([d]);
  });

  it('data() loads into an empty store of the same kind as it was, and the loaded store goes on from the stored revisions', async () => {
    const source = await open();
    await fill(source);
    const doc = await source.catalog.data();
    const place = await adapter.place();
    const target = await place.open();
    try {
      await target.catalog.load(doc);
      expect(await target.catalog.data()).toEqual(doc);
      expect(await target.catalog.saveDraft('integration_2027', 'ledere', questionnaire('ledere', 'Fra kopien'), 4)).toBe('conflict');
      expect(await target.catalog.publish(published('integration_2027', 'ledere', 3), 5)).toMatchObject({ revision: 6 });
      expect((await target.catalog.versions('integration_2027', 'ledere')).map((v) => v.version)).toEqual([1, 2, 3]);
    } finally {
      await target.close();
      await place.remove();
    }
  });

  it('load is refused into a store that holds a study, a head alone or a test answer alone, and nothing changes', async () => {
    const store = await open();
    const doc = await (async () => {
      const place = await adapter.place();
      const other = await place.open();
      try {
        await fill(other);
        return await other.catalog.data();
      } finally {
        await other.close();
        await place.remove();
      }
    })();
    const refused = async (what: string) => {
      const before = await store.catalog.data();
      await expect(store.catalog.load(doc), what).rejects.toThrow(/already holds studies or questionnaires; they are not overwritten/);
      expect(await store.catalog.data(), what).toEqual(before);
    };
    await store.catalog.addTest(testAnswer('test-answer-0000009', 'x_study'));
    await refused('a test answer alone');
    expect(await store.catalog.clearTests('x_study')).toBe(1);
    await store.catalog.saveDraft('x_study', 'ledere', null, 0);
    await refused('a head alone');
    await store.catalog.addStudy(study('y_study', ['ledere']), [questionnaire('ledere')]);
    await refused('a study');
  });

  it('refuses to load an invalid document or one giving a key twice, naming it, and stores nothing', async () => {
    const { catalog } = await open();
    const s = study();
    const head = { study: s.settings.id, questionnaire: 'ledere', draft: null, revision: 1 };
    const empty = { studies: [], heads: [], versions: [], tests: [] };
    await expect(catalog.load({ ...empty, studies: [{ ...s, revision: 0 }] })).rejects.toThrow(/the studies and questionnaires to load are not valid \(studies\.0\.revision:.*nothing was stored/);
    await expect(catalog.load({ ...empty, heads: [{ ...head, questionnaire: 'Ledere' }] })).rejects.toThrow(/heads\.0\.questionnaire: must be lower-case/);
    await expect(catalog.load({ ...empty, heads: [{ ...head, draft: questionnaire('praktikere') }] })).rejects.toThrow('the draft of "integration_2027/ledere" has the id "praktikere"');
    await expect(catalog.load({ ...empty, versions: [{ ...published(s.settings.id, 'ledere', 1), hash: '0'.repeat(64) }] })).rejects.toThrow('its hash is not the content hash of its definition');
    await expect(catalog.load({ ...empty, studies: [s, s] })).rejects.toThrow('give the study "integration_2027" twice; nothing was stored');
    await expect(catalog.load({ ...empty, heads: [head, { ...head, revision: 2 }] })).rejects.toThrow('give the head "integration_2027/ledere" twice');
    const v1 = published(s.settings.id, 'ledere', 1);
    await expect(catalog.load({ ...empty, versions: [v1, { ...v1, day: '2026-12-05' }] })).rejects.toThrow('give the version "integration_2027/ledere 1" twice');
    await expect(catalog.load({ ...empty, tests: [testAnswer('test-answer-0000001'), testAnswer('test-answer-0000001')] })).rejects.toThrow('give the test answer "test-answer-0000001" twice');
    expect(await catalog.data()).toEqual(empty);
  });
});

describe('the catalog on PostgreSQL with two instances', () => {
  it('of drafts and publications sent to two stores on one database at once, exactly one of each is stored', async () => {
    const database = await createDatabase();
    const [one, two] = [await openStore({ databaseUrl: database.url }), await openStore({ databaseUrl: database.url })];
    try {
      const s = study();
      expect(await one.catalog.addStudy(s, draftsOf(s))).toBe(true);
      expect(await two.catalog.addStudy(s, draftsOf(s))).toBe(false);
      const both = <R>(work: (store: Store, i: number) => Promise<R>) => Promise.all(Array.from({ length: 16 }, (_, i) => work(i % 2 === 0 ? one : two, i)));
      const saved = await both((store, i) => store.catalog.saveDraft(s.settings.id, 'ledere', questionnaire('ledere', `Udgave ${i}`), 1));
      expect(saved.filter((r) => r === 'conflict')).toHaveLength(15);
      const publications = await both((store, i) => store.catalog.publish(published(s.settings.id, 'ledere', 1, questionnaire('ledere', `Udgave ${i}`)), 2));
      expect(publications.filter((r) => r !== 'conflict')).toEqual([{ study: s.settings.id, questionnaire: 'ledere', draft: null, revision: 3 }]);
      const updates = await both((store, i) => store.catalog.updateStudy(s.settings.id, 1, { archived: i % 3 === 0 }));
      expect(updates.filter((r) => r === 'conflict')).toHaveLength(15);
      expect(await two.catalog.versions(s.settings.id)).toHaveLength(1);
      expect(await one.catalog.study(s.settings.id)).toMatchObject({ revision: 2 });
    } finally {
      await one.close();
      await two.close();
      await database.drop();
    }
  });
});

describe('the catalog tables on PostgreSQL (anonymity)', () => {
  it('have no serial, sequence, default, identity, trigger, foreign key or time column; a test answer has its day at most', async () => {
    const database = await createDatabase();
    try {
      const store = await openStore({ databaseUrl: database.url });
      await store.close();
      await withSql(database.url, async (c) => {
        const q = async (sql: string) => (await c.query(sql)).rows;
        const columns = await q(`SELECT table_name, column_name, data_type, column_default, is_identity, is_generated FROM information_schema.columns WHERE table_name LIKE 'catalog\\_%' ORDER BY table_name, ordinal_position`);
        expect(columns.filter((x) => x.table_name === 'catalog_tests').map((x) => `${x.column_name} ${x.data_type}`)).toEqual(['id text', 'study text', 'questionnaire text', 'record jsonb']);
        expect(new Set(columns.map((x) => x.table_name))).toEqual(new Set(['catalog_studies', 'catalog_heads', 'catalog_versions', 'catalog_tests']));
        expect(columns.filter((x) => x.column_default !== null || x.is_identity === 'YES' || x.is_generated !== 'NEVER' || /time|date|interval/.test(x.data_type))).toEqual([]);
        expect(await q(`SELECT sequence_name FROM information_schema.sequences`)).toEqual([]);
        expect(await q(`SELECT conname FROM pg_constraint WHERE contype = 'f'`)).toEqual([]);
        expect(await q(`SELECT tgname FROM pg_trigger WHERE tgrelid::regclass::text LIKE 'catalog\\_%'`)).toEqual([]);
        expect(await q(`SELECT rulename FROM pg_rules WHERE tablename LIKE 'catalog\\_%'`)).toEqual([]);
      });
    } finally {
      await database.drop();
    }
  });
});
