import { describe, expect, it } from 'vitest';
import { applyRule, domainMean, kaplanMeier, measureColumn, unitDesign, type AuditCase, type AuditEvent } from '../../src/audit/index.ts';
import { definition } from './helpers.ts';

const def = definition('journal_2016');
const anke = definition('ankestyrelsen_2019');
const rule = (d: typeof def, id: string) => d.rules.find((r) => r.id === id)!;
const measure = (d: typeof def, id: string) => d.measures.find((m) => m.id === id)!;
const kase = (id: string, values: Partial<Record<string, string | null>>, municipality = 'Kommune A'): AuditCase => ({
  caseId: id,
  municipality,
  values: {
    takeover_date: '2016-01-31', contract_date: '2016-02-29', on_benefits: 'ja', health_offer_date: null, health_accepted: 'nej',
    health_request_date: null, health_delivered_date: null, review_date: '2016-12-31', ...values,
  } as AuditCase['values'],
});
const followup = (caseId: string, date: string): AuditEvent => ({ caseId, event: 'followup', date });

describe('follow-up contacts as a chain', () => {
  it('each contact against the previous event: the contract, then the previous contact (in date order)', () => {
    const cases = [kase('X', {})];
    // Contract 2016-02-29 → deadline 2016-05-29; 2016-05-29 → 2016-08-29; then 2016-08-30 → 2016-11-30.
    const events = [followup('X', '2016-08-30'), followup('X', '2016-05-29'), followup('X', '2016-12-01')];
    const rows = applyRule(def, rule(def, 'followup'), cases, events).rows;
    expect(rows.map((r) => [r.date, r.assessment?.outcome, r.assessment?.deadline])).toEqual([
      ['2016-08-30', 'late', '2016-08-29'],
      ['2016-05-29', 'on_time', '2016-05-29'],
      ['2016-12-01', 'late', '2016-11-30'],
    ]);
  });

  it('no unit for a case off benefits or without a signed contract; an unknown date makes the case\'s contacts not assessable', () => {
    const cases = [kase('OFF', { on_benefits: 'nej' }), kase('NOSIGN', { contract_date: null }), kase('UNK', { contract_date: 'ukendt' }), kase('Q', {})];
    const events = [followup('OFF', '2016-04-01'), followup('NOSIGN', '2016-04-01'), followup('UNK', '2016-04-01'), followup('Q', '2016-04-01'), { caseId: 'Q', event: 'followup', date: 'ukendt' } as AuditEvent];
    const col = measureColumn(def, measure(def, 'followup_on_time'), cases, events);
    expect(col.unit).toBe('event');
    expect(col.rows.map((r) => r.assessment?.outcome)).toEqual([undefined, undefined, 'not_assessable', 'not_assessable', 'not_assessable']);
    expect(col.values).toEqual([null, null, null, null, null]);
  });
});

describe('company-directed offers (Ankestyrelsen 2019)', () => {
  const c = (id: string, takeover: string): AuditCase => ({ caseId: id, municipality: 'M', values: { takeover_date: takeover, review_date: '2019-06-30' } });
  const offer = (caseId: string, date: string): AuditEvent => ({ caseId, event: 'company_offer', date });
  it('the first offer (the earliest) against takeover + 1 month; no offer by the review date is late and not done', () => {
    const cases = [c('A', '2019-01-31'), c('B', '2019-01-31'), c('C', '2019-01-31'), c('D', '2019-06-15')];
    const events = [offer('A', '2019-04-01'), offer('A', '2019-02-28'), offer('B', '2019-03-29')];
    const rows = applyRule(anke, rule(anke, 'company_offer'), cases, events).rows;
    expect(rows.map((r) => r.assessment!.outcome)).toEqual(['on_time', 'late', 'late', 'not_yet_due']);
    const delay = measureColumn(anke, measure(anke, 'company_offer_delay'), cases, events);
    // B: deadline 2019-02-28, offer 2019-03-29 = 29 days after: over 4 weeks (4 weeks end 2019-03-28).
    expect(delay.values).toEqual([null, 'over_4_weeks', 'no_offer', null]);
  });

  it('gaps: the first offer opens the chain; each later offer within 6 weeks of the previous one', () => {
    const cases = [c('A', '2019-01-01')];
    const events = [offer('A', '2019-02-01'), offer('A', '2019-03-15'), offer('A', '2019-04-27')];
    const col = measureColumn(anke, measure(anke, 'offer_gap_within_6_weeks'), cases, events);
    expect(col.values).toEqual([null, 'on_time', 'late']); // 42 days, then 43
  });
});

describe('means as domains of the design', () => {
  it('equal weights: the mean is the plain mean; the SE is the cluster formula with every cluster, df = clusters in the domain − 1', () => {
    const muni = ['a', 'a', 'b', 'b', 'c', 'c'];
    const design = unitDesign(muni);
    const y = [10, 20, null, 30, null, null];
    const m = domainMean(design, y);
    expect(m.estimate).toBe(20);
    // z = (y − 20)/3 in the domain: cluster totals a: (−10 + 0)/3, b: 10/3, c: 0; V = 3/2 · Σ (Z − Z̄)²
    const Z = [-10 / 3, 10 / 3, 0];
    const V = 1.5 * Z.reduce((s, z) => s + z * z, 0);
    expect(m.se).toBeCloseTo(Math.sqrt(V), 14);
    expect(m.df).toBe(1);
    expect(domainMean(design, [null, null, null, null, null, null]).n).toBe(0);
  });
});

describe('Kaplan–Meier', () => {
  it('known answer with a censoring and a tie', () => {
    const km = kaplanMeier([3, 5, 5, 8, 2], [true, true, false, true, false]);
    expect(km.time).toEqual([2, 3, 5, 8]);
    expect(km.nRisk).toEqual([5, 4, 3, 1]);
    expect(km.nEvent).toEqual([0, 1, 1, 1]);
    expect(km.nCensor).toEqual([1, 0, 1, 0]);
    expect(km.survival).toEqual([1, 0.75, 0.5, 0]);
    expect(km.stdErr[2]).toBeCloseTo(Math.sqrt(1 / 12 + 1 / 6), 15);
    expect(km.stdErr[3]).toBe(Infinity);
  });
});
