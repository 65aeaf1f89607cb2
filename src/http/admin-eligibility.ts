/**
 * Which municipalities take part in a study (the evaluator's decision): the page
 * /admin/studies/:study/eligibility and GET/PUT /api/v1/studies/:study/eligibility. Thin: the
 * rules (unknown codes, the confirmation when answers exist) live in services/studies.ts.
 */
import { z } from 'zod';
import { problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { eligibilityView, setEligibility } from '../services/studies.ts';
import { allow } from './allow.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { formBody, newRouter, param } from './router.ts';

const ZEligibilityForm = z.object({
  eligible: z.union([z.string(), z.array(z.string())]).optional(),
  confirm: z.literal('ja').optional(),
});

export function eligibilityAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);

  router.get('/studies/:study/eligibility', allow('evaluator', { study: 'study' }), csrfToken, async (req, res) => {
    const view = await eligibilityView(ctx, param(req, 'study'));
    res.render('admin/eligibility', { title: 'Deltagende kommuner', view, saved: req.query.gemt === '1', pending: undefined });
  });

  router.post('/studies/:study/eligibility', allow('evaluator', { study: 'study' }), requireCsrf(ctx), csrfToken, async (req, res) => {
    const form = ZEligibilityForm.safeParse(formBody(req.body));
    if (!form.success) throw problems.invalidInput('The form is incomplete or invalid.');
    const chosen = form.data.eligible === undefined ? [] : ([] as string[]).concat(form.data.eligible);
    const result = await setEligibility(ctx, param(req, 'study'), { eligible: chosen, confirm: form.data.confirm === 'ja' });
    if (result.saved) {
      res.redirect(303, `/admin/studies/${encodeURIComponent(param(req, 'study'))}/eligibility?gemt=1`);
      return;
    }
    const view = await eligibilityView(ctx, param(req, 'study'));
    res.status(409).render('admin/eligibility', { title: 'Deltagende kommuner', view, saved: false, pending: { chosen, excluded: result.needsConfirmation } });
  });
  return router;
}

export function eligibilityApiRoutes(ctx: Context) {
  const router = newRouter();
  router.get('/studies/:study/eligibility', allow('evaluator', { study: 'study' }), async (req, res) => {
    res.json(await eligibilityView(ctx, param(req, 'study')));
  });
  router.put('/studies/:study/eligibility', allow('evaluator', { study: 'study' }), async (req, res) => {
    const result = await setEligibility(ctx, param(req, 'study'), req.body);
    if (!result.saved) throw problems.eligibilityNeedsConfirmation(result.needsConfirmation.map((m) => `${m.name} (${m.code}, ${m.responses} svar)`).join(', '));
    res.json({ ...result.view, excludedWithAnswers: result.excludedWithAnswers });
  });
  return router;
}
