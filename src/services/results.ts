/**
 * Results: the study report (tables and figure specs), the three researcher exports, the
 * free-text answers and response counts. The store's column table is read directly: no response
 * objects are built for a report.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import { codebookCsv, identifiesMunicipalities, responsesCsv, tableRows, tablesCsv } from '../export/exports.ts';
import { rSyntax, spssSyntax } from '../export/syntax.ts';
import { reportFigureImage } from '../charts/report-png.ts';
import { reportDocx } from '../export/docx.ts';
import { reportSpecs, type FigureSpec } from '../report/figures.ts';
import { reportTallySpec } from '../report/inputs.ts';
import { buildReport, type Report } from '../report/tables.ts';
import { ZWeighting, type TStudy } from '../survey/schema.ts';
import type { Context } from './context.ts';
import { studyStatuses } from './status.ts';
import { findStudy, frameOf, listStudies, locate, questionnaireVersions, studyEligibility, studyFrame } from './studies.ts';

const ZResultsQuery = z
  .object({
    weighting: ZWeighting.optional(),
    dialect: z.enum(['standard', 'excel-da']).optional(),
    identify: z.literal('municipality').optional(),
    figure: z.coerce.number().int().positive().optional(),
  })
  .strict();
export type TResultsQuery = z.infer<typeof ZResultsQuery>;

export function parseResultsQuery(query: unknown): TResultsQuery {
  const parsed = ZResultsQuery.safeParse(query);
  if (!parsed.success) {
    throw problems.invalidInput(
      'Unknown or invalid query parameter: weighting (none, equal, size, raked), dialect (standard, excel-da), identify (municipality), figure (a number).',
      issueDetails(parsed.error.issues, '(query)'),
    );
  }
  return parsed.data;
}

/** The secret of the export's cluster pseudonyms: made once per store, then stable. */
async function exportSecret(ctx: Context): Promise<string> {
  const existing = (await ctx.store.settings.read()).exportSecret;
  if (typeof existing === 'string' && existing.length > 0) return existing;
  const secret = randomBytes(32).toString('base64url');
  const updated = await ctx.store.settings.update((s) => {
    s.exportSecret ??= secret;
  });
  return updated.exportSecret!;
}

async function reportOf(ctx: Context, study: TStudy, query: TResultsQuery): Promise<Report> {
  // Rows with the responses' cell tallies (PostgreSQL aggregates them in SQL; the file store has its table).
  // Every published version's questions are tallied; the report spans the versions.
  const versions = await questionnaireVersions(ctx, study);
  const table = await ctx.store.responses.reportTable(reportTallySpec(study, versions));
  const eligible = await studyEligibility(ctx, study);
  return buildReport(study, frameOf(ctx.definitions, study), table, { eligible, versions, ...(query.weighting ? { weighting: query.weighting } : {}) });
}

export async function studyReport(ctx: Context, studyId: string, query: TResultsQuery): Promise<{ study: TStudy; report: Report }> {
  const study = await findStudy(ctx, studyId);
  return { study, report: await reportOf(ctx, study, query) };
}

/** The report's tables as JSON rows (GET /api/v1/studies/:study/tables). */
export async function tablesJson(ctx: Context, studyId: string, query: TResultsQuery) {
  const { study, report } = await studyReport(ctx, studyId, query);
  return {
    study: study.id,
    weighting: report.weighting,
    weightingNote: report.weightingNote,
    minCellSize: report.minCellSize,
    respondents: report.respondents,
    rows: tableRows(report),
    differences: report.figures.flatMap((f) => (f.difference ? [{ figure: f.figure, ...f.difference }] : [])),
    /** The figures whose question changed between published versions, with the notes under them (Danish). */
    changes: report.figures.flatMap((f) => (f.changes.length > 0 ? [{ figure: f.figure, question: f.question, notes: f.changes }] : [])),
  };
}

export interface CsvFile {
  filename: string;
  text: string;
  /** The file names municipalities or lets them be worked out (responses.csv with identify=municipality, or size/raked weights). */
  identifying?: boolean;
}

/** `<study>-<what>.csv`, or `<study>-<what>-excel-da.csv` in the Danish Excel dialect: the two never overwrite each other. */
function csvName(study: string, what: string, dialect: TResultsQuery['dialect']): string {
  return `${study}-${what}${dialect === 'excel-da' ? '-excel-da' : ''}.csv`;
}

export async function responsesExport(ctx: Context, studyId: string, query: TResultsQuery): Promise<CsvFile> {
  const study = await findStudy(ctx, studyId);
  const responses = await ctx.store.responses.list({ study: study.id });
  const options = {
    weighting: query.weighting ?? study.weighting,
    secret: await exportSecret(ctx),
    identifyMunicipality: query.identify === 'municipality',
    ...(query.dialect ? { dialect: query.dialect } : {}),
    versions: await questionnaireVersions(ctx, study),
  };
  const text = responsesCsv(study, await studyFrame(ctx, study), responses, options);
  return { filename: csvName(study.id, 'responses', query.dialect), text, identifying: identifiesMunicipalities(options) };
}

export async function tablesExport(ctx: Context, studyId: string, query: TResultsQuery): Promise<CsvFile> {
  const { study, report } = await studyReport(ctx, studyId, query);
  if (query.figure !== undefined && !report.figures.some((f) => f.figure === query.figure)) throw problems.notFound(`Figure ${query.figure}`);
  return { filename: csvName(study.id, `tables${query.figure ? `-figur-${query.figure}` : ''}`, query.dialect), text: tablesCsv(report, query.dialect ?? 'standard', query.figure) };
}

export interface BinaryFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** `-<weighting>` in a download's name when it is not the study's own weighting (so two never overwrite each other). */
const weightingSuffix = (study: TStudy, report: Report) => (report.weighting === study.weighting ? '' : `-${report.weighting}`);

/** One figure of the report as PNG, by its id (`figur-7`, `bilag-rolle-ledere`), as on the report page. */
export async function reportFigurePng(ctx: Context, studyId: string, figureId: string, query: TResultsQuery): Promise<BinaryFile> {
  const { study, report } = await studyReport(ctx, studyId, query);
  const spec = reportSpecs(report).find((s) => s.id === figureId);
  if (!spec) throw problems.notFound(`Figure "${figureId}" of the study "${study.id}"`);
  return { filename: `${study.id}-${spec.id}${weightingSuffix(study, report)}.png`, contentType: 'image/png', bytes: reportFigureImage(spec).png };
}

/** The whole report as a Word document, its figures drawn by the same renderer as the PNGs. */
export async function reportDocxExport(ctx: Context, studyId: string, query: TResultsQuery): Promise<BinaryFile> {
  const { study, report } = await studyReport(ctx, studyId, query);
  const demo = (await ctx.store.settings.read()).demo !== undefined;
  // Between figures the server answers other requests (drawing one takes a fraction of a second).
  const render = async (spec: FigureSpec) => {
    await new Promise((resolve) => setImmediate(resolve));
    return reportFigureImage(spec, { bare: true });
  };
  const bytes = await reportDocx({ title: study.title, report, demo }, render);
  return { filename: `${study.id}-rapport${weightingSuffix(study, report)}.docx`, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes };
}

/** The R or SPSS syntax that reads this study's responses.csv (standard dialect) with labels and the design. */
export async function syntaxExport(ctx: Context, studyId: string, language: 'R' | 'sps'): Promise<CsvFile> {
  const study = await findStudy(ctx, studyId);
  const csv = csvName(study.id, 'responses', 'standard');
  const versions = await questionnaireVersions(ctx, study);
  return language === 'R'
    ? { filename: `${study.id}-responses.R`, text: rSyntax(study, csv, versions) }
    : { filename: `${study.id}-responses.sps`, text: spssSyntax(study, csv, versions) };
}

export async function codebookExport(ctx: Context, studyId: string, query: TResultsQuery): Promise<CsvFile> {
  const study = await findStudy(ctx, studyId);
  return { filename: csvName(study.id, 'codebook', query.dialect), text: codebookCsv(study, query.dialect ?? 'standard', await questionnaireVersions(ctx, study)) };
}

/**
 * Free-text answers ("Andet, angiv" and text questions) of a questionnaire, each list sorted
 * alphabetically: no municipality, no submission order, so a text cannot be lined up with anything.
 * Every published version's fields: the latest version's, then those only earlier versions asked
 * (each labelled as the latest version that has it).
 */
export async function freeTexts(ctx: Context, studyId: string, questionnaireId: string) {
  const at = await locate(ctx, studyId, questionnaireId);
  const versions = (await questionnaireVersions(ctx, at.study)).get(at.questionnaire.id) ?? [at.questionnaire];
  const table = await ctx.store.responses.table();
  const rows = table.rows({ study: at.study.id, questionnaire: at.questionnaire.id });
  const seen = new Set<string>();
  const fields = [...versions]
    .reverse()
    .flatMap((version) => version.sections.flatMap((section) => section.questions))
    .flatMap((q) => {
      const keys: { key: string; label: string }[] = [];
      if (q.type === 'text') keys.push({ key: q.id, label: q.text });
      if ('options' in q) for (const o of q.options.filter((x) => x.other)) keys.push({ key: `${q.id}_other`, label: `${q.text} – »${o.label}«` });
      return keys.filter((k) => !seen.has(k.key) && seen.add(k.key));
    })
    .map(({ key, label }) => ({ key, label, texts: table.texts(key, rows).sort((a, b) => a.localeCompare(b, 'da')) }));
  return { at, responses: rows.length, fields };
}

/** Every study with each questionnaire's status and response count (the evaluator's start page). */
export async function studiesOverview(ctx: Context) {
  return Promise.all(
    (await listStudies(ctx)).map(async (study) => {
      const statuses = await studyStatuses(ctx, study);
      const counts = await Promise.all(study.questionnaires.map((q) => ctx.store.responses.count({ study: study.id, questionnaire: q.id })));
      return { study, questionnaires: study.questionnaires.map((q, i) => ({ q, status: statuses[i]!, responses: counts[i]! })) };
    }),
  );
}

export async function responseCount(ctx: Context, studyId: string, questionnaireId: string) {
  const at = await locate(ctx, studyId, questionnaireId);
  return { study: at.study.id, questionnaire: at.questionnaire.id, responses: await ctx.store.responses.count({ study: at.study.id, questionnaire: at.questionnaire.id }) };
}
