/** The report page (evaluator session) and its CSV downloads, under /admin. */
import type { Context } from '../services/context.ts';
import { codebookExport, parseResultsQuery, responsesExport, studyReport, syntaxExport, tablesExport } from '../services/results.ts';
import { appendixSpec, danishNumber, danishP, danishPercent, figureSpec } from '../report/figures.ts';
import { weightingLabels } from '../report/weighting.ts';
import { adminArea, provideCsrfToken } from './auth.ts';
import { newRouter, sendCsv, param } from './router.ts';

export function reportAdminRoutes(ctx: Context) {
  const router = newRouter();
  const signedIn = adminArea(ctx.store.settings);

  router.get('/studies/:study/report', signedIn, provideCsrfToken(ctx.store.settings), async (req, res) => {
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

  router.get('/studies/:study/exports/responses.csv', signedIn, async (req, res) => sendCsv(res, await responsesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/tables.csv', signedIn, async (req, res) => sendCsv(res, await tablesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/codebook.csv', signedIn, (req, res) => sendCsv(res, codebookExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/responses.R', signedIn, (req, res) => sendCsv(res, syntaxExport(ctx, param(req, 'study'), 'R')));
  router.get('/studies/:study/exports/responses.sps', signedIn, (req, res) => sendCsv(res, syntaxExport(ctx, param(req, 'study'), 'sps')));
  return router;
}
