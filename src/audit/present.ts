/**
 * The audit's results and a case's outcomes in words and figures, for the evaluator's pages and
 * the PNG figures (Danish labels, "pct."). Pure. Municipalities never appear by name here.
 */
import type { FigureSpec } from '../report/figures.ts';
import type { AuditCase, AuditEvent } from './records.ts';
import { durationText } from './dates.ts';
import type { Outcome } from './deadline.ts';
import type { AuditResults, ResultRow } from './estimates.ts';
import { danishDate } from './form.ts';
import type { TAuditDefinition, TMeasure, TRule } from './schema.ts';
import { applyRule } from './units.ts';

const CATEGORY_LABELS: Record<string, string> = {
  on_time: 'Rettidigt',
  late: 'For sent',
  unknown: 'Ukendt',
  not_signed: 'Ikke underskrevet',
  not_delivered: 'Ikke leveret',
  late_not_done: 'Ikke sket',
  within_1_month: 'Inden for 1 måned efter fristen',
  within_4_weeks: 'Inden for 4 uger efter fristen',
  '1_to_3_months': '1–3 måneder efter fristen',
  over_3_months: 'Mere end 3 måneder efter fristen',
  over_4_weeks: 'Mere end 4 uger efter fristen',
  no_offer: 'Intet tilbud',
  ja: 'Ja',
  nej: 'Nej',
};

export function categoryLabel(code: string): string {
  return CATEGORY_LABELS[code] ?? code.replace(/_/g, ' ');
}

const OUTCOME_LABELS: Record<Outcome, string> = { on_time: 'Rettidigt', late: 'For sent', not_yet_due: 'Fristen er ikke overskredet endnu', not_assessable: 'Kan ikke vurderes (en dato er ukendt)' };

export interface CaseOutcome {
  rule: string;
  /** The unit: the case, or an event by its number and date. */
  unit: string;
  outcome: string;
  deadline?: string;
}

/** Every rule applied to one case: what a user sees under the form once the dates are in. */
export function caseOutcomes(definition: TAuditDefinition, kase: AuditCase, events: readonly AuditEvent[]): CaseOutcome[] {
  const out: CaseOutcome[] = [];
  for (const rule of definition.rules) {
    const units = applyRule(definition, rule, [kase], events.filter((e) => e.caseId === kase.caseId));
    units.rows.forEach((row, k) => {
      const a = row.assessment;
      const label = units.unit === 'case' ? 'Sagen' : `${definition.events.find((e) => 'event' in rule && e.id === rule.event)?.label ?? 'Hændelse'} ${k + 1} (${row.date === 'ukendt' ? 'ukendt dato' : danishDate(row.date!)})`;
      if (!a) {
        if (units.unit === 'case') out.push({ rule: rule.text, unit: label, outcome: 'Indgår ikke (sagen er ikke omfattet)' });
        return;
      }
      const late = a.outcome === 'late' && !a.done ? 'For sent (ikke sket ved gennemgangen)' : OUTCOME_LABELS[a.outcome];
      out.push({ rule: rule.text, unit: label, outcome: late, ...(a.deadline ? { deadline: danishDate(a.deadline) } : {}) });
    });
  }
  return out;
}

/** The rule of a measure in words, with its deadline. */
export function ruleText(definition: TAuditDefinition, measure: TMeasure): string {
  if (measure.kind === 'field') return `Andel af de sager, hvor det er oplyst: ${definition.fields.find((f) => f.id === measure.field)?.label ?? measure.field}.`;
  const rule = definition.rules.find((r) => r.id === measure.rule) as TRule;
  const bits = [`${rule.text} (frist: ${durationText(rule.within)}; en dato på fristens dag er rettidig).`];
  if (measure.kind === 'delay_bands') bits.push('Basis: sager, hvor fristen blev overskredet.');
  if (measure.kind === 'outcome' && measure.notAssessable) bits.push('Sager med en ukendt dato vises som »Ukendt«.');
  else if (measure.kind === 'outcome') bits.push('Sager med en ukendt dato indgår ikke; det gør sager, hvor fristen endnu ikke er overskredet, heller ikke.');
  return bits.join(' ');
}

export interface AuditFigure {
  spec: FigureSpec;
  measure: TMeasure;
  rows: ResultRow[];
  baseN: number;
  rule: string;
}

/** One figure per measure with a figure number: horizontal bars of the shares, the caption with N. */
export function auditFigures(definition: TAuditDefinition, results: AuditResults): AuditFigure[] {
  const out: AuditFigure[] = [];
  for (const measure of definition.measures) {
    if (!('figure' in measure) || !measure.figure) continue;
    const rows = results.rows.filter((r) => r.measure === measure.id);
    const baseN = rows[0]?.baseN ?? 0;
    out.push({
      measure,
      rows,
      baseN,
      rule: ruleText(definition, measure),
      spec: {
        id: `figur-${measure.figure}`,
        number: `Figur ${measure.figure}`,
        title: measure.title,
        categories: rows.map((r) => categoryLabel(r.category)),
        series: baseN > 0 ? [{ label: 'Andel', colour: 0, values: rows.map((r) => (Number.isFinite(r.estimate) ? r.estimate : null)) }] : [],
        unit: 'share',
        caption: `${definition.caption} (N=${baseN})`,
        notes: [],
      },
    });
  }
  return out;
}

/** The mean-days lines: title, mean, CI and n. */
export function meanLines(definition: TAuditDefinition, results: AuditResults): { title: string; row: ResultRow }[] {
  return definition.measures
    .filter((m) => m.kind === 'mean_days')
    .map((m) => ({ title: m.title, row: results.rows.find((r) => r.measure === m.id)! }))
    .filter((l) => l.row !== undefined);
}
