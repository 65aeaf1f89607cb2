/**
 * Use cases of the case-file audit: the audits and their records, CSV import (refused whole, with
 * every problem by line, or applied all or nothing), the case form, the results and the exports.
 * The rules are src/audit's; the records are the store's (AuditPort).
 */
import { z } from 'zod';
import {
  auditResults,
  eventProblems,
  readCases,
  readEvents,
  type AuditCase,
  type AuditEvent,
  type AuditResults,
  type LineProblem,
  type TAuditDefinition,
} from '../audit/index.ts';
import type { SurvivalCurve } from '../audit/kaplan-meier.ts';
import { auditFigures } from '../audit/present.ts';
import type { AuditData } from '../audit/records.ts';
import { barFigurePng, stepFigurePng } from '../charts/png.ts';
import { issueDetails, problems, type Problem } from '../errors.ts';
import { toCsv, type Dialect } from '../export/csv.ts';
import type { Context } from './context.ts';
import type { CsvFile } from './results.ts';

export function auditsOf(ctx: Context): readonly TAuditDefinition[] {
  return ctx.definitions.audits ?? [];
}

export function findAudit(ctx: Context, id: string): TAuditDefinition {
  const audit = auditsOf(ctx).find((a) => a.id === id);
  if (!audit) throw problems.notFound(`The audit "${id}"`);
  return audit;
}

export interface AuditSummary {
  audit: TAuditDefinition;
  cases: number;
  events: number;
}

export async function auditsOverview(ctx: Context): Promise<AuditSummary[]> {
  return Promise.all(
    auditsOf(ctx).map(async (audit) => {
      const data = await ctx.store.audits.read(audit.id);
      return { audit, cases: data.cases.length, events: data.events.length };
    }),
  );
}

export async function auditRecords(ctx: Context, auditId: string): Promise<{ audit: TAuditDefinition } & AuditData> {
  const audit = findAudit(ctx, auditId);
  return { audit, ...(await ctx.store.audits.read(audit.id)) };
}

export type ImportOutcome = { ok: true; created: number; updated: number; events: number } | { ok: false; problems: LineProblem[]; problem: Problem };

/** Thrown inside a plan to refuse the change (the store then changes nothing). */
export class Refused extends Error {
  constructor(readonly problems: LineProblem[]) {
    super('refused');
  }
}

function refused(file: string, list: LineProblem[]): ImportOutcome {
  const details = list.map((p) => ({ path: `line ${p.line}${p.column ? `: ${p.column}` : ''}`, message: p.message }));
  return { ok: false, problems: list, problem: problems.fileRefused(file, details) };
}

function csvText(body: unknown, file: string): string {
  if (typeof body !== 'string') throw problems.invalidInput(`Send ${file} as the request body with "Content-Type: text/csv".`);
  return body;
}

async function run(ctx: Context, audit: TAuditDefinition, file: string, plan: (current: AuditData) => { cases: AuditCase[]; eventsOf: string[]; events: AuditEvent[] }): Promise<ImportOutcome> {
  try {
    return { ok: true, ...(await ctx.store.audits.update(audit.id, plan)) };
  } catch (error) {
    if (error instanceof Refused) return refused(file, error.problems);
    throw error;
  }
}

/**
 * Imports `cases.csv`: every case stored or, by its case id, updated. A case whose stored events
 * would break a rule with its new dates (a follow-up after the new review date) is refused too.
 */
export async function importCases(ctx: Context, auditId: string, body: unknown): Promise<ImportOutcome> {
  const audit = findAudit(ctx, auditId);
  const read = readCases(audit, csvText(body, 'cases.csv'));
  if (!read.ok) return refused('cases.csv', read.problems);
  return run(ctx, audit, 'cases.csv', (current) => {
    const list: LineProblem[] = [];
    read.records.forEach((c, k) => {
      for (const e of current.events.filter((x) => x.caseId === c.caseId)) {
        for (const p of eventProblems(audit, e, c)) list.push({ line: read.lines[k]!, message: `a stored ${e.event} of the case: ${p.message}; correct events.csv first` });
      }
    });
    if (list.length > 0) throw new Refused(list);
    return { cases: read.records, eventsOf: [], events: [] };
  });
}

/** Imports `events.csv`: the events of every case named in the file replace that case's stored events. */
export async function importEvents(ctx: Context, auditId: string, body: unknown): Promise<ImportOutcome> {
  const audit = findAudit(ctx, auditId);
  const text = csvText(body, 'events.csv');
  return run(ctx, audit, 'events.csv', (current) => {
    const read = readEvents(audit, text, current.cases);
    if (!read.ok) throw new Refused(read.problems);
    return { cases: [], eventsOf: [...new Set(read.records.map((e) => e.caseId))], events: read.records };
  });
}

export async function resultsOf(ctx: Context, auditId: string): Promise<{ audit: TAuditDefinition; data: AuditData; results: AuditResults }> {
  const { audit, ...data } = await auditRecords(ctx, auditId);
  return { audit, data, results: auditResults(audit, data.cases, data.events) };
}

const ZExportQuery = z.strictObject({ dialect: z.enum(['standard', 'excel-da']).optional() });

export function parseExportQuery(query: unknown): { dialect: Dialect } {
  const parsed = ZExportQuery.safeParse(query);
  if (!parsed.success) throw problems.invalidInput('Unknown or invalid query parameter: dialect (standard, excel-da).', issueDetails(parsed.error.issues, '(query)'));
  return { dialect: parsed.data.dialect ?? 'standard' };
}

/** `results.csv`: one row per measure and category: figure,measure,category,n,base_n,estimate,se,ci_low,ci_high. */
export async function resultsCsv(ctx: Context, auditId: string, query: unknown): Promise<CsvFile> {
  const { dialect } = parseExportQuery(query);
  const { audit, results } = await resultsOf(ctx, auditId);
  const text = toCsv(
    results.rows,
    [
      { label: 'figure', value: (r) => r.figure },
      { label: 'measure', value: (r) => r.measure },
      { label: 'category', value: (r) => r.category },
      { label: 'n', value: (r) => r.n },
      { label: 'base_n', value: (r) => r.baseN },
      { label: 'estimate', value: (r) => r.estimate },
      { label: 'se', value: (r) => r.se },
      { label: 'ci_low', value: (r) => r.ciLow },
      { label: 'ci_high', value: (r) => r.ciHigh },
    ],
    dialect,
  );
  return { filename: `${audit.id}-results.csv`, text };
}

/** A date cell as the import format writes it (Danish Excel: dd-mm-yyyy). */
function dateOut(value: string | null | undefined, dialect: Dialect): string {
  if (value === null || value === undefined) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m && dialect === 'excel-da' ? `${m[3]}-${m[2]}-${m[1]}` : value;
}

/** `cases.csv` in the import format (the header of the definition's fields). */
export async function casesCsv(ctx: Context, auditId: string, query: unknown): Promise<CsvFile> {
  const { dialect } = parseExportQuery(query);
  const { audit, cases } = await auditRecords(ctx, auditId);
  const text = toCsv(
    cases,
    [
      { label: 'case_id', value: (c) => c.caseId },
      { label: 'municipality', value: (c) => c.municipality },
      ...audit.fields.map((f) => ({ label: f.id, value: (c: AuditCase) => dateOut(c.values[f.id], dialect) })),
    ],
    dialect,
  );
  return { filename: `${audit.id}-cases.csv`, text };
}

/** `events.csv` in the import format. */
export async function eventsCsv(ctx: Context, auditId: string, query: unknown): Promise<CsvFile> {
  const { dialect } = parseExportQuery(query);
  const { audit, events } = await auditRecords(ctx, auditId);
  const text = toCsv(
    events,
    [
      { label: 'case_id', value: (e) => e.caseId },
      { label: 'event', value: (e) => e.event },
      { label: 'date', value: (e) => dateOut(e.date, dialect) },
    ],
    dialect,
  );
  return { filename: `${audit.id}-events.csv`, text };
}

/** A figure of the audit as PNG: a figure number (`11`) or `km` (the Kaplan–Meier curve). */
export async function figurePng(ctx: Context, auditId: string, figure: string): Promise<{ filename: string; png: Buffer }> {
  const { audit, results } = await resultsOf(ctx, auditId);
  if (figure === 'km') {
    const km = results.survival;
    if (!audit.survival || !km || km.time.length === 0) throw problems.notFound(`The Kaplan–Meier figure of the audit "${audit.id}"`);
    return { filename: `${audit.id}-km.png`, png: stepFigurePng(kmFigure(audit, km)) };
  }
  const found = auditFigures(audit, results).find((f) => f.measure.kind !== 'mean_days' && 'figure' in f.measure && f.measure.figure === figure);
  if (!found) throw problems.notFound(`Figure ${figure} of the audit "${audit.id}"`);
  return { filename: `${audit.id}-figur-${figure}.png`, png: barFigurePng(found.spec) };
}

/** The Kaplan–Meier curve as a step figure (starting at day 0, 100 pct.). */
export function kmFigure(audit: TAuditDefinition, km: SurvivalCurve) {
  return {
    number: '',
    title: audit.survival!.title,
    x: [0, ...km.time],
    y: [1, ...km.survival],
    xLabel: 'Dage efter overtagelsen',
    yLabel: 'Andel uden kontrakt',
    caption: `${audit.caption} (N=${km.n})`,
  };
}
