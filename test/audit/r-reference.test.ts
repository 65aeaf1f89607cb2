/**
 * Agreement with R (survey 4.x, survival 3.x) on the audit fixtures: test/fixtures/audit/make-fixtures.R
 * implements the deadline rules again in R, builds `svydesign(ids = ~municipality)` over all
 * cases (and over all contacts / offers), takes each measure's base as `subset()`, and wrote
 * reference.json. Tolerance 1e-9. R is not needed to run this test.
 */
import { describe, expect, it } from 'vitest';
import { auditResults, measureColumn, survivalCurve, unitDesign, type AuditCase, type ResultRow, type SurvivalCurve } from '../../src/audit/index.ts';
import { estimateCategorical } from '../../src/estimation/index.ts';
import { definition, fixture, load } from './helpers.ts';

interface RefRow { measure: string; category: string; n: number; base_n: number; estimate: number; se: number; df: number; ci_low: number | null; ci_high: number | null }
interface RefCurve { n: number; time: number[]; n_risk: number[]; n_event: number[]; n_censor: number[]; survival: number[]; std_err: (number | null)[]; se: (number | null)[] }
const ref = JSON.parse(fixture('reference.json')) as {
  journal_2016: { rows: RefRow[]; survival: RefCurve; survival_censored_2014_06_30: RefCurve };
  ankestyrelsen_2019: { rows: RefRow[] };
};
const TOL = 1e-9;
let maxDiff = 0;
const close = (a: number, b: number, what: string) => {
  const d = Math.abs(a - b);
  maxDiff = Math.max(maxDiff, d);
  expect(d, `${what}: ${a} vs R ${b}`).toBeLessThan(TOL);
};

function compareRows(rows: ResultRow[], refRows: RefRow[]) {
  expect(rows.map((r) => `${r.measure}/${r.category}`)).toEqual(refRows.map((r) => `${r.measure}/${r.category}`));
  rows.forEach((r, k) => {
    const e = refRows[k]!;
    const what = `${r.measure}/${r.category}`;
    expect([r.n, r.baseN, r.df], what).toEqual([e.n, e.base_n, e.df]);
    close(r.estimate, e.estimate, `${what} estimate`);
    close(r.se, e.se, `${what} se`);
    if (e.ci_low === null) {
      // p̂ = 0: R's beta interval is NaN; praksis's documented rule is the exact bound [0, 1 − (α/2)^(1/n_eff)].
      expect(r.estimate).toBe(0);
      expect(r.ciLow).toBe(0);
      expect(Math.abs(r.ciHigh - (1 - Math.pow(0.025, 1 / r.baseN)))).toBeLessThan(1e-12);
    } else {
      close(r.ciLow, e.ci_low, `${what} ci_low`);
      close(r.ciHigh, e.ci_high!, `${what} ci_high`);
    }
  });
}

function compareCurve(curve: SurvivalCurve, e: RefCurve) {
  expect(curve.n).toBe(e.n);
  expect(curve.time).toEqual(e.time);
  expect(curve.nRisk).toEqual(e.n_risk);
  expect(curve.nEvent).toEqual(e.n_event);
  expect(curve.nCensor).toEqual(e.n_censor);
  curve.survival.forEach((s, k) => close(s, e.survival[k]!, `S(${curve.time[k]})`));
  curve.stdErr.forEach((s, k) => (e.std_err[k] === null ? expect(Number.isFinite(s)).toBe(false) : close(s, e.std_err[k]!, `std.err(${curve.time[k]})`)));
  curve.se.forEach((s, k) => (e.se[k] === null ? expect(Number.isFinite(s)).toBe(false) : close(s, e.se[k]!, `se(${curve.time[k]})`)));
}

describe('audit estimates against R', () => {
  const def = definition('journal_2016');
  const { cases, events } = load(def, fixture('cases.csv'), fixture('events.csv'));
  const results = auditResults(def, cases, events);

  it('journal_2016: every share (svymean SE, svyciprop beta CI) and mean (confint df = degf) on the subset() domains', () => {
    compareRows(results.rows, ref.journal_2016.rows);
  });

  it('a base with cases in 4 of the 5 municipalities keeps the full design (df 3, all 5 clusters in the variance)', () => {
    const late = results.rows.find((r) => r.measure === 'contract_late_delay' && r.category === 'within_1_month')!;
    expect(late.df).toBe(3);
    // A design rebuilt from the 11 late cases alone (4 clusters) gives another SE, which R's subset() does not.
    const column = measureColumn(def, def.measures.find((m) => m.id === 'contract_late_delay')!, cases, events);
    if (column.kind !== 'categorical') throw new Error('contract_late_delay is categorical');
    const kept = column.values.map((v, i) => [v, column.rows[i]!.municipality] as const).filter(([v]) => v !== null);
    const rebuilt = estimateCategorical(unitDesign(kept.map(([, m]) => m)), kept.map(([v]) => v), { categories: column.categories, ci: 'beta' });
    expect(Math.abs(rebuilt.categories[0]!.se - late.se)).toBeGreaterThan(1e-3);
  });

  it('Kaplan–Meier days to the contract equal survfit (times, n.risk, n.event, survival, Greenwood SE)', () => {
    compareCurve(results.survival!, ref.journal_2016.survival);
  });

  it('Kaplan–Meier with unsigned cases censored at the review date equals survfit', () => {
    const cut = '2014-06-30';
    const early: AuditCase[] = cases
      .filter((c) => (c.values.takeover_date as string) <= cut)
      .map((c) => {
        const contract = c.values.contract_date;
        const after = typeof contract === 'string' && contract !== 'ukendt' && contract > cut;
        return { ...c, values: { ...c.values, review_date: cut, contract_date: after ? null : (contract ?? null) } };
      });
    const curve = survivalCurve(def, 'contract', early);
    expect(curve.nCensor.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    compareCurve(curve, ref.journal_2016.survival_censored_2014_06_30);
  });

  it('ankestyrelsen_2019: first offer within 1 month (1 of 12), its delay (6 of 11 within 4 weeks), gaps of at most 6 weeks', () => {
    const adef = definition('ankestyrelsen_2019');
    const a = load(adef, fixture('ankestyrelsen_cases.csv'), fixture('ankestyrelsen_events.csv'));
    const rows = auditResults(adef, a.cases, a.events).rows;
    compareRows(rows, ref.ankestyrelsen_2019.rows);
    expect(rows.find((r) => r.measure === 'company_offer_on_time' && r.category === 'on_time')).toMatchObject({ n: 1, baseN: 12 });
    expect(rows.find((r) => r.measure === 'company_offer_delay' && r.category === 'within_4_weeks')).toMatchObject({ n: 6, baseN: 11 });
  });

  it('reports the largest difference seen', () => {
    expect(maxDiff).toBeLessThan(TOL);
    console.log(`audit vs R: max abs difference ${maxDiff.toExponential(2)}`);
  });
});
