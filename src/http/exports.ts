/**
 * The report's downloads, the same under /admin and /api/v1: every one written to the activity log
 * (who, which study, which file) before it is sent.
 */
import type { Request, Response, Router } from 'express';
import type { Context } from '../services/context.ts';
import { codebookExport, parseResultsQuery, reportDocxExport, reportFigurePng, responsesExport, syntaxExport, tablesExport, type BinaryFile, type CsvFile } from '../services/results.ts';
import { allow } from './allow.ts';
import { record } from './auth.ts';
import { param, sendCsv } from './router.ts';

export async function sendLoggedCsv(ctx: Context, req: Request, res: Response, file: CsvFile | Promise<CsvFile>): Promise<void> {
  const csv = await file;
  const query = new URLSearchParams(req.query as Record<string, string>).toString();
  await record(ctx, res, 'export', { study: param(req, 'study'), detail: `${csv.filename}${query ? ` (${query.slice(0, 200)})` : ''}` });
  sendCsv(res, csv);
}

/** A PNG or Word download, logged as the CSV downloads are. */
export async function sendLoggedFile(ctx: Context, req: Request, res: Response, file: Promise<BinaryFile>): Promise<void> {
  const { filename, contentType, bytes } = await file;
  await record(ctx, res, 'export', { study: param(req, 'study'), detail: filename });
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(bytes);
}

/** Adds the report's downloads to `router`: figures as PNG and the Word document (viewers), the response exports and syntax files (evaluators), the tables (viewers). */
export function reportDownloadRoutes(router: Router, ctx: Context): void {
  const viewer = allow('viewer', { study: 'study' });
  const evaluator = allow('evaluator', { study: 'study' });
  const study = (req: Request) => param(req, 'study');
  router.get('/studies/:study/figures/:figure.png', viewer, async (req, res) => sendLoggedFile(ctx, req, res, reportFigurePng(ctx, study(req), param(req, 'figure'), parseResultsQuery(req.query))));
  router.get('/studies/:study/report.docx', viewer, async (req, res) => sendLoggedFile(ctx, req, res, reportDocxExport(ctx, study(req), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/responses.csv', evaluator, async (req, res) => sendLoggedCsv(ctx, req, res, responsesExport(ctx, study(req), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/tables.csv', viewer, async (req, res) => sendLoggedCsv(ctx, req, res, tablesExport(ctx, study(req), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/codebook.csv', evaluator, async (req, res) => sendLoggedCsv(ctx, req, res, codebookExport(ctx, study(req), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/responses.R', evaluator, async (req, res) => sendLoggedCsv(ctx, req, res, syntaxExport(ctx, study(req), 'R')));
  router.get('/studies/:study/exports/responses.sps', evaluator, async (req, res) => sendLoggedCsv(ctx, req, res, syntaxExport(ctx, study(req), 'sps')));
}
