/**
 * The evaluator area: sign-in, sign-out, the study list, a read-only questionnaire preview and
 * the free-text answers.
 */
import { problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { freeTexts, studiesOverview } from '../services/results.ts';
import { signIn, signOut } from '../services/sessions.ts';
import { eligibleMunicipalities, locateFor } from '../services/studies.ts';
import { allow } from './allow.ts';
import { clearSession, DEVICE_COOKIE, issueSession, sessionOfResponse, signedInActor } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { parseCookies } from './cookies.ts';
import { clientKey } from './rate-limit.ts';
import { describeCondition } from './describe.ts';
import { formBody, newRouter, param } from './router.ts';
import { may } from '../services/access.ts';

/** Only local paths under /admin are followed after sign-in (no open redirect). */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[A-Za-z0-9_\-/]*)?$/.test(value) ? value : '/admin';
}

/** `loginLimit`: failed sign-ins per 15 minutes per account and address (src/services/sessions.ts). */
export function adminRoutes(ctx: Context, loginLimit: number) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);

  router.get('/login', allow('public'), csrfToken, (req, res) => {
    if (res.locals.signedIn) return res.redirect(303, safeNext(req.query.next));
    res.render('admin/login', { title: 'Log ind', next: safeNext(req.query.next), failed: false, login: '' });
  });

  router.post('/login', allow('public'), csrf, async (req, res) => {
    const body = formBody(req.body);
    const result = await signIn(ctx, { login: body.login, password: body.password, address: clientKey(req), device: parseCookies(req.headers.cookie).get(DEVICE_COOKIE) }, loginLimit);
    if (result.outcome === 'limited') throw problems.tooManyRequests();
    if (result.outcome === 'signed-in') {
      issueSession(req, res, result.sessionId, result.device);
      return res.redirect(303, safeNext(body.next));
    }
    const login = typeof body.login === 'string' ? body.login.slice(0, 120) : '';
    await csrfToken(req, res, () => res.status(401).render('admin/login', { title: 'Log ind', next: safeNext(body.next), failed: true, login }));
  });

  router.post('/logout', allow('signed-in'), csrf, async (req, res) => {
    await signOut(ctx, sessionOfResponse(res)!, formBody(req.body).everywhere === 'on');
    clearSession(req, res);
    res.redirect(303, '/admin/login');
  });

  router.get('/', allow('signed-in'), csrfToken, async (_req, res) => {
    const actor = signedInActor(res);
    const studies = (await studiesOverview(ctx)).filter(({ study }) => may(actor, 'signed-in', study.id) === 'allowed');
    res.render('admin/index', { title: 'Evaluatorområde', studies });
  });

  router.get('/studies/:study/questionnaires/:questionnaire', allow('evaluator', { study: 'study' }), csrfToken, async (req, res) => {
    const at = await locateFor(ctx, param(req, 'study'), param(req, 'questionnaire'));
    res.render('admin/preview', {
      title: `Forhåndsvisning: ${at.questionnaire.title}`,
      study: at.study,
      questionnaire: at.questionnaire,
      municipalityCount: eligibleMunicipalities(at.frame).length,
      describeCondition: (cond: Parameters<typeof describeCondition>[0]) => describeCondition(cond, at.questionnaire),
    });
  });

  router.get('/studies/:study/questionnaires/:questionnaire/fritekst', allow('evaluator', { study: 'study' }), csrfToken, async (req, res) => {
    const { at, responses, fields } = await freeTexts(ctx, param(req, 'study'), param(req, 'questionnaire'));
    res.render('admin/freetext', { title: `Fritekstsvar: ${at.questionnaire.title}`, study: at.study, questionnaire: at.questionnaire, responses, fields });
  });

  return router;
}
