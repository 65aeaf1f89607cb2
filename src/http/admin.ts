/**
 * The evaluator area: sign-in, sign-out, the study list, a read-only questionnaire preview and
 * the free-text answers.
 */
import { problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { verifyPassword } from '../services/credentials.ts';
import { freeTexts, studiesOverview } from '../services/results.ts';
import { eligibleMunicipalities, locateFor } from '../services/studies.ts';
import { adminArea, clearSession, issueSession, provideCsrfToken, requireCsrf } from './auth.ts';
import { clientKey, LoginLimiter } from './rate-limit.ts';
import { describeCondition } from './describe.ts';
import { formBody, newRouter, param } from './router.ts';

/** Only local paths under /admin are followed after sign-in (no open redirect). */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[A-Za-z0-9_\-/]*)?$/.test(value) ? value : '/admin';
}

export function adminRoutes(ctx: Context, limiter = new LoginLimiter()) {
  const router = newRouter();
  const settings = ctx.store.settings;
  const csrfToken = provideCsrfToken(settings);
  const csrf = requireCsrf(settings);
  const signedIn = adminArea(settings);
  const open = adminArea(settings, { public: true });

  router.get('/login', open, csrfToken, (req, res) => {
    if (res.locals.signedIn) return res.redirect(303, safeNext(req.query.next));
    res.render('admin/login', { title: 'Log ind', next: safeNext(req.query.next), failed: false });
  });

  router.post('/login', open, csrf, async (req, res) => {
    const key = clientKey(req);
    if (limiter.blocked(key)) throw problems.tooManyRequests();
    const body = formBody(req.body);
    const password = typeof body.password === 'string' ? body.password : '';
    if (password.length > 0 && password.length <= 1024 && (await verifyPassword(password, (await settings.read()).adminPasswordHash))) {
      limiter.succeed(key);
      await issueSession(req, res, settings);
      return res.redirect(303, safeNext(body.next));
    }
    limiter.fail(key);
    // A fresh token (the csrf cookie is unchanged, so the token stays valid).
    await csrfToken(req, res, () => res.status(401).render('admin/login', { title: 'Log ind', next: safeNext(body.next), failed: true }));
  });

  router.post('/logout', signedIn, csrf, (req, res) => {
    clearSession(req, res);
    res.redirect(303, '/admin/login');
  });

  router.get('/', signedIn, csrfToken, async (_req, res) => {
    res.render('admin/index', { title: 'Evaluatorområde', studies: await studiesOverview(ctx) });
  });

  router.get('/studies/:study/questionnaires/:questionnaire', signedIn, csrfToken, async (req, res) => {
    const at = await locateFor(ctx, param(req, 'study'), param(req, 'questionnaire'));
    res.render('admin/preview', {
      title: `Forhåndsvisning: ${at.questionnaire.title}`,
      study: at.study,
      questionnaire: at.questionnaire,
      municipalityCount: eligibleMunicipalities(at.frame).length,
      describeCondition: (cond: Parameters<typeof describeCondition>[0]) => describeCondition(cond, at.questionnaire),
    });
  });

  router.get('/studies/:study/questionnaires/:questionnaire/fritekst', signedIn, csrfToken, async (req, res) => {
    const { at, responses, fields } = await freeTexts(ctx, param(req, 'study'), param(req, 'questionnaire'));
    res.render('admin/freetext', { title: `Fritekstsvar: ${at.questionnaire.title}`, study: at.study, questionnaire: at.questionnaire, responses, fields });
  });

  return router;
}
