/**
 * The evaluator area: sign-in, sign-out, the study list and a read-only questionnaire preview.
 */
import { Router, type Request } from 'express';
import { problems } from '../errors.ts';
import {
  LoginLimiter,
  clearSession,
  hasValidSession,
  issueSession,
  provideCsrfToken,
  requireAdminPage,
  requireCsrf,
  verifyPassword,
} from './auth.ts';
import { describeCondition } from './describe.ts';
import { eligibleMunicipalities, fieldworkStatus, locate } from './lookup.ts';
import type { Store } from '../storage/index.ts';
import type { Definitions } from '../survey/load.ts';

/** Only local paths under /admin are followed after sign-in (no open redirect). */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[A-Za-z0-9_\-/]*)?$/.test(value) ? value : '/admin';
}

export function adminRoutes(defs: Definitions, store: Store, limiter = new LoginLimiter()): Router {
  const router = Router();
  const settings = store.settings;
  const csrfToken = provideCsrfToken(settings);
  const csrf = requireCsrf(settings);
  const signedIn = requireAdminPage(settings);
  const limitKey = (req: Request) => req.ip ?? 'unknown';

  router.use((req, res, next) => {
    res.locals.admin = true;
    res.locals.signedIn = hasValidSession(req, settings);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/login', csrfToken, (req, res) => {
    if (hasValidSession(req, settings)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    res.render('admin/login', { title: 'Log ind', next: safeNext(req.query.next), failed: false });
  });

  router.post('/login', csrf, async (req, res) => {
    const key = limitKey(req);
    if (limiter.blocked(key)) throw problems.tooManyRequests();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const password = typeof body.password === 'string' ? body.password : '';
    if (password.length > 0 && password.length <= 1024 && (await verifyPassword(password, settings.read().adminPasswordHash))) {
      limiter.succeed(key);
      issueSession(req, res, settings);
      res.redirect(303, safeNext(body.next));
      return;
    }
    limiter.fail(key);
    // Re-render with a fresh token (the csrf cookie is unchanged, so the token stays valid).
    csrfToken(req, res, () => {
      res.status(401).render('admin/login', { title: 'Log ind', next: safeNext(body.next), failed: true });
    });
  });

  router.post('/logout', signedIn, csrf, (req, res) => {
    clearSession(req, res);
    res.redirect(303, '/admin/login');
  });

  router.get('/', signedIn, csrfToken, async (_req, res) => {
    const studies = await Promise.all(
      defs.studies.map(async (study) => ({
        study,
        status: fieldworkStatus(study),
        questionnaires: await Promise.all(
          study.questionnaires.map(async (q) => ({
            q,
            responses: await store.responses.count({ study: study.id, questionnaire: q.id }),
          })),
        ),
      })),
    );
    res.render('admin/index', { title: 'Evaluatorområde', studies });
  });

  router.get('/studies/:study/questionnaires/:questionnaire', signedIn, csrfToken, (req, res) => {
    const params = req.params as Record<string, string>;
    const at = locate(defs, String(params.study), String(params.questionnaire));
    res.render('admin/preview', {
      title: `Forhåndsvisning: ${at.questionnaire.title}`,
      study: at.study,
      questionnaire: at.questionnaire,
      municipalityCount: eligibleMunicipalities(at.frame).length,
      describeCondition: (cond: Parameters<typeof describeCondition>[0]) => describeCondition(cond, at.questionnaire),
    });
  });

  // Free-text answers ("Andet, angiv" and text questions), sorted alphabetically: no municipality,
  // no submission order, so a text cannot be lined up with anything else from this page.
  router.get('/studies/:study/questionnaires/:questionnaire/fritekst', signedIn, csrfToken, async (req, res) => {
    const params = req.params as Record<string, string>;
    const at = locate(defs, String(params.study), String(params.questionnaire));
    const table = store.responses.table;
    const rows = table.rows({ study: at.study.id, questionnaire: at.questionnaire.id });
    const fields = at.questionnaire.sections
      .flatMap((section) => section.questions)
      .flatMap((q) => {
        const keys: { key: string; label: string }[] = [];
        if (q.type === 'text') keys.push({ key: q.id, label: q.text });
        if ('options' in q) {
          for (const o of q.options.filter((x) => x.other)) keys.push({ key: `${q.id}_other`, label: `${q.text} – «${o.label}»` });
        }
        return keys;
      })
      .map(({ key, label }) => ({
        key,
        label,
        texts: table.texts(key, rows).sort((a, b) => a.localeCompare(b, 'da')),
      }));
    res.render('admin/freetext', {
      title: `Fritekstsvar: ${at.questionnaire.title}`,
      study: at.study,
      questionnaire: at.questionnaire,
      responses: rows.length,
      fields,
    });
  });

  return router;
}
