/**
 * Respondent pages in open-link mode: the front page, a questionnaire's landing page, one page per
 * section (services/respond.ts: every step checks the questionnaire's status), the thank-you page.
 * The pages carry earlier answers in a hidden field, so they are never cached.
 *
 * A valid POST of page n answers with the next page itself, not a redirect: its state (earlier
 * answers) cannot travel in a GET without putting answers in URLs (history, access logs). The page
 * shown names its own address: its form posts to it and `Content-Location` says so.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Context } from '../services/context.ts';
import { frontPage, openLinkLanding, openLinkPage, postOpenLinkPage } from '../services/respond.ts';
import { locate } from '../services/studies.ts';
import { allow } from './allow.ts';
import { appendCookie, cookieAttributes, parseCookies } from './cookies.ts';
import { formBody, newRouter, sendFlowStep, param } from './router.ts';

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

const SUBMITTED_COOKIE = 'sendt';

/**
 * A stored response leads to the thank-you page with a short-lived cookie scoped to that page's path
 * (it holds no id: nothing joins it to the response); without it the thank-you page is not shown.
 */
export function markSubmitted(req: Request, res: Response, thanksUrl: string): void {
  appendCookie(res, `${SUBMITTED_COOKIE}=1; ${cookieAttributes(req, 30 * 60, 'Lax', thanksUrl)}`);
}

export function wasSubmitted(req: Request): boolean {
  return parseCookies(req.headers.cookie).get(SUBMITTED_COOKIE) === '1';
}

export function respondentRoutes(ctx: Context) {
  const router = newRouter();

  router.get('/', allow('public'), noStore, async (_req, res) => {
    res.render('index', { title: 'Spørgeskemaer', studies: await frontPage(ctx) });
  });

  router.get('/s/:study/:questionnaire', allow('public'), noStore, async (req, res) => {
    const at = await openLinkLanding(ctx, param(req, 'study'), param(req, 'questionnaire'));
    res.render('landing', { title: at.questionnaire.title, study: at.study, questionnaire: at.questionnaire, startUrl: `/s/${at.study.id}/${at.questionnaire.id}/p/1` });
  });

  router.get('/s/:study/:questionnaire/p/:n', allow('public'), noStore, async (req, res) => {
    const step = await openLinkPage(ctx, param(req, 'study'), param(req, 'questionnaire'), param(req, 'n'));
    if (step.kind === 'redirect') return res.redirect(303, step.location);
    sendFlowStep(res, step);
  });

  router.post('/s/:study/:questionnaire/p/:n', allow('public'), noStore, async (req, res) => {
    const step = await postOpenLinkPage(ctx, param(req, 'study'), param(req, 'questionnaire'), param(req, 'n'), formBody(req.body));
    if (step.kind === 'page') res.setHeader('Content-Location', step.locals.action);
    if (step.kind === 'done') markSubmitted(req, res, step.location);
    sendFlowStep(res, step);
  });

  router.get('/s/:study/:questionnaire/tak', allow('public'), noStore, async (req, res) => {
    const at = await locate(ctx, param(req, 'study'), param(req, 'questionnaire'));
    if (!wasSubmitted(req)) return res.redirect(303, `/s/${at.study.id}/${at.questionnaire.id}`);
    res.render('thanks', { title: 'Tak for dine svar', questionnaire: at.questionnaire, study: at.study });
  });

  return router;
}
