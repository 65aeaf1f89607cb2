/**
 * Results: the report page (evaluator session) and the CSV/JSON exports (session in the UI,
 * `Authorization: Bearer <API key>` on the API). Thin: parse the query with zod, call
 * src/report and src/export, render or send.
 */
import { randomBytes } from 'node:crypto';
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { problems } from '../errors.ts';
import { codebookCsv, responsesCsv, tableRows, tablesCsv } from '../export/exports.ts';
import { appendixSpec, danishNumber, danishPercent, figureSpec } from '../report/figures.ts';
import { buildReport, type Report } from '../report/tables.ts';
import { weightingLabels } from '../report/weighting.ts';
import type { Store } from '../storage/index.ts';
import type { Definitions } from '../survey/load.ts';
import { ZWeighting, type TStudy } from '../survey/schema.ts';
import { hasValidSession, provideCsrfToken, requireAdminPage, requireApiKey } from './auth.ts';
import { findStudy } from './lookup.ts';

const ZExportQuery = z
  .object({
    weighting: ZWeighting.optional(),
    dialect: z.enum(['standard', 'excel-da']).optional(),
    identify: z.literal('municipality').optional(),
    figure: z.coerce.number().int().positive().optional(),
  })
  .strict();
type ExportQuery = z.infer<typeof ZExportQuery>;

function parseQuery(query: unknown): ExportQuery {
  const parsed = ZExportQuery.safeParse(query);
  if (!parsed.success) {
    throw problems.invalidInput(
      'Unknown or invalid query parameter: weighting (none, equal, size, raked), dialect (standard, excel-da), identify (municipality), figure (a number).',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(query)', message: i.message })),
    );
  }
  return parsed.data;
}

async function exportSecret(store: Store): Promise<string> {
  const existing = store.settings.read().exportSecret;
  if (typeof existing === 'string' && existing.length > 0) return existing;
  const secret = randomBytes(32).toString('base64url');
  await store.settings.update((s) => {
    s.exportSecret ??= secret;
  });
  return store.settings.read().exportSecret!;
}

async function reportFor(defs: Definitions, store: Store, study: TStudy, query: ExportQuery): Promise<Report> {
  const frame = defs.frames.get(study.frame)!;
  // The store's column table: no response objects are built for a report.
  return buildReport(study, frame, store.responses.table, query.weighting ? { weighting: query.weighting } : {});
}

function sendCsv(res: Response, filename: string, text: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(text);
}

/** The three CSV files, shared by the UI and the API. */
function exportHandlers(defs: Definitions, store: Store) {
  return {
    async responses(studyId: string, rawQuery: unknown, res: Response) {
      const study = findStudy(defs, studyId);
      const query = parseQuery(rawQuery);
      const frame = defs.frames.get(study.frame)!;
      const responses = await store.responses.list({ study: study.id });
      const text = responsesCsv(study, frame, responses, {
        weighting: query.weighting ?? study.weighting,
        secret: await exportSecret(store),
        identifyMunicipality: query.identify === 'municipality',
        ...(query.dialect ? { dialect: query.dialect } : {}),
      });
      sendCsv(res, `${study.id}-responses.csv`, text);
    },
    async tables(studyId: string, rawQuery: unknown, res: Response) {
      const study = findStudy(defs, studyId);
      const query = parseQuery(rawQuery);
      const report = await reportFor(defs, store, study, query);
      if (query.figure !== undefined && !report.figures.some((f) => f.figure === query.figure)) throw problems.notFound(`Figure ${query.figure}`);
      sendCsv(res, `${study.id}-tables${query.figure ? `-figur-${query.figure}` : ''}.csv`, tablesCsv(report, query.dialect ?? 'standard', query.figure));
    },
    async codebook(studyId: string, rawQuery: unknown, res: Response) {
      const study = findStudy(defs, studyId);
      const query = parseQuery(rawQuery);
      sendCsv(res, `${study.id}-codebook.csv`, codebookCsv(study, query.dialect ?? 'standard'));
    },
  };
}

/** Evaluator pages: /admin/studies/:study/report and the CSV downloads. */
export function reportAdminRoutes(defs: Definitions, store: Store): Router {
  const router = Router();
  const signedIn = requireAdminPage(store.settings);
  const csrfToken = provideCsrfToken(store.settings);
  const exports = exportHandlers(defs, store);
  const adminLocals: RequestHandler = (req, res, next) => {
    res.locals.admin = true;
    res.locals.signedIn = hasValidSession(req, store.settings);
    res.setHeader('Cache-Control', 'no-store');
    next();
  };

  router.get('/studies/:study/report', adminLocals, signedIn, csrfToken, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const query = parseQuery(req.query);
    const report = await reportFor(defs, store, study, query);
    const figures = report.figures.map((f) => ({ table: f, spec: figureSpec(report, f) }));
    const appendix = report.appendix.map((a, i) => ({ table: a, spec: appendixSpec(a, i) }));
    res.render('report/report', {
      title: `Resultater: ${study.title}`,
      study,
      report,
      figures,
      appendix,
      specs: [...figures.map((f) => f.spec), ...appendix.map((a) => a.spec)],
      weightings: Object.entries(weightingLabels),
      pct: danishPercent,
      num: danishNumber,
      query: report.weighting === study.weighting ? '' : `?weighting=${report.weighting}`,
    });
  });
  router.get('/studies/:study/exports/responses.csv', adminLocals, signedIn, (req, res) => exports.responses(String(req.params.study), req.query, res));
  router.get('/studies/:study/exports/tables.csv', adminLocals, signedIn, (req, res) => exports.tables(String(req.params.study), req.query, res));
  router.get('/studies/:study/exports/codebook.csv', adminLocals, signedIn, (req, res) => exports.codebook(String(req.params.study), req.query, res));
  return router;
}

/** API: the same files with the Bearer key, and the tables as JSON. */
export function reportApiRoutes(defs: Definitions, store: Store): Router {
  const router = Router();
  const evaluator = requireApiKey(store.settings);
  const exports = exportHandlers(defs, store);
  router.get('/studies/:study/exports/responses.csv', evaluator, (req, res) => exports.responses(String(req.params.study), req.query, res));
  router.get('/studies/:study/exports/tables.csv', evaluator, (req, res) => exports.tables(String(req.params.study), req.query, res));
  router.get('/studies/:study/exports/codebook.csv', evaluator, (req, res) => exports.codebook(String(req.params.study), req.query, res));
  router.get('/studies/:study/tables', evaluator, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const query = parseQuery(req.query);
    const report = await reportFor(defs, store, study, query);
    res.json({
      study: study.id,
      weighting: report.weighting,
      weightingNote: report.weightingNote,
      minCellSize: report.minCellSize,
      respondents: report.respondents,
      rows: tableRows(report),
      differences: report.figures.flatMap((f) => (f.difference ? [{ figure: f.figure, ...f.difference }] : [])),
    });
  });
  return router;
}
