/**
 * A measure as a column over its rule's units: a category per unit (null = outside the base) or a
 * number of days (null = outside the mean). Pure.
 */
import { problems } from '../errors.ts';
import { addDuration } from './dates.ts';
import type { AuditCase, AuditEvent } from './csv.ts';
import type { TAuditDefinition, TMeasure } from './schema.ts';
import { applyRule, type RuleUnits, type UnitRow } from './units.ts';

export type MeasureColumn =
  | { kind: 'categorical'; measure: TMeasure; unit: 'case' | 'event'; rows: UnitRow[]; categories: string[]; values: (string | null)[] }
  | { kind: 'mean'; measure: TMeasure; unit: 'case' | 'event'; rows: UnitRow[]; values: (number | null)[] };

export function measureColumn(definition: TAuditDefinition, measure: TMeasure, cases: readonly AuditCase[], events: readonly AuditEvent[]): MeasureColumn {
  if (measure.kind === 'field') {
    const rows: UnitRow[] = cases.map((c) => ({ caseId: c.caseId, municipality: c.municipality, assessment: undefined }));
    const values = cases.map((c) => {
      const v = c.values[measure.field];
      const ok = measure.eligible.every((cond) => c.values[cond.field] === cond.equals);
      return ok && (v === 'ja' || v === 'nej') ? v : null;
    });
    return { kind: 'categorical', measure, unit: 'case', rows, categories: ['ja', 'nej'], values };
  }
  const rule = definition.rules.find((r) => r.id === measure.rule);
  if (!rule) throw problems.invalidInput(`the measure "${measure.id}" names the rule "${measure.rule}", which the audit does not have`);
  const units: RuleUnits = applyRule(definition, rule, cases, events);
  const { rows, unit } = units;
  if (measure.kind === 'outcome') {
    const categories = ['on_time', 'late', ...(measure.lateNotDone ? [measure.lateNotDone] : []), ...(measure.notAssessable ? [measure.notAssessable] : [])];
    const values = rows.map(({ assessment: a }) => {
      if (!a) return null;
      if (a.outcome === 'on_time') return 'on_time';
      if (a.outcome === 'late') return a.done ? 'late' : (measure.lateNotDone ?? 'late');
      if (a.outcome === 'not_assessable') return measure.notAssessable ?? null;
      return null;
    });
    return { kind: 'categorical', measure, unit, rows, categories, values };
  }
  if (measure.kind === 'delay_bands') {
    const categories = [...measure.bands.map((b) => b.id), ...(measure.notDone ? [measure.notDone] : [])];
    const values = rows.map(({ assessment: a }) => {
      if (!a || a.outcome !== 'late') return null;
      if (!a.done) return measure.notDone ?? null;
      const band = measure.bands.find((b) => b.upTo === undefined || a.target! <= addDuration(a.deadline!, b.upTo));
      return band!.id;
    });
    return { kind: 'categorical', measure, unit, rows, categories, values };
  }
  const among = new Set<string>(measure.among);
  const values = rows.map(({ assessment: a }) => (a && a.done && among.has(a.outcome) ? (measure.from === 'anchor' ? a.days! : a.delay!) : null));
  return { kind: 'mean', measure, unit, rows, values };
}
