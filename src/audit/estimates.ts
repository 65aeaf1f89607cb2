/**
 * The audit's estimates, with the municipalities as clusters and every case weighing the same
 * (R: `svydesign(ids = ~municipality, data = cases)`). A measure's base is a domain of that one
 * design over all the audit's cases (`subset()`), never a design rebuilt from the base's rows;
 * event units (follow-up contacts, offers) have their own design, one row per event of the kind.
 * Shares: `svymean` estimate and SE, Korn–Graubard CI (`svyciprop(method = "beta")`) through
 * src/estimation; means: `svymean` with a t interval on the domain's df (`confint(df = degf)`).
 * The variance is src/estimation's (`totalsCovariance`), not a second formula.
 */
import { makeDesign, estimateCategorical, totalsCovariance, tQuantile, type Design } from '../estimation/index.ts';
import { dfFromClusters } from '../estimation/design.ts';
import { problems } from '../errors.ts';
import type { AuditCase, AuditEvent } from './csv.ts';
import { daysBetween } from './dates.ts';
import { kaplanMeier, type SurvivalCurve } from './kaplan-meier.ts';
import { measureColumn, type MeasureColumn } from './measures.ts';
import type { TAuditDefinition } from './schema.ts';
import { applyRule } from './units.ts';

export interface ResultRow {
  figure: string;
  measure: string;
  /** A category, or `mean` for a mean. */
  category: string;
  /** Units in the category (a mean: units in its base). */
  n: number;
  baseN: number;
  /** A proportion 0–1, or a mean number of days. */
  estimate: number;
  se: number;
  df: number;
  ciLow: number;
  ciHigh: number;
}

/** One design per list of municipalities (a row per unit), every unit weighing 1. */
export function unitDesign(municipalities: readonly string[]): Design {
  return makeDesign({ weights: new Array<number>(municipalities.length).fill(1), cluster: municipalities });
}

/** Mean of the non-null values as a domain of the design: estimate, linearised SE, t interval on the domain's df. */
export function domainMean(design: Design, values: readonly (number | null)[], level = 0.95): { n: number; estimate: number; se: number; df: number; ciLow: number; ciHigh: number } {
  if (values.length !== design.n) throw problems.invalidInput(`domainMean: ${values.length} values for a design of ${design.n} rows`);
  let W = 0;
  let sum = 0;
  let n = 0;
  const mark = new Uint8Array(design.clusters);
  values.forEach((y, i) => {
    if (y === null) return;
    const w = design.weights[i]!;
    n += 1;
    W += w;
    sum += w * y;
    if (w > 0) mark[design.clusterIndex[i]!] = 2;
  });
  if (n === 0 || W === 0) return { n, estimate: NaN, se: NaN, df: NaN, ciLow: NaN, ciHigh: NaN };
  const mean = sum / W;
  const z = new Float64Array(design.n);
  values.forEach((y, i) => {
    if (y !== null) z[i] = (design.weights[i]! * (y - mean)) / W;
  });
  const se = Math.sqrt(Math.max(totalsCovariance(design, [z])[0]![0]!, 0));
  const df = dfFromClusters(design, mark);
  const t = df > 0 ? tQuantile(1 - (1 - level) / 2, df) : NaN;
  return { n, estimate: mean, se, df, ciLow: mean - t * se, ciHigh: mean + t * se };
}

export function estimateColumn(design: Design, column: MeasureColumn, level = 0.95): ResultRow[] {
  const figure = 'figure' in column.measure ? (column.measure.figure ?? '') : '';
  const measure = column.measure.id;
  if (column.kind === 'mean') {
    const m = domainMean(design, column.values, level);
    return [{ figure, measure, category: 'mean', n: m.n, baseN: m.n, estimate: m.estimate, se: m.se, df: m.df, ciLow: m.ciLow, ciHigh: m.ciHigh }];
  }
  const baseN = column.values.filter((v) => v !== null).length;
  if (baseN === 0) {
    return column.categories.map((category) => ({ figure, measure, category, n: 0, baseN, estimate: NaN, se: NaN, df: NaN, ciLow: NaN, ciHigh: NaN }));
  }
  const result = estimateCategorical(design, column.values, { categories: column.categories, ci: 'beta', level });
  return result.categories.map((c) => ({ figure, measure, category: c.category, n: c.n, baseN, estimate: c.estimate, se: c.se, df: c.df, ciLow: c.ciLow, ciHigh: c.ciHigh }));
}

/**
 * Counts and point estimates without a variance, for units from fewer than two municipalities
 * (one cluster gives no variance: R's lonely PSU); SE, df and CI are NaN (shown as blank / "–").
 */
export function countColumn(column: MeasureColumn): ResultRow[] {
  const figure = 'figure' in column.measure ? (column.measure.figure ?? '') : '';
  const measure = column.measure.id;
  const none = { se: NaN, df: NaN, ciLow: NaN, ciHigh: NaN };
  if (column.kind === 'mean') {
    const values = column.values.filter((v): v is number => v !== null);
    return [{ figure, measure, category: 'mean', n: values.length, baseN: values.length, estimate: values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN, ...none }];
  }
  const baseN = column.values.filter((v) => v !== null).length;
  return column.categories.map((category) => {
    const n = column.values.filter((v) => v === category).length;
    return { figure, measure, category, n, baseN, estimate: baseN ? n / baseN : NaN, ...none };
  });
}

export interface AuditResults {
  rows: ResultRow[];
  survival?: SurvivalCurve;
}

/** Every measure of the definition estimated, and the Kaplan–Meier curve when the definition has one. */
export function auditResults(definition: TAuditDefinition, cases: readonly AuditCase[], events: readonly AuditEvent[], level = 0.95): AuditResults {
  // One design over all cases; one per event kind over all its events (a chain rule's rows are every event of its kind).
  const designs = new Map<string, Design | undefined>();
  const designFor = (column: MeasureColumn): Design | undefined => {
    const rule = 'rule' in column.measure ? definition.rules.find((r) => r.id === (column.measure as { rule: string }).rule) : undefined;
    const key = column.unit === 'case' ? 'case' : `event:${rule && 'event' in rule ? rule.event : ''}`;
    if (!designs.has(key)) {
      const municipalities = column.rows.map((r) => r.municipality);
      designs.set(key, new Set(municipalities).size >= 2 ? unitDesign(municipalities) : undefined);
    }
    return designs.get(key);
  };
  const rows = definition.measures.flatMap((m) => {
    const column = measureColumn(definition, m, cases, events);
    const design = designFor(column);
    return design ? estimateColumn(design, column, level) : countColumn(column);
  });
  const survival = definition.survival ? survivalCurve(definition, definition.survival.rule, cases) : undefined;
  return { rows, ...(survival ? { survival } : {}) };
}

/**
 * Days from the rule's anchor to its target: done units are events at their days; units not done
 * are censored at the review date; units with an unknown date are left out. No units: an empty curve (n = 0).
 */
export function survivalCurve(definition: TAuditDefinition, ruleId: string, cases: readonly AuditCase[]): SurvivalCurve {
  const rule = definition.rules.find((r) => r.id === ruleId);
  if (!rule || rule.kind !== 'deadline') throw problems.invalidInput(`survivalCurve: no deadline rule "${ruleId}"`);
  const units = applyRule(definition, rule, cases, []);
  const time: number[] = [];
  const event: boolean[] = [];
  units.rows.forEach((row, i) => {
    const a = row.assessment;
    if (!a || a.outcome === 'not_assessable') return;
    if (a.done) {
      time.push(a.days!);
      event.push(true);
    } else {
      const c = cases[i]!;
      time.push(daysBetween(c.values[rule.anchor] as string, c.values[definition.reviewField] as string));
      event.push(false);
    }
  });
  if (time.length === 0) return { n: 0, time: [], nRisk: [], nEvent: [], nCensor: [], survival: [], stdErr: [], se: [] };
  return kaplanMeier(time, event);
}
