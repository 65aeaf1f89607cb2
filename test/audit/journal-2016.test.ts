/**
 * The fixture of 100 cases in 5 municipalities reproduces every number the 2016 report gives from
 * its case-file audit (seed 000 l. 489–512, 813–844), computed with the audit core.
 */
import { describe, expect, it } from 'vitest';
import { applyRule, auditResults, type ResultRow } from '../../src/audit/index.ts';
import { definition, fixture, load, toExcelDa } from './helpers.ts';

const def = definition('journal_2016');
const { cases, events } = load(def, fixture('cases.csv'), fixture('events.csv'));
const results = auditResults(def, cases, events);
const row = (measure: string, category: string): ResultRow => {
  const r = results.rows.find((x) => x.measure === measure && x.category === category);
  if (!r) throw new Error(`no row ${measure}/${category}`);
  return r;
};
const counts = (measure: string) => Object.fromEntries(results.rows.filter((r) => r.measure === measure).map((r) => [r.category, r.n]));
const pct = (r: ResultRow, digits = 0) => Number((100 * r.estimate).toFixed(digits));

describe('journal_2016: the report\'s numbers from the fixture', () => {
  it('has 100 cases, 20 in each of 5 municipalities', () => {
    expect(cases).toHaveLength(100);
    const per = new Map<string, number>();
    for (const c of cases) per.set(c.municipality, (per.get(c.municipality) ?? 0) + 1);
    expect([...per.values()]).toEqual([20, 20, 20, 20, 20]);
  });

  it('Figur 11: 88.5 % on time, 11.5 % late (85 / 96; the 4 unknown contracts left out)', () => {
    expect(counts('contract_on_time')).toEqual({ on_time: 85, late: 11 });
    expect(row('contract_on_time', 'on_time').baseN).toBe(96);
    expect(pct(row('contract_on_time', 'on_time'), 1)).toBe(88.5);
    expect(pct(row('contract_on_time', 'late'), 1)).toBe(11.5);
    expect(row('contract_on_time', 'on_time').df).toBe(4);
  });

  it('23 days to the contract on average', () => {
    expect(row('days_to_contract', 'mean')).toMatchObject({ n: 96 });
    expect(Math.round(row('days_to_contract', 'mean').estimate)).toBe(23);
  });

  it('Figur 12: 9 / 0 / 2 of 11 late contracts (81.8 / 0 / 18.2 %), none unsigned; 52 days late on average', () => {
    expect(counts('contract_late_delay')).toEqual({ within_1_month: 9, '1_to_3_months': 0, over_3_months: 2, not_signed: 0 });
    expect(pct(row('contract_late_delay', 'within_1_month'), 1)).toBe(81.8);
    expect(pct(row('contract_late_delay', 'over_3_months'), 1)).toBe(18.2);
    expect(row('delay_days', 'mean')).toMatchObject({ n: 11 });
    expect(Math.round(row('delay_days', 'mean').estimate)).toBe(52);
  });

  it('Figur 13: ca. 72 % of the follow-up contacts on time (a contact is a unit; cases off benefits or without a known contract are outside)', () => {
    expect(counts('followup_on_time')).toEqual({ on_time: 108, late: 42 });
    expect(pct(row('followup_on_time', 'on_time'))).toBe(72);
    expect(events.filter((e) => e.event === 'followup').length).toBeGreaterThan(150);
  });

  it('Figur 23: 72 / 27 / 1 of 100 (unknown shown in the base); 70 / 30 accepted; 35 and 163 days', () => {
    expect(counts('health_offer_on_time')).toEqual({ on_time: 72, late: 27, unknown: 1 });
    expect(row('health_offer_on_time', 'on_time').baseN).toBe(100);
    expect(counts('health_accepted')).toEqual({ ja: 70, nej: 30 });
    expect(Math.round(row('days_to_health_offer_on_time', 'mean').estimate)).toBe(35);
    expect(Math.round(row('days_to_health_offer_late', 'mean').estimate)).toBe(163);
  });

  it('Figur 24: of the 70 accepted, 36 % delivered on time, 11 % never', () => {
    expect(counts('health_delivery')).toEqual({ on_time: 25, late: 37, not_delivered: 8 });
    expect(pct(row('health_delivery', 'on_time'))).toBe(36);
    expect(pct(row('health_delivery', 'not_delivered'))).toBe(11);
  });

  it('the fixture has deadline-day units, and they are on time', () => {
    for (const [ruleId, n] of [['contract', 1], ['followup', 1], ['health_delivery', 1]] as const) {
      const units = applyRule(def, def.rules.find((r) => r.id === ruleId)!, cases, events);
      const onDeadline = units.rows.filter((r) => r.assessment?.done && r.assessment.delay === 0);
      expect(onDeadline.length, ruleId).toBeGreaterThanOrEqual(n);
      expect(onDeadline.every((r) => r.assessment!.outcome === 'on_time')).toBe(true);
      const dayAfter = units.rows.filter((r) => r.assessment?.done && r.assessment.delay === 1);
      expect(dayAfter.every((r) => r.assessment!.outcome === 'late')).toBe(true);
    }
  });

  it('reads the Danish Excel dialect (;, BOM, CRLF, dd-mm-yyyy) to the same results', () => {
    const da = load(def, toExcelDa(fixture('cases.csv')), toExcelDa(fixture('events.csv')));
    expect(da.cases).toEqual(cases);
    expect(auditResults(def, da.cases, da.events)).toEqual(results);
  });

  it('Kaplan–Meier: 96 signed contracts, none censored; S falls to 0 at the last contract', () => {
    const km = results.survival!;
    expect(km.n).toBe(96);
    expect(km.nCensor.every((c) => c === 0)).toBe(true);
    expect(km.nEvent.reduce((a, b) => a + b, 0)).toBe(96);
    expect(km.survival.at(-1)).toBe(0);
  });
});
