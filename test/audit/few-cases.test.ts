/**
 * An audit being entered: before cases from two municipalities are in, there is no variance (one
 * cluster; R's lonely PSU), so the results are counts and shares with SE, df and CI left blank;
 * with no case at all the results are empty, never an error.
 */
import { describe, expect, it } from 'vitest';
import { auditResults, type AuditCase } from '../../src/audit/index.ts';
import { definition } from './helpers.ts';

const def = definition('journal_2016');
const kase = (caseId: string, municipality: string, contract: string | null): AuditCase => ({
  caseId,
  municipality,
  values: { takeover_date: '2014-01-31', contract_date: contract, on_benefits: 'ja', health_offer_date: null, health_accepted: null, health_request_date: null, health_delivered_date: null, review_date: '2015-06-30' },
});
const row = (rows: ReturnType<typeof auditResults>['rows'], measure: string, category: string) => rows.find((r) => r.measure === measure && r.category === category)!;

describe('an audit with few cases', () => {
  it('no case: every row has n = 0, the curve is empty', () => {
    const { rows, survival } = auditResults(def, [], []);
    expect(row(rows, 'contract_on_time', 'on_time')).toMatchObject({ n: 0, baseN: 0 });
    expect(Number.isNaN(row(rows, 'contract_on_time', 'on_time').estimate)).toBe(true);
    expect(survival).toMatchObject({ n: 0, time: [] });
  });

  it('cases of one municipality: counts and shares, no SE or CI (one cluster)', () => {
    const { rows } = auditResults(def, [kase('A1', 'Kommune A', '2014-02-28'), kase('A2', 'Kommune A', '2014-03-01'), kase('A3', 'Kommune A', null)], [{ caseId: 'A1', event: 'followup', date: '2014-05-01' }]);
    const onTime = row(rows, 'contract_on_time', 'on_time');
    expect([onTime.n, onTime.baseN, onTime.estimate]).toEqual([1, 3, 1 / 3]);
    expect([onTime.se, onTime.ciLow, onTime.ciHigh].every(Number.isNaN)).toBe(true);
    expect(row(rows, 'contract_late_delay', 'not_signed')).toMatchObject({ n: 1, baseN: 2 });
    expect(row(rows, 'days_to_contract', 'mean')).toMatchObject({ n: 2, estimate: (28 + 29) / 2 });
    expect(row(rows, 'followup_on_time', 'on_time')).toMatchObject({ n: 1, baseN: 1, estimate: 1 });
  });

  it('a second municipality brings the design back (df = 1)', () => {
    const { rows } = auditResults(def, [kase('A1', 'Kommune A', '2014-02-28'), kase('B1', 'Kommune B', '2014-03-10')], []);
    expect(row(rows, 'contract_on_time', 'on_time').df).toBe(1);
    expect(Number.isFinite(row(rows, 'contract_on_time', 'on_time').se)).toBe(true);
  });
});
