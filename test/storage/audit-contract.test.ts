/**
 * The audit part of the storage contract (AuditPort), run against every adapter in ./adapters.ts:
 * upsert by case id, events replaced per case, all or nothing, durable, one change after another.
 */
import { describe, expect, it } from 'vitest';
import type { AuditCase, AuditEvent } from '../../src/audit/records.ts';
import type { Store } from '../../src/storage/index.ts';
import { adapters, storesPerTest } from './adapters.ts';

const kase = (caseId: string, overrides: Partial<AuditCase['values']> = {}, municipality = 'Kommune A'): AuditCase => ({
  caseId,
  municipality,
  values: { takeover_date: '2014-01-31', contract_date: null, on_benefits: 'ja', health_offer_date: 'ukendt', review_date: '2015-06-30', ...overrides },
});
const followup = (caseId: string, date: string): AuditEvent => ({ caseId, event: 'followup', date });

describe.each(adapters)('the $name store: audits', (adapter) => {
  const { open } = storesPerTest(adapter);

  it('an audit without records reads as empty', async () => {
    const store = await open();
    expect(await store.audits.read('journal_2016')).toEqual({ cases: [], events: [] });
  });

  it('stores cases and events durably: they are there after a reopen, cells as given (dates, null, ukendt, ja)', async () => {
    let store = await open();
    const result = await store.audits.update('journal_2016', () => ({
      cases: [kase('A01'), kase('B01', { contract_date: '2014-02-28' }, 'Kommune B')],
      eventsOf: ['A01'],
      events: [followup('A01', '2014-05-01'), followup('A01', 'ukendt')],
    }));
    expect(result).toEqual({ created: 2, updated: 0, events: 2 });
    await store.close();
    store = await open();
    expect(await store.audits.read('journal_2016')).toEqual({
      cases: [kase('A01'), kase('B01', { contract_date: '2014-02-28' }, 'Kommune B')],
      events: [followup('A01', '2014-05-01'), followup('A01', 'ukendt')],
    });
  });

  it('the same case id again updates that case in its place; new ids come after', async () => {
    const store = await open();
    await store.audits.update('journal_2016', () => ({ cases: [kase('A01'), kase('B01')], eventsOf: [], events: [] }));
    const result = await store.audits.update('journal_2016', () => ({ cases: [kase('C01'), kase('A01', { contract_date: '2014-02-10' }, 'Kommune E')], eventsOf: [], events: [] }));
    expect(result).toEqual({ created: 1, updated: 1, events: 0 });
    const { cases } = await store.audits.read('journal_2016');
    expect(cases.map((c) => c.caseId)).toEqual(['A01', 'B01', 'C01']);
    expect(cases[0]).toEqual(kase('A01', { contract_date: '2014-02-10' }, 'Kommune E'));
  });

  it('replaces the events of the cases named, and keeps those of the others', async () => {
    const store = await open();
    await store.audits.update('journal_2016', () => ({
      cases: [kase('A01'), kase('B01')],
      eventsOf: ['A01', 'B01'],
      events: [followup('A01', '2014-04-01'), followup('B01', '2014-04-02'), followup('A01', '2014-07-01')],
    }));
    await store.audits.update('journal_2016', () => ({ cases: [], eventsOf: ['A01'], events: [followup('A01', '2014-03-15')] }));
    expect((await store.audits.read('journal_2016')).events).toEqual([followup('B01', '2014-04-02'), followup('A01', '2014-03-15')]);
    await store.audits.update('journal_2016', () => ({ cases: [], eventsOf: ['B01'], events: [] }));
    expect((await store.audits.read('journal_2016')).events).toEqual([followup('A01', '2014-03-15')]);
  });

  it('a plan that throws changes nothing, and neither does an invalid change', async () => {
    const store = await open();
    await store.audits.update('journal_2016', () => ({ cases: [kase('A01')], eventsOf: ['A01'], events: [followup('A01', '2014-04-01')] }));
    const before = await store.audits.read('journal_2016');
    await expect(
      store.audits.update('journal_2016', (current) => {
        expect(current).toEqual(before);
        throw new Error('line 3: refused');
      }),
    ).rejects.toThrow('line 3: refused');
    // An event of a case whose events are not replaced, a case twice, a cell that is not a date: refused whole.
    await expect(store.audits.update('journal_2016', () => ({ cases: [kase('B01')], eventsOf: [], events: [followup('B01', '2014-04-01')] }))).rejects.toThrow(/B01.*eventsOf/);
    await expect(store.audits.update('journal_2016', () => ({ cases: [kase('C01'), kase('C01')], eventsOf: [], events: [] }))).rejects.toThrow(/C01.*twice/);
    await expect(store.audits.update('journal_2016', () => ({ cases: [kase('D01'), kase('A01', { contract_date: '1.2.2014' })], eventsOf: [], events: [] }))).rejects.toThrow();
    expect(await store.audits.read('journal_2016')).toEqual(before);
  });

  it('keeps audits apart', async () => {
    const store = await open();
    await store.audits.update('journal_2016', () => ({ cases: [kase('A01')], eventsOf: [], events: [] }));
    await store.audits.update('ankestyrelsen_2019', () => ({ cases: [kase('A01', {}, 'Kommune B'), kase('X9')], eventsOf: [], events: [] }));
    expect((await store.audits.read('journal_2016')).cases).toEqual([kase('A01')]);
    expect((await store.audits.read('ankestyrelsen_2019')).cases.map((c) => c.municipality)).toEqual(['Kommune B', 'Kommune A']);
  });

  it('concurrent updates of one audit run one after another: each plan sees the changes before it', async () => {
    const store = await open();
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.audits.update('journal_2016', (current) => {
          seen.push(current.cases.length);
          return { cases: [kase(`K${i}`)], eventsOf: [], events: [] };
        }),
      ),
    );
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((await store.audits.read('journal_2016')).cases).toHaveLength(8);
  });
});
