/**
 * Double entry: a second evaluator enters a sample of cases independently; the two entries are
 * compared field by field (the disagreements to reconcile), and their agreement reported: the share
 * of identical date cells and Cohen's kappa on each case-level rule's outcomes. Pure.
 *
 * @example cohensKappa(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']) // 0.5
 */
import { problems } from '../errors.ts';
import type { AuditCase, AuditEvent } from './records.ts';
import type { TAuditDefinition } from './schema.ts';
import { applyRule } from './units.ts';

/** Cohen's kappa of two raters' labels of the same units: (p_o − p_e) / (1 − p_e); NaN without units, 1 when both always agree on one label. */
export function cohensKappa(first: readonly string[], second: readonly string[]): number {
  if (first.length !== second.length) throw problems.invalidInput(`cohensKappa: ${first.length} labels against ${second.length}`);
  const n = first.length;
  if (n === 0) return Number.NaN;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i += 1) {
    if (first[i] === second[i]) agree += 1;
    a.set(first[i]!, (a.get(first[i]!) ?? 0) + 1);
    b.set(second[i]!, (b.get(second[i]!) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, count] of a) pe += (count / n) * ((b.get(label) ?? 0) / n);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}

export interface Disagreement {
  caseId: string;
  /** A field id, or `<event>` for the case's events of that kind (compared as sorted lists of dates). */
  field: string;
  first: string;
  second: string;
}

export interface Agreement {
  /** Cases entered twice. */
  cases: number;
  disagreements: Disagreement[];
  /** Date cells compared (every date field of every case entered twice) and those identical. */
  dates: { compared: number; identical: number; share: number };
  /** Per case-level rule: units compared, identical outcomes, kappa. */
  outcomes: { rule: string; text: string; n: number; identical: number; kappa: number }[];
}

const show = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export function compareEntries(definition: TAuditDefinition, first: { cases: readonly AuditCase[]; events: readonly AuditEvent[] }, second: { cases: readonly AuditCase[]; events: readonly AuditEvent[] }): Agreement {
  const firstById = new Map(first.cases.map((c) => [c.caseId, c]));
  const pairs = second.cases.filter((c) => firstById.has(c.caseId)).map((c) => [firstById.get(c.caseId)!, c] as const);
  const disagreements: Disagreement[] = [];
  let compared = 0;
  let identical = 0;
  const eventsOf = (list: readonly AuditEvent[], caseId: string, event: string) => list.filter((e) => e.caseId === caseId && e.event === event).map((e) => e.date).sort().join(' ');
  for (const [a, b] of pairs) {
    if (a.municipality !== b.municipality) disagreements.push({ caseId: a.caseId, field: 'municipality', first: a.municipality, second: b.municipality });
    for (const f of definition.fields) {
      const x = show(a.values[f.id]);
      const y = show(b.values[f.id]);
      if (f.type === 'date') {
        compared += 1;
        if (x === y) identical += 1;
      }
      if (x !== y) disagreements.push({ caseId: a.caseId, field: f.id, first: x, second: y });
    }
    for (const e of definition.events) {
      const x = eventsOf(first.events, a.caseId, e.id);
      const y = eventsOf(second.events, a.caseId, e.id);
      if (x !== y) disagreements.push({ caseId: a.caseId, field: e.id, first: x, second: y });
    }
  }
  const outcomes = definition.rules
    .filter((r) => r.kind !== 'chain')
    .map((rule) => {
      const one = applyRule(definition, rule, pairs.map(([a]) => a), first.events).rows;
      const two = applyRule(definition, rule, pairs.map(([, b]) => b), second.events).rows;
      const x: string[] = [];
      const y: string[] = [];
      one.forEach((row, k) => {
        // A unit outside the rule in both entries is not compared; outside in one is a disagreement.
        if (!row.assessment && !two[k]!.assessment) return;
        x.push(row.assessment?.outcome ?? 'outside');
        y.push(two[k]!.assessment?.outcome ?? 'outside');
      });
      return { rule: rule.id, text: rule.text, n: x.length, identical: x.filter((v, k) => v === y[k]).length, kappa: cohensKappa(x, y) };
    });
  return { cases: pairs.length, disagreements, dates: { compared, identical, share: compared ? identical / compared : Number.NaN }, outcomes };
}
