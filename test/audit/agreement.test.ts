/** Double entry: Cohen's kappa (known answers) and the comparison of two entries field by field. */
import { describe, expect, it } from 'vitest';
import { cohensKappa, compareEntries } from '../../src/audit/agreement.ts';
import type { AuditCase } from '../../src/audit/index.ts';
import { definition } from './helpers.ts';

describe("Cohen's kappa", () => {
  it('known answers', () => {
    // The 2×2 table [[20, 5], [10, 15]]: p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5 → κ = 0.4.
    const first = [...Array(25).fill('ja'), ...Array(25).fill('nej')];
    const second = [...Array(20).fill('ja'), ...Array(5).fill('nej'), ...Array(10).fill('ja'), ...Array(15).fill('nej')];
    expect(cohensKappa(first, second)).toBeCloseTo(0.4, 12);
    expect(cohensKappa(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b'])).toBeCloseTo(0.5, 12);
    expect(cohensKappa(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(1);
    expect(cohensKappa(['a', 'a'], ['a', 'a'])).toBe(1);
    expect(cohensKappa(['a', 'b'], ['b', 'a'])).toBe(-1);
    expect(Number.isNaN(cohensKappa([], []))).toBe(true);
  });
});

describe('comparing two entries', () => {
  const def = definition('journal_2016');
  const kase = (caseId: string, contract: string | null, municipality = 'Kommune A'): AuditCase => ({
    caseId,
    municipality,
    values: { takeover_date: '2014-01-31', contract_date: contract, on_benefits: 'ja', health_offer_date: '2014-03-01', health_accepted: 'nej', health_request_date: null, health_delivered_date: null, review_date: '2015-06-30' },
  });

  it('lists every disagreement by case and field, the share of identical dates and kappa per rule', () => {
    const first = { cases: [kase('A1', '2014-02-28'), kase('A2', '2014-02-10'), kase('A3', '2014-05-01'), kase('A4', null)], events: [{ caseId: 'A1', event: 'followup', date: '2014-05-01' }] };
    const second = { cases: [kase('A1', '2014-03-03'), kase('A2', '2014-02-10'), kase('A3', '2014-05-01', 'Kommune B')], events: [{ caseId: 'A1', event: 'followup', date: '2014-05-02' }] };
    const result = compareEntries(def, first, second);
    expect(result.cases).toBe(3);
    expect(result.disagreements).toEqual([
      { caseId: 'A1', field: 'contract_date', first: '2014-02-28', second: '2014-03-03' },
      { caseId: 'A1', field: 'followup', first: '2014-05-01', second: '2014-05-02' },
      { caseId: 'A3', field: 'municipality', first: 'Kommune A', second: 'Kommune B' },
    ]);
    // 3 cases × 6 date fields, one different.
    expect(result.dates).toEqual({ compared: 18, identical: 17, share: 17 / 18 });
    const contract = result.outcomes.find((o) => o.rule === 'contract')!;
    // first: on_time, on_time, late; second: late, on_time, late → p_o = 2/3, p_e = (2/3·1/3 + 1/3·2/3) = 4/9 → κ = 0.4.
    expect(contract).toMatchObject({ n: 3, identical: 2 });
    expect(contract.kappa).toBeCloseTo(0.4, 12);
    expect(result.outcomes.find((o) => o.rule === 'health_offer')).toMatchObject({ n: 3, identical: 3, kappa: 1 });
  });
});
