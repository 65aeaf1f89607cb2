/**
 * The evaluator's fieldwork pages (under /admin): the overview, new links and reminder links as
 * mail-merge CSV, and the window (the same use case as PUT /api/v1/…/window).
 */
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { createInvitations, fieldworkOverview, invitationsCsv, sendReminders } from '../services/fieldwork.ts';
import { setWindow } from '../services/status.ts';
import { allow } from './allow.ts';
import { provideCsrfToken, record, requireCsrf } from './auth.ts';
import { formBody, newRouter, origin, param, sendCsv } from './router.ts';

const ZWindowForm = z.object({ questionnaire: z.string().min(1), mode: z.enum(['dates', 'open', 'closed']), openLinks: z.enum(['on', 'off']) });
const ZInvitationForm = z.object({ questionnaire: z.string().min(1), scope: z.enum(['eligible', 'list']), codes: z.string().max(2000).optional(), uses: z.coerce.number().int().min(1).max(50) });
const ZReminderForm = z.object({ questionnaire: z.string().min(1), municipality: z.union([z.string(), z.array(z.string())]).optional() });

function parseForm<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(formBody(body));
  if (!parsed.success) throw problems.invalidInput('The form is incomplete or invalid.', issueDetails(parsed.error.issues, '(form)'));
  return parsed.data;
}

export function fieldworkAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrf = requireCsrf(ctx);

  router.get('/studies/:study/fieldwork', allow('evaluator', { study: 'study' }), provideCsrfToken(ctx), async (req, res) => {
    const overview = await fieldworkOverview(ctx, param(req, 'study'));
    res.render('fieldwork/dashboard', { title: `Dataindsamling: ${overview.study.title}`, ...overview });
  });

  router.post('/studies/:study/invitations', allow('evaluator', { study: 'study' }), csrf, async (req, res) => {
    const form = parseForm(ZInvitationForm, req.body);
    const municipalities = form.scope === 'eligible' ? 'eligible' : (form.codes ?? '').split(/[\s,;]+/).filter(Boolean);
    if (municipalities !== 'eligible' && municipalities.length === 0) throw problems.invalidInput('Skriv mindst én kommunekode, eller vælg alle inviterede kommuner.');
    const issued = await createInvitations(ctx, param(req, 'study'), { questionnaire: form.questionnaire, municipalities, uses: form.uses });
    sendCsv(res, { filename: `${issued.at.study.id}-${issued.at.questionnaire.id}-links.csv`, text: invitationsCsv(issued, origin(req)) });
  });

  router.post('/studies/:study/reminders', allow('evaluator', { study: 'study' }), csrf, async (req, res) => {
    const form = parseForm(ZReminderForm, req.body);
    const issued = await sendReminders(ctx, param(req, 'study'), form.questionnaire, ([] as string[]).concat(form.municipality ?? []));
    sendCsv(res, { filename: `${issued.at.study.id}-${issued.at.questionnaire.id}-paamindelse.csv`, text: invitationsCsv(issued, origin(req)) });
  });

  router.post('/studies/:study/window', allow('evaluator', { study: 'study' }), csrf, async (req, res) => {
    const form = parseForm(ZWindowForm, req.body);
    const status = await setWindow(ctx, param(req, 'study'), form.questionnaire, { mode: form.mode, openLinks: form.openLinks === 'on' });
    await record(ctx, res, 'window', { study: status.study, detail: `${form.questionnaire}: ${form.mode}, åbne links ${form.openLinks}` });
    res.redirect(303, `/admin/studies/${status.study}/fieldwork`);
  });

  return router;
}
