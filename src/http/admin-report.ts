/** The report page (evaluator session) and its downloads (CSV, each figure as PNG, the Word document), under /admin. */
import type { Request, Response } from 'express';
import type { Context } from '../services/context.ts';
import { codebookExport, parseResultsQuery, reportDocxExport, reportFigurePng, responsesExport, studyReport, syntaxExport, tablesExport, type BinaryFile } from '../services/results.ts';
import { appendixSpec, danishNumber, danishP, danishPercent, figureSpec } from '../report/figures.ts';
import { weightingLabels } from '../report/weighting.ts';
import { allow } from './allow.ts';
import { provideCsrfToken, record } from './auth.ts';
import { sendLoggedCsv } from './exports.ts';
import { newRouter, param } from './router.ts';

/** A PNG or Word download, written to the activity log (as the CSV downloads are) before it is sent. */
export async function sendLoggedFile(ctx: Context, req: Request, res: Response, file: Promise<BinaryFile>): Promise<void> {
  const { filename, contentType, bytes } = await file;
  await record(ctx, res, 'export', { study: param(req, 'study'), detail: filename });
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(bytes);
}

export function reportAdminRoutes(ctx: Context) {
  const router = newRouter();

  router.get('/studies/:study/report', allow('viewer', { study: 'study' }), provideCsrfToken(ctx), async (req, res) => {
    const { study, report } = await studyReport(ctx, param(req, 'study'), parseResultsQuery(req.query));
    const figures = report.figures.map((f) => ({ table: f, spec: figureSpec(report, f) }));
    const appendix = report.appendix.map((a, i) => ({ table: a, spec: appendixSpec(a, i, report) }));
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
      pValue: danishP,
      query: report.weighting === study.weighting ? '' : `?weighting=${report.weighting}`,
    });
  });

  router.get('/studies/:study/figures/:figure.png', allow('viewer', { study: 'study' }), async (req, res) => sendLoggedFile(ctx, req, res, reportFigurePng(ctx, param(req, 'study'), param(req, 'figure'), parseResultsQuery(req.query))));
  router.get('/studies/:study/report.docx', allow('viewer', { study: 'study' }), async (req, res) => sendLoggedFile(ctx, req, res, reportDocxExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/responses.csv', allow('evaluator', { study: 'study' }), async (req, res) => sendLoggedCsv(ctx, req, res, await responsesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/tables.csv', allow('viewer', { study: 'study' }), async (req, res) => sendLoggedCsv(ctx, req, res, await tablesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/codebook.csv', allow('evaluator', { study: 'study' }), (req, res) => sendLoggedCsv(ctx, req, res, codebookExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/responses.R', allow('evaluator', { study: 'study' }), (req, res) => sendLoggedCsv(ctx, req, res, syntaxExport(ctx, param(req, 'study'), 'R')));
  router.get('/studies/:study/exports/responses.sps', allow('evaluator', { study: 'study' }), (req, res) => sendLoggedCsv(ctx, req, res, syntaxExport(ctx, param(req, 'study'), 'sps')));
  return router;
}
