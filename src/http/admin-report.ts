/** The report page (evaluator session) and its downloads (CSV, each figure as PNG, the Word document), under /admin. */
import type { Context } from '../services/context.ts';
import { parseResultsQuery, studyReport } from '../services/results.ts';
import { appendixSpec, danishNumber, danishP, danishPercent, figureSpec } from '../report/figures.ts';
import { weightingLabels } from '../report/weighting.ts';
import { allow } from './allow.ts';
import { provideCsrfToken } from './csrf.ts';
import { reportDownloadRoutes } from './exports.ts';
import { newRouter, param } from './router.ts';


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

  reportDownloadRoutes(router, ctx);
  return router;
}
