/**
 * The storage contract: what every adapter of src/storage/ports.ts does, as a user of the store
 * would notice it. Runs once per adapter in ./adapters.ts; file-only behaviour is in files.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { hashSecret, type TDraft } from '../../src/fieldwork/index.ts';
import type { Settings, Store } from '../../src/storage/index.ts';
import type { TResponse } from '../../src/survey/schema.ts';
import { tallyTable } from '../../src/survey/tallies.ts';
import { defaultTexts } from '../../src/mail/texts.ts';
import { adapters, issueLinks, newResponse, storesPerTest } from './adapters.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const complete = (i: number, overrides: Partial<TResponse> = {}): TResponse => ({
  id: `import${String(i).padStart(12, '0')}`,
  study: 'integration',
  questionnaire: 'praktikere',
  version: 2,
  municipality: '101',
  day: '2016-05-01',
  answers: { frist: 'aldrig', antal: i },
  ...overrides,
});

const draftOf = (tokenHash: string, resume: string, overrides: Partial<TDraft> = {}): TDraft => ({
  tokenHash,
  resumeHash: hashSecret(resume),
  state: `state of ${resume}`,
  page: 1,
  updatedDay: '2016-05-10',
  ...overrides,
});

describe.each(adapters)('the $name store', (adapter) => {
  const { open, reopen } = storesPerTest(adapter);
  /** Issues one link and returns its token hash. */
  const link = async (store: Store, uses: number, municipality = '851', questionnaire = 'praktikere') => {
    const [issued] = await issueLinks(store, 'integration', questionnaire, [municipality], uses);
    return hashSecret(issued!.token);
  };

  describe('responses', () => {
    it('keeps a response across a reopen, with a random id and only the day of submission', async () => {
      let store = await open();
      const { id, created } = await store.responses.add(newResponse());
      expect(created).toBe(true);
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      store = await reopen(store);
      const [stored] = await store.responses.list();
      expect(stored).toEqual({ id, ...newResponse(), day: expect.stringMatching(DAY) });
    });

    it('stores one response for a submission id sent three times at once, and again after a reopen', async () => {
      let store = await open();
      const results = await Promise.all([1, 2, 3].map(() => store.responses.add(newResponse(), 'sub-1')));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      store = await reopen(store);
      expect(await store.responses.add(newResponse({ municipality: '101' }), 'sub-1')).toEqual({ id: results[0]!.id, created: false });
      expect(await store.responses.count()).toBe(1);
    });

    it('stores every one of many concurrent submissions', async () => {
      let store = await open();
      const results = await Promise.all(Array.from({ length: 150 }, (_, i) => store.responses.add(newResponse({ municipality: String(100 + (i % 50)) }), `s${i}`)));
      expect(new Set(results.map((r) => r.id)).size).toBe(150);
      store = await reopen(store);
      expect(await store.responses.count()).toBe(150);
    });

    it('tells whether a submission id was stored, also after a reopen', async () => {
      let store = await open();
      expect(await store.responses.has('sub-1')).toBe(false);
      const adding = store.responses.add(newResponse(), 'sub-1');
      expect(await store.responses.has('sub-1')).toBe(true);
      await adding;
      await store.responses.add(newResponse());
      store = await reopen(store);
      expect(await store.responses.has('sub-1')).toBe(true);
      expect(await store.responses.has('sub-2')).toBe(false);
    });

    it('refuses a response that breaks the response schema', async () => {
      const store = await open();
      await expect(store.responses.add(newResponse({ municipality: 'København' }))).rejects.toThrow();
      expect(await store.responses.count()).toBe(0);
    });

    it('stores complete responses in one call (imports) and refuses the whole call for one bad row', async () => {
      let store = await open();
      expect(await store.responses.addMany([complete(1), complete(2)])).toBe(2);
      expect(await store.responses.addMany([])).toBe(0);
      await expect(store.responses.addMany([complete(3), { ...complete(4), day: 'yesterday' }])).rejects.toThrow(/response 2 of 2/);
      await expect(store.responses.addMany([{ ...complete(5), extra: 1 } as TResponse])).rejects.toThrow();
      store = await reopen(store);
      expect(await store.responses.list()).toEqual([complete(1), complete(2)]);
    });

    it('counts and lists by study and questionnaire, in the order stored', async () => {
      const store = await open();
      await store.responses.add(newResponse({ municipality: '101' }));
      await store.responses.add(newResponse({ questionnaire: 'praktikere', municipality: '147' }));
      await store.responses.add(newResponse({ study: 'other', municipality: '151' }));
      await store.responses.add(newResponse({ municipality: '153' }));
      expect(await store.responses.count()).toBe(4);
      expect(await store.responses.count({ study: 'integration' })).toBe(3);
      expect(await store.responses.count({ questionnaire: 'praktikere' })).toBe(1);
      expect(await store.responses.count({ study: 'other', questionnaire: 'praktikere' })).toBe(0);
      expect((await store.responses.list({ study: 'integration', questionnaire: 'ledere' })).map((r) => r.municipality)).toEqual(['101', '153']);
      expect(await store.responses.list({ study: 'nobody' })).toEqual([]);
    });

    it('gives the stored responses as a column table with the same rows', async () => {
      const store = await open();
      await store.responses.addMany([complete(1), complete(2, { questionnaire: 'ledere', answers: { grunde: ['tolk'] } })]);
      await store.responses.add(newResponse());
      const table = await store.responses.table();
      expect(table.length).toBe(3);
      expect(Array.from({ length: table.length }, (_, i) => table.row(i))).toEqual(await store.responses.list());
      expect(Array.from(table.rows({ questionnaire: 'ledere' }))).toEqual([1, 2]);
      expect(table.answers('grunde')!.values).toEqual([['tolk'], ['tolk', 'andet']]);
    });

    it('gives the report a table with the responses\' tallies per questionnaire and municipality (a multi-select by combination)', async () => {
      const store = await open();
      await store.responses.addMany([
        complete(1, { answers: { frist: 'aldrig', grunde: ['tolk', 'andet'], tekst: 'hemmelig' } }),
        complete(2, { answers: { frist: 'aldrig', grunde: ['tolk', 'andet'], antal: 2 } }),
        complete(3, { answers: { frist: 'altid', grunde: ['andet', 'tolk'], tekst: 'også' } }),
        complete(4, { municipality: '851', answers: { frist: 'altid' } }),
        complete(5, { questionnaire: 'ledere', answers: { frist: 'aldrig' } }),
        complete(6, { study: 'another', answers: { frist: 'aldrig' } }),
      ]);
      const spec = { study: 'integration', questionnaires: ['praktikere'], values: ['frist', 'grunde', 'antal'], present: ['tekst'] };
      const tallies = tallyTable(await store.responses.reportTable(spec), spec);
      const sorted = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();
      expect(tallies.study).toBe('integration');
      expect(sorted(tallies.cells)).toEqual(
        sorted([
          { questionnaire: 'praktikere', municipality: '101', n: 3 },
          { questionnaire: 'praktikere', municipality: '851', n: 1 },
        ]),
      );
      const v = (municipality: string, key: string, value: unknown, count: number) => ({ questionnaire: 'praktikere', municipality, key, value, count });
      expect(sorted(tallies.values)).toEqual(
        sorted([
          v('101', 'frist', 'aldrig', 2),
          v('101', 'frist', 'altid', 1),
          v('101', 'grunde', ['tolk', 'andet'], 2),
          v('101', 'grunde', ['andet', 'tolk'], 1),
          v('101', 'antal', 2, 1),
          v('101', 'tekst', '', 2),
          v('851', 'frist', 'altid', 1),
        ]),
      );
    });

    it('takes no responses once closed', async () => {
      const store = await open();
      await store.close();
      await expect(store.responses.add(newResponse())).rejects.toThrow(/closed/);
    });
  });

  describe('invitation links', () => {
    it('issues links sorted by questionnaire and municipality, found by the token hash only', async () => {
      let store = await open();
      const issued = await issueLinks(store, 'integration', 'praktikere', ['851', '101', '461'], 3);
      await issueLinks(store, 'integration', 'ledere', ['147'], 1);
      expect(issued.map((l) => l.municipality)).toEqual(['851', '101', '461']);
      expect(issued.every((l) => /^[A-Za-z0-9_-]{22}$/.test(l.token))).toBe(true);
      store = await reopen(store);
      const all = await store.fieldwork.invitations('integration');
      expect(all.map((i) => `${i.questionnaire}/${i.municipality}`)).toEqual(['ledere/147', 'praktikere/101', 'praktikere/461', 'praktikere/851']);
      expect((await store.fieldwork.invitations('integration', 'ledere')).map((i) => i.municipality)).toEqual(['147']);
      expect(await store.fieldwork.invitations('other')).toEqual([]);
      expect(JSON.stringify(all)).not.toContain(issued[0]!.token);
      const found = await store.fieldwork.findByTokenHash(hashSecret(issued[0]!.token));
      expect(found).toMatchObject({ municipality: '851', questionnaire: 'praktikere', uses: 3, used: 0, completions: {}, reminders: 0, revoked: false, createdDay: expect.stringMatching(DAY) });
      expect(await store.fieldwork.findByTokenHash(hashSecret('not-a-token'))).toBeUndefined();
      expect(await store.fieldwork.findByTokenHash(issued[0]!.token)).toBeUndefined();
    });

    it('never replaces a link on create: a municipality with one keeps it and is listed as skipped', async () => {
      let store = await open();
      const [first] = await issueLinks(store, 'integration', 'praktikere', ['851'], 3);
      await store.fieldwork.useLink(hashSecret(first!.token), '2016-05-02', async () => ({ created: true }));
      const again = await store.fieldwork.create('integration', 'praktikere', [{ municipality: '851', tokenHash: hashSecret('other-token') }, { municipality: '101', tokenHash: hashSecret('new-token') }], 1);
      expect(again).toEqual({ created: ['101'], skipped: ['851'] });
      store = await reopen(store);
      expect(await store.fieldwork.findByTokenHash(hashSecret(first!.token))).toMatchObject({ municipality: '851', uses: 3, used: 1, generation: 0 });
      expect(await store.fieldwork.findByTokenHash(hashSecret('other-token'))).toBeUndefined();
      expect(await store.fieldwork.invitations('integration')).toHaveLength(2);
    });

    it('replaces one link by hand: the old token stops working, uses are kept and its drafts move to the new link', async () => {
      let store = await open();
      const [first] = await issueLinks(store, 'integration', 'praktikere', ['851'], 3);
      const [other] = await issueLinks(store, 'integration', 'praktikere', ['101'], 3);
      const old = hashSecret(first!.token);
      await store.fieldwork.useLink(old, '2016-05-02', async () => ({ created: true }));
      await store.fieldwork.saveDraft(draftOf(old, 'browser-a'), 5);
      await store.fieldwork.saveDraft(draftOf(hashSecret(other!.token), 'browser-b'), 5);
      const replaced = await store.fieldwork.replace('integration', 'praktikere', '851', { tokenHash: hashSecret('next-token'), generation: 1 });
      expect(replaced).toMatchObject({ municipality: '851', uses: 3, used: 1, generation: 1, completions: { '2016-05-02': 1 } });
      store = await reopen(store);
      expect(await store.fieldwork.findByTokenHash(old)).toBeUndefined();
      expect(await store.fieldwork.draft(old, hashSecret('browser-a'))).toBeUndefined();
      expect(await store.fieldwork.draft(hashSecret('next-token'), hashSecret('browser-a'))).toMatchObject({ state: 'state of browser-a' });
      expect(await store.fieldwork.draft(hashSecret(other!.token), hashSecret('browser-b'))).toMatchObject({ state: 'state of browser-b' });
      expect(await store.fieldwork.replace('integration', 'praktikere', '999', { tokenHash: hashSecret('x'), generation: 1 })).toBeUndefined();
      expect(await store.fieldwork.invitations('integration')).toHaveLength(2);
    });

    it('counts reminders without changing the link, records the first day opened and lists links with drafts', async () => {
      let store = await open();
      const [a, b] = await issueLinks(store, 'integration', 'ledere', ['851', '101'], 1);
      await store.fieldwork.noteReminders('integration', 'ledere', ['851']);
      await store.fieldwork.noteReminders('integration', 'ledere', ['851', '101']);
      await store.fieldwork.markOpened(hashSecret(a!.token), '2016-05-03');
      await store.fieldwork.markOpened(hashSecret(a!.token), '2016-05-09');
      await store.fieldwork.saveDraft(draftOf(hashSecret(b!.token), 'browser'), 5);
      store = await reopen(store);
      expect(await store.fieldwork.findByTokenHash(hashSecret(a!.token))).toMatchObject({ reminders: 2, openedDay: '2016-05-03' });
      expect(await store.fieldwork.findByTokenHash(hashSecret(b!.token))).toMatchObject({ reminders: 1 });
      expect((await store.fieldwork.findByTokenHash(hashSecret(b!.token)))!.openedDay).toBeUndefined();
      expect(await store.fieldwork.draftedLinks('integration')).toEqual([hashSecret(b!.token)]);
      expect(await store.fieldwork.draftedLinks('other')).toEqual([]);
    });

    it('uses a one-use link once when 20 submissions arrive at the same moment', async () => {
      const store = await open();
      const hash = await link(store, 1);
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => store.fieldwork.useLink(hash, '2016-05-02', () => store.responses.add(newResponse(), `sub-${i}`))));
      expect(outcomes.filter((o) => o.outcome === 'stored')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'used-up')).toHaveLength(19);
      expect(await store.responses.count()).toBe(1);
      expect(await store.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 1, completions: { '2016-05-02': 1 } });
    });

    it('uses a three-use link three times when 30 submissions arrive at the same moment, also after a reopen', async () => {
      let store = await open();
      const hash = await link(store, 3);
      const run = (s: Store, n: number) => Promise.all(Array.from({ length: n }, (_, i) => s.fieldwork.useLink(hash, '2016-05-02', () => s.responses.add(newResponse(), `sub-${n}-${i}`))));
      const outcomes = await run(store, 30);
      expect(outcomes.filter((o) => o.outcome === 'stored')).toHaveLength(3);
      store = await reopen(store);
      expect((await run(store, 5)).map((o) => o.outcome)).toEqual(Array(5).fill('used-up'));
      expect(await store.responses.count()).toBe(3);
      expect(await store.fieldwork.findByTokenHash(hash)).toMatchObject({ uses: 3, used: 3 });
    });

    it('gives the use back when storing fails, and passes the error on', async () => {
      const store = await open();
      const hash = await link(store, 1);
      const failure = new Error('the disk is full');
      await expect(store.fieldwork.useLink(hash, '2016-05-02', async () => Promise.reject(failure))).rejects.toBe(failure);
      expect(await store.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 0, completions: {} });
      const next = await store.fieldwork.useLink(hash, '2016-05-03', () => store.responses.add(newResponse(), 'sub-1'));
      expect(next).toMatchObject({ outcome: 'stored', invitation: { used: 1, completions: { '2016-05-03': 1 } }, result: { created: true } });
    });

    it('gives the use back when the submission was stored before (created: false)', async () => {
      let store = await open();
      const hash = await link(store, 2);
      const first = await store.fieldwork.useLink(hash, '2016-05-02', () => store.responses.add(newResponse(), 'sub-1'));
      const again = await store.fieldwork.useLink(hash, '2016-05-02', () => store.responses.add(newResponse(), 'sub-1'));
      expect(again).toMatchObject({ outcome: 'stored', result: { created: false, id: (first as { result: { id: string } }).result.id }, invitation: { used: 1 } });
      store = await reopen(store);
      expect(await store.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 1, completions: { '2016-05-02': 1 } });
      expect(await store.responses.count()).toBe(1);
    });

    it('answers unknown for an unknown or replaced token and used-up for a used link, without storing', async () => {
      const store = await open();
      const hash = await link(store, 1);
      let calls = 0;
      const storeOne = async () => ((calls += 1), { created: true });
      expect(await store.fieldwork.useLink(hashSecret('nobody'), '2016-05-02', storeOne)).toEqual({ outcome: 'unknown' });
      await store.fieldwork.useLink(hash, '2016-05-02', storeOne);
      expect(await store.fieldwork.useLink(hash, '2016-05-02', storeOne)).toEqual({ outcome: 'used-up', invitation: expect.objectContaining({ municipality: '851', used: 1 }) });
      await store.fieldwork.replace('integration', 'praktikere', '851', { tokenHash: hashSecret('replacement'), generation: 1 });
      expect(await store.fieldwork.useLink(hash, '2016-05-02', storeOne)).toEqual({ outcome: 'unknown' });
      expect(calls).toBe(1);
    });

    it('records completions per day, with no time of day', async () => {
      let store = await open();
      const hash = await link(store, 5);
      for (const day of ['2016-05-02', '2016-05-02', '2016-05-04']) await store.fieldwork.useLink(hash, day, async () => ({ created: true }));
      store = await reopen(store);
      const [invitation] = await store.fieldwork.invitations('integration');
      expect(invitation).toMatchObject({ used: 3, completions: { '2016-05-02': 2, '2016-05-04': 1 } });
    });
  });

  describe('drafts', () => {
    it('saves, replaces and finds a draft by link and resume code, also after a reopen', async () => {
      let store = await open();
      const hash = await link(store, 3);
      expect(await store.fieldwork.saveDraft(draftOf(hash, 'a'), 2)).toBe(true);
      expect(await store.fieldwork.saveDraft(draftOf(hash, 'a', { state: 'page two', page: 2 }), 2)).toBe(true);
      store = await reopen(store);
      expect(await store.fieldwork.draft(hash, hashSecret('a'))).toEqual(draftOf(hash, 'a', { state: 'page two', page: 2 }));
      expect(await store.fieldwork.draft(hash, hashSecret('b'))).toBeUndefined();
      expect(await store.fieldwork.draft(hashSecret('other link'), hashSecret('a'))).toBeUndefined();
    });

    it('keeps at most maxPerLink drafts of a link: a new one beyond that is not saved, a replacement is', async () => {
      const store = await open();
      const hash = await link(store, 3);
      const other = await link(store, 3, '101');
      expect(await store.fieldwork.saveDraft(draftOf(hash, 'a'), 2)).toBe(true);
      expect(await store.fieldwork.saveDraft(draftOf(hash, 'b'), 2)).toBe(true);
      expect(await store.fieldwork.saveDraft(draftOf(hash, 'c'), 2)).toBe(false);
      expect(await store.fieldwork.draft(hash, hashSecret('c'))).toBeUndefined();
      expect(await store.fieldwork.saveDraft(draftOf(hash, 'b', { page: 3 }), 2)).toBe(true);
      expect(await store.fieldwork.saveDraft(draftOf(other, 'c'), 2)).toBe(true);
      expect((await store.fieldwork.draft(hash, hashSecret('b')))!.page).toBe(3);
    });

    it('refuses a draft that breaks the draft schema', async () => {
      const store = await open();
      const hash = await link(store, 1);
      await expect(store.fieldwork.saveDraft({ ...draftOf(hash, 'a'), page: -1 }, 2)).rejects.toThrow();
      expect(await store.fieldwork.draft(hash, hashSecret('a'))).toBeUndefined();
    });

    it('deletes one draft', async () => {
      let store = await open();
      const hash = await link(store, 3);
      await store.fieldwork.saveDraft(draftOf(hash, 'a'), 3);
      await store.fieldwork.saveDraft(draftOf(hash, 'b'), 3);
      await store.fieldwork.deleteDraft(hash, hashSecret('a'));
      await store.fieldwork.deleteDraft(hash, hashSecret('never saved'));
      store = await reopen(store);
      expect(await store.fieldwork.draft(hash, hashSecret('a'))).toBeUndefined();
      expect(await store.fieldwork.draft(hash, hashSecret('b'))).toBeDefined();
    });

    it('expires drafts older than a day and every draft of a closed questionnaire', async () => {
      let store = await open();
      const open1 = await link(store, 3, '851', 'praktikere');
      const closed = await link(store, 1, '851', 'ledere');
      await store.fieldwork.saveDraft(draftOf(open1, 'old', { updatedDay: '2016-04-30' }), 5);
      await store.fieldwork.saveDraft(draftOf(open1, 'edge', { updatedDay: '2016-05-01' }), 5);
      await store.fieldwork.saveDraft(draftOf(open1, 'new', { updatedDay: '2016-05-09' }), 5);
      await store.fieldwork.saveDraft(draftOf(closed, 'new', { updatedDay: '2016-05-09' }), 5);
      expect(await store.fieldwork.expireDrafts('2016-05-01', [{ study: 'integration', questionnaire: 'ledere' }])).toBe(2);
      expect(await store.fieldwork.expireDrafts('2016-05-01', [{ study: 'integration', questionnaire: 'ledere' }])).toBe(0);
      store = await reopen(store);
      expect(await store.fieldwork.draft(open1, hashSecret('old'))).toBeUndefined();
      expect(await store.fieldwork.draft(closed, hashSecret('new'))).toBeUndefined();
      expect(await store.fieldwork.draft(open1, hashSecret('edge'))).toBeDefined();
      expect(await store.fieldwork.draft(open1, hashSecret('new'))).toBeDefined();
      expect(await store.fieldwork.expireDrafts('2016-05-01', [{ study: 'other', questionnaire: 'praktikere' }])).toBe(0);
    });
  });

  describe('fieldwork windows', () => {
    it('has no window until one is set, then keeps it per questionnaire across a reopen', async () => {
      let store = await open();
      expect(await store.fieldwork.window('integration', 'ledere')).toBeUndefined();
      await store.fieldwork.setWindow('integration', 'ledere', { mode: 'closed', openLinks: false });
      await store.fieldwork.setWindow('integration', 'praktikere', { mode: 'open', openLinks: true });
      await store.fieldwork.setWindow('integration', 'praktikere', { mode: 'dates', openLinks: true });
      store = await reopen(store);
      expect(await store.fieldwork.window('integration', 'ledere')).toEqual({ mode: 'closed', openLinks: false });
      expect(await store.fieldwork.window('integration', 'praktikere')).toEqual({ mode: 'dates', openLinks: true });
      expect(await store.fieldwork.window('other', 'ledere')).toBeUndefined();
    });

    it('refuses a window that is not one', async () => {
      const store = await open();
      await store.fieldwork.setWindow('integration', 'ledere', { mode: 'open', openLinks: true });
      await expect(store.fieldwork.setWindow('integration', 'ledere', { mode: 'sometimes', openLinks: true } as never)).rejects.toThrow();
      expect(await store.fieldwork.window('integration', 'ledere')).toEqual({ mode: 'open', openLinks: true });
    });
  });

  describe('transfer (praksis copy)', () => {
    /** Runs `work` on a new, empty store of this adapter (closed and removed after). */
    const inAnother = async (work: (copy: Store) => Promise<void>) => {
      const other = await adapter.place();
      const copy = await other.open();
      try {
        await work(copy);
      } finally {
        await copy.close();
        await other.remove();
      }
    };

    it('gives all fieldwork data as one document, and loads it into an empty store only', async () => {
      const store = await open();
      const hash = await link(store, 3);
      await store.fieldwork.useLink(hash, '2016-05-02', async () => ({ created: true }));
      await store.fieldwork.saveDraft(draftOf(hash, 'r1'), 5);
      await store.fieldwork.setWindow('integration', 'ledere', { mode: 'open', openLinks: false });
      // A link replaced by hand (its generation) and opened (its day) keeps both.
      await link(store, 1, '101');
      await store.fieldwork.replace('integration', 'praktikere', '101', { tokenHash: hashSecret('replaced'), generation: 2 });
      await store.fieldwork.markOpened(hashSecret('replaced'), '2016-05-04');
      const data = await store.transfer.fieldworkData();
      expect(data.invitations).toMatchObject([
        { municipality: '101', generation: 2, openedDay: '2016-05-04' },
        { tokenHash: hash, used: 1, completions: { '2016-05-02': 1 } },
      ]);
      expect(data.drafts).toHaveLength(1);
      expect(data.windows).toEqual({ 'integration/ledere': { mode: 'open', openLinks: false } });
      await inAnother(async (copy) => {
        await copy.transfer.loadFieldworkData(data);
        expect(await copy.transfer.fieldworkData()).toEqual(data);
        expect(await copy.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 1 });
        expect(await copy.fieldwork.findByTokenHash(hashSecret('replaced'))).toMatchObject({ generation: 2, openedDay: '2016-05-04' });
        await expect(copy.transfer.loadFieldworkData(data)).rejects.toThrow(/already holds fieldwork data; it is not overwritten/);
      });
    });

    it('moves every contact, message (status, days, attempts, last error) and mail text, into a store without e-mail data only', async () => {
      const store = await open();
      await store.mail.addContacts([
        { study: 'integration', questionnaire: 'ledere', municipality: '851', email: 'a@kommune.dk', name: 'Anna' },
        { study: 'other', questionnaire: 'ledere', municipality: '101', email: 'b@kommune.dk' },
      ]);
      const message = (recipient: string, id: string) => ({
        id: `message-${id}-0000000000`, study: 'integration', questionnaire: 'ledere', municipality: '851', kind: 'invitation' as const,
        recipient, subject: 'Invitation', body: 'Brug linket', queuedDay: '2016-05-01', nextAttemptAt: 1_480_000_000_123, dedupe: `inv|${recipient}`,
      });
      await store.mail.queue([message('a@kommune.dk', 'a'), message('c@kommune.dk', 'c')], '2016-05-01');
      const claimed = await store.mail.claim(1_480_000_000_200, 60_000);
      await store.mail.settle(claimed!.id, { status: 'queued', day: '2016-05-02', error: '451 try again later', nextAttemptAt: 1_480_000_030_200 });
      await store.mail.settle((await store.mail.claim(1_480_000_000_300, 60_000))!.id, { status: 'sent', day: '2016-05-03' });
      await store.mail.setTexts('integration', 'ledere', { ...defaultTexts('Integration'), schedule: [7, 14] });
      const data = await store.transfer.mailData();
      expect(data.contacts).toHaveLength(2);
      expect(data.messages.map((m) => [m.status, m.statusDay, m.attempts, m.lastError])).toEqual(expect.arrayContaining([
        ['queued', '2016-05-02', 1, '451 try again later'],
        ['sent', '2016-05-03', 1, undefined],
      ]));
      expect(Object.keys(data.texts)).toEqual(['integration/ledere']);
      await inAnother(async (copy) => {
        await copy.mail.setTexts('x', 'y', defaultTexts('X'));
        await expect(copy.transfer.loadMailData(data)).rejects.toThrow(/already holds e-mail data; it is not overwritten/);
        expect(await copy.mail.contacts('integration')).toEqual([]);
      });
      await inAnother(async (copy) => {
        await copy.transfer.loadMailData(data);
        expect(await copy.transfer.mailData()).toEqual(data);
        expect(await copy.mail.messages('integration')).toEqual(await store.mail.messages('integration'));
        expect(await copy.mail.texts('integration', 'ledere')).toEqual(await store.mail.texts('integration', 'ledere'));
        // The queued message is due again at its time, on the copy.
        expect(await copy.mail.claim(1_480_000_030_200, 60_000)).toMatchObject({ recipient: expect.stringMatching(/@kommune\.dk$/), attempts: 2 });
      });
    });

    it('moves users and keys but no session or sign-in counter, into a store without accounts only; refuses an invalid user', async () => {
      const store = await open();
      const user = (id: string, login: string) => ({ id: `user-${id}-0000`, name: `Navn ${login}`, login, role: 'auditor' as const, studies: ['integration', 'journal_2016'], passwordHash: 'scrypt$x', createdDay: '2026-12-01' });
      await store.users.add(user('b', 'bo'));
      await store.users.add({ ...user('a', 'anna'), role: 'admin', studies: [] });
      await store.users.addKey({ id: 'key-1-00000', userId: 'user-b-0000', name: 'Nøgle', hash: 'a'.repeat(64), createdDay: '2026-12-01', lastUsedDay: null });
      await store.users.useKey('a'.repeat(64), '2026-12-02');
      await store.users.addSession({ hash: 'b'.repeat(64), userId: 'user-b-0000', expires: Date.now() + 3_600_000 });
      await store.users.countAttempts(['c'.repeat(64)], Date.now(), 60_000);
      const data = await store.transfer.accountsData();
      expect(data.users.map((u) => u.login)).toEqual(['anna', 'bo']);
      expect(data.keys).toEqual([{ id: 'key-1-00000', userId: 'user-b-0000', name: 'Nøgle', hash: 'a'.repeat(64), createdDay: '2026-12-01', lastUsedDay: '2026-12-02' }]);
      await inAnother(async (copy) => {
        await expect(copy.transfer.loadAccountsData({ users: [{ ...user('x', 'Not A Login!') }], keys: [] })).rejects.toThrow(/the accounts to load are not valid \(users.0.login: may hold only .*\); nothing was stored/);
        await expect(copy.transfer.loadAccountsData({ users: [...data.users, { ...data.users[0]!, id: 'user-z-0000' }], keys: [] })).rejects.toThrow(/the login "anna" is given twice\); nothing was stored/);
        await copy.transfer.loadAccountsData(data);
        expect(await copy.transfer.accountsData()).toEqual(data);
        expect(await copy.users.findByLogin('bo')).toEqual(await store.users.findByLogin('bo'));
        expect(await copy.users.useKey('a'.repeat(64), '2026-12-03')).toMatchObject({ user: { login: 'bo' } });
        expect(await copy.users.session('b'.repeat(64), Date.now())).toBeUndefined();
        expect(await copy.users.countAttempts(['c'.repeat(64)], Date.now(), 60_000)).toEqual([1]);
        await expect(copy.transfer.loadAccountsData(data)).rejects.toThrow(/already holds accounts; they are not overwritten/);
      });
    });

    it('moves the activity log in its order, into an empty log only; later entries follow it', async () => {
      const store = await open();
      const entry = (i: number, study: string | null) => ({ at: `2026-12-01T10:00:0${i}Z`, who: 'eva', action: 'export' as const, study, detail: `fil ${i}` });
      for (const e of [entry(3, 'integration'), entry(1, null), entry(2, 'integration')]) await store.users.log(e);
      const entries = await store.transfer.activityData();
      expect(entries.map((e) => e.detail)).toEqual(['fil 3', 'fil 1', 'fil 2']);
      await inAnother(async (copy) => {
        await copy.transfer.loadActivityData(entries);
        await copy.users.log(entry(4, null));
        expect(await copy.users.activity()).toEqual([...entries, entry(4, null)]);
        await expect(copy.transfer.loadActivityData(entries)).rejects.toThrow(/already holds (activity|an activity log); it is not overwritten/);
        expect(await copy.transfer.activityData()).toHaveLength(4);
      });
    });

    it('moves every audit (a double entry too) with its cases and events in their order, into a store without audit records only', async () => {
      const store = await open();
      const kase = (caseId: string) => ({ caseId, municipality: 'Kommune A', values: { takeover_date: '2014-01-31', contract_date: null, on_benefits: 'ja' as const } });
      const event = (caseId: string, date: string) => ({ caseId, event: 'followup', date });
      await store.audits.update('journal_2016', () => ({ cases: [kase('k2'), kase('k1')], eventsOf: ['k2', 'k1'], events: [event('k2', '2014-03-01'), event('k1', 'ukendt'), event('k2', '2014-02-01')] }));
      await store.audits.update('journal_2016/second', () => ({ cases: [kase('k1')], eventsOf: [], events: [] }));
      const data = await store.transfer.auditData();
      expect(Object.keys(data.audits).sort()).toEqual(['journal_2016', 'journal_2016/second']);
      await inAnother(async (copy) => {
        await copy.transfer.loadAuditData(data);
        expect(await copy.transfer.auditData()).toEqual(data);
        expect(await copy.audits.read('journal_2016')).toEqual(await store.audits.read('journal_2016'));
        expect(await copy.audits.read('journal_2016/second')).toEqual({ cases: [kase('k1')], events: [] });
        // A later change of the copy adds after the copied cases and events.
        await copy.audits.update('journal_2016', () => ({ cases: [kase('k3')], eventsOf: ['k3'], events: [event('k3', '2014-04-01')] }));
        const after = await copy.audits.read('journal_2016');
        expect(after.cases.map((c) => c.caseId)).toEqual(['k2', 'k1', 'k3']);
        expect(after.events.map((e) => e.date)).toEqual(['2014-03-01', 'ukendt', '2014-02-01', '2014-04-01']);
        await expect(copy.transfer.loadAuditData(data)).rejects.toThrow(/already holds audit records; they are not overwritten/);
      });
    });
  });

  describe('settings', () => {
    it('starts empty and keeps an update across a reopen', async () => {
      let store = await open();
      expect(await store.settings.read()).toEqual({});
      const updated = await store.settings.update((s) => {
        s.sessionSecret = 'x';
        s.demo = { loadedAt: '2016-05-01', responses: 201 };
      });
      expect(updated).toEqual({ sessionSecret: 'x', demo: { loadedAt: '2016-05-01', responses: 201 } });
      store = await reopen(store);
      expect(await store.settings.read()).toEqual(updated);
    });

    it('refuses an invalid update and changes nothing', async () => {
      let store = await open();
      await store.settings.update((s) => {
        s.apiKeyHash = 'hash';
      });
      await expect(store.settings.update((s) => {
        s.sessionSecret = 'new secret';
        (s as Record<string, unknown>).apiKeyHash = 42;
      })).rejects.toThrow(/apiKeyHash/);
      expect(await store.settings.read()).toEqual({ apiKeyHash: 'hash' });
      store = await reopen(store);
      expect(await store.settings.read()).toEqual({ apiKeyHash: 'hash' });
    });

    it('keeps a study\'s eligibility across a reopen and refuses a code that is not three digits', async () => {
      let store = await open();
      await store.settings.update((s) => void (s.eligibility = { integration: ['101', '147'] }));
      await expect(store.settings.update((s) => void (s.eligibility = { integration: ['1O1'] }))).rejects.toThrow(/eligibility/);
      store = await reopen(store);
      expect((await store.settings.read()).eligibility).toEqual({ integration: ['101', '147'] });
    });

    it('applies concurrent updates one after another, so none is lost', async () => {
      const store = await open();
      await Promise.all([
        store.settings.update((s) => void (s.sessionSecret = 'a')),
        store.settings.update((s) => void (s.exportSecret = 'b')),
        store.settings.update((s) => void (s.adminPasswordHash = 'c')),
      ]);
      expect(await store.settings.read()).toEqual({ sessionSecret: 'a', exportSecret: 'b', adminPasswordHash: 'c' });
    });

    it('gives read-only settings: changing what was read changes nothing stored', async () => {
      const store = await open();
      const read = (await store.settings.read()) as Settings;
      try {
        read.sessionSecret = 'changed by hand';
      } catch {
        // an adapter may hand out a frozen copy, which refuses the change
      }
      expect(await store.settings.read()).toEqual({});
    });
  });
});
