/**
 * Respondent pages in open-link mode: front page, landing page, one page per section (the shared
 * flow in flow.ts, the respondent choosing the municipality), thank-you page.
 * Nothing is stored until the last page validates in full; then the response is durable before the redirect.
 */
import { Router } from 'express';
import { problems } from '../errors.ts';
import { FirstPageCache, joinPage } from './first-page.ts';
import { encodeFlowState, newFlowState } from './flow-state.ts';
import { firstPageView, handlePagePost, pageIndexOf, type FlowOptions } from './flow.ts';
import { fieldworkStatus, locate, type Located } from './lookup.ts';
import type { Store } from '../storage/index.ts';
import type { Definitions } from '../survey/load.ts';

export { pruneHidden } from './flow.ts';

function requireOpen(at: Located): void {
  if (fieldworkStatus(at.study) !== 'open') {
    throw problems.gone(`The questionnaire "${at.questionnaire.id}" is not open for answers.`);
  }
}

export function respondentRoutes(defs: Definitions, store: Store, firstPages = new FirstPageCache()): Router {
  const router = Router();

  const openLink = (at: Located): FlowOptions => {
    const base = `/s/${at.study.id}/${at.questionnaire.id}`;
    return {
      at,
      base,
      startUrl: base,
      submit: async (response, submissionId) => {
        await store.responses.add(response, submissionId);
        return `${base}/tak`;
      },
    };
  };

  router.get('/', (_req, res) => {
    const studies = defs.studies.map((study) => ({ study, status: fieldworkStatus(study) }));
    res.render('index', { title: 'Spørgeskemaer', studies });
  });

  router.get('/s/:study/:questionnaire', (req, res) => {
    const at = locate(defs, req.params.study, req.params.questionnaire);
    res.render('landing', {
      title: at.questionnaire.title,
      study: at.study,
      questionnaire: at.questionnaire,
      status: fieldworkStatus(at.study),
      startUrl: `/s/${at.study.id}/${at.questionnaire.id}/p/1`,
    });
  });

  router.get('/s/:study/:questionnaire/p/:n', (req, res, next) => {
    const at = locate(defs, req.params.study, req.params.questionnaire);
    requireOpen(at);
    const index = pageIndexOf(at.questionnaire, req.params.n);
    if (index === undefined) throw problems.notFound('The page');
    if (index !== 0) {
      // Later pages only exist as answers to a posted form; without it, start from the landing page.
      res.redirect(303, `/s/${at.study.id}/${at.questionnaire.id}`);
      return;
    }
    const options = openLink(at);
    const key = FirstPageCache.key(options.base, res.locals.demo);
    const cached = firstPages.get(at.questionnaire, key);
    if (cached) {
      // The same HTML a fresh render gives (see first-page.ts), with this visitor's own state.
      res.send(joinPage(cached, encodeFlowState(newFlowState())));
      return;
    }
    const view = firstPageView(options);
    res.status(view.status).render('page', view.locals, (err: unknown, html: string) => {
      if (err) return next(err);
      if (cached === undefined) firstPages.learn(at.questionnaire, key, html, view.locals.state);
      res.send(html);
    });
  });

  router.post('/s/:study/:questionnaire/p/:n', async (req, res) => {
    const at = locate(defs, req.params.study, req.params.questionnaire);
    requireOpen(at);
    const index = pageIndexOf(at.questionnaire, req.params.n);
    if (index === undefined) throw problems.notFound('The page');
    await handlePagePost(res, openLink(at), index, (req.body ?? {}) as Record<string, unknown>);
  });

  router.get('/s/:study/:questionnaire/tak', (req, res) => {
    const at = locate(defs, req.params.study, req.params.questionnaire);
    res.render('thanks', { title: 'Tak for dine svar', questionnaire: at.questionnaire, study: at.study });
  });

  return router;
}
