/**
 * Invitation-link pages (/i/:token…): the landing page, the flow with the municipality fixed by
 * the link and drafts saved page by page (services/links.ts), the thank-you page. The resume code
 * that ties a draft to one browser is issued by the server into a cookie scoped to the link's path.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Context } from '../services/context.ts';
import { linkLanding, linkStartPage, linkThanks, postLinkPage, type ResumeCode } from '../services/links.ts';
import { parseCookies } from './cookies.ts';
import { allow } from './allow.ts';
import { markSubmitted, wasSubmitted } from './respondent.ts';
import { formBody, newRouter, sendFlowStep, param } from './router.ts';

function presented(req: Request): ReadonlyMap<string, string> {
  return parseCookies(req.headers.cookie);
}

/** The resume code in its place's cookie (path /i: a replaced link of the same place finds it). */
function keepResume(req: Request, res: Response, resume: ResumeCode, draftDays: number): void {
  if (!resume.issued) return;
  res.cookie(resume.cookie, resume.code, { path: '/i', httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: draftDays * 86_400_000 });
}

/**
 * Never cached; and the pages of a link (also its 404/410) lead to /i, not to the front page: the
 * front page's open links let anyone pick a municipality, which a link's recipient must not be sent to.
 */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.locals.home = { href: '/i', text: 'Om personlige links' };
  next();
};

export function linkRoutes(ctx: Context) {
  const router = newRouter();

  router.get('/i', allow('public'), noStore, (_req, res) => {
    res.render('fieldwork/link', {
      title: 'Personlige links',
      heading: 'Personlige links',
      text: 'Et personligt link sendes til én kommune og virker kun, så længe undersøgelsen er åben, og linket ikke er brugt op eller erstattet. Virker dit link ikke længere, så kontakt den, der sendte dig det, og bed om et nyt.',
    });
  });

  router.get('/i/:token', allow('public'), noStore, async (req, res) => {
    const { at, municipality, hasDraft } = await linkLanding(ctx, param(req, 'token'), presented(req));
    res.render('fieldwork/landing', { title: at.questionnaire.title, at, token: param(req, 'token'), municipality, draft: hasDraft });
  });

  router.get('/i/:token/p/1', allow('public'), noStore, async (req, res) => {
    const { step, resume } = await linkStartPage(ctx, param(req, 'token'), presented(req), req.query.forfra !== undefined);
    keepResume(req, res, resume, ctx.draftDays);
    sendFlowStep(res, step);
  });

  router.post('/i/:token/p/:n', allow('public'), noStore, async (req, res) => {
    const { step, resume } = await postLinkPage(ctx, param(req, 'token'), param(req, 'n'), formBody(req.body), presented(req));
    keepResume(req, res, resume, ctx.draftDays);
    // The page shown names its own address (see respondent.ts): its form posts there.
    if (step.kind === 'page') res.setHeader('Content-Location', step.locals.action);
    if (step.kind === 'done') markSubmitted(req, res, step.location);
    sendFlowStep(res, step);
  });

  router.get('/i/:token/tak', allow('public'), noStore, async (req, res) => {
    const at = await linkThanks(ctx, param(req, 'token'));
    if (!wasSubmitted(req)) return res.redirect(303, `/i/${encodeURIComponent(param(req, 'token'))}`);
    res.render('thanks', { title: 'Tak for dine svar', questionnaire: at.questionnaire, study: at.study });
  });

  return router;
}
