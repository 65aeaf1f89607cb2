/**
 * A definition's rules applied to the cases and events: one row per unit (a case, or an event for
 * a chain rule), each with its assessment, or none when the unit is outside the rule (not
 * eligible, or the event that only opens a chain). Pure.
 */
import { problems } from '../errors.ts';
import type { IsoDate } from './dates.ts';
import { assessDeadline, type Assessment, type DateCell } from './deadline.ts';
import type { AuditCase, AuditEvent } from './csv.ts';
import type { TAuditDefinition, TRule } from './schema.ts';

export interface UnitRow {
  caseId: string;
  municipality: string;
  /** The event's date, for event units. */
  date?: IsoDate | 'ukendt';
  assessment: Assessment | undefined;
}

export interface RuleUnits {
  rule: TRule;
  /** `case`: one row per case, in the cases' order; `event`: one row per event of the rule's kind, in the events' order. */
  unit: 'case' | 'event';
  rows: UnitRow[];
}

function eligible(rule: TRule, c: AuditCase): boolean {
  return rule.eligible.every((cond) => c.values[cond.field] === cond.equals);
}

const isDate = (v: unknown): v is IsoDate => typeof v === 'string' && v !== 'ukendt' && v !== 'ja' && v !== 'nej';

export function applyRule(definition: TAuditDefinition, rule: TRule, cases: readonly AuditCase[], events: readonly AuditEvent[]): RuleUnits {
  const review = (c: AuditCase) => c.values[definition.reviewField] as IsoDate;
  if (rule.kind === 'deadline') {
    return {
      rule,
      unit: 'case',
      rows: cases.map((c) => ({
        caseId: c.caseId,
        municipality: c.municipality,
        assessment: eligible(rule, c) ? assessDeadline(c.values[rule.anchor] as DateCell, c.values[rule.target] as DateCell, rule.within, review(c)) : undefined,
      })),
    };
  }
  const byCase = new Map<string, AuditEvent[]>();
  for (const e of events) {
    if (e.event !== rule.event) continue;
    let list = byCase.get(e.caseId);
    if (!list) byCase.set(e.caseId, (list = []));
    list.push(e);
  }
  if (rule.kind === 'first_event') {
    return {
      rule,
      unit: 'case',
      rows: cases.map((c) => {
        const list = byCase.get(c.caseId) ?? [];
        // The first offer: unknown when any of them is undated (it could be the first).
        const target: DateCell = list.length === 0 ? null : list.some((e) => e.date === 'ukendt') ? 'ukendt' : list.map((e) => e.date).sort()[0]!;
        return { caseId: c.caseId, municipality: c.municipality, assessment: eligible(rule, c) ? assessDeadline(c.values[rule.anchor] as DateCell, target, rule.within, review(c)) : undefined };
      }),
    };
  }
  // Chain: each event against the previous one (the start date first, when there is one).
  const caseOf = new Map(cases.map((c) => [c.caseId, c]));
  const assessment = new Map<AuditEvent, Assessment | undefined>();
  for (const [caseId, list] of byCase) {
    const c = caseOf.get(caseId);
    if (!c) throw problems.invalidInput(`an event of "${rule.event}" belongs to the case "${caseId}", which is not among the cases`);
    if (!eligible(rule, c)) continue;
    const start = rule.start === undefined ? undefined : c.values[rule.start];
    if (rule.start !== undefined && start !== 'ukendt' && !isDate(start)) continue; // e.g. no signed contract: no unit
    // Order unknown when a date is unknown: every event of the case is then not assessable.
    if (start === 'ukendt' || list.some((e) => e.date === 'ukendt')) {
      list.forEach((e, k) => assessment.set(e, rule.start === undefined && k === 0 ? undefined : { outcome: 'not_assessable', done: false }));
      continue;
    }
    const sorted = [...list].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    sorted.forEach((e, k) => {
      const previous = k === 0 ? (start as IsoDate | undefined) : sorted[k - 1]!.date;
      assessment.set(e, previous === undefined ? undefined : assessDeadline(previous, e.date, rule.within, review(c)));
    });
  }
  const rows: UnitRow[] = [];
  for (const e of events) {
    if (e.event !== rule.event) continue;
    const c = caseOf.get(e.caseId)!;
    rows.push({ caseId: e.caseId, municipality: c.municipality, date: e.date, assessment: assessment.get(e) });
  }
  return { rule, unit: 'event', rows };
}
