/**
 * The evaluator's fieldwork pages (under /admin): the overview, links (created once, never replaced
 * by "create"; replaced one municipality at a time), the mail-merge CSV of the current links, the
 * reminder CSV (the same links) and the window (the same use case as PUT /api/v1/…/window).
 * A bad form shows the page again with the error naming what was wrong and what was typed kept.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { isProblem, issueDetails, problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { createInvitations, currentLinks, fieldworkOverview, invitationsCsv, reminderLinks, replaceLink } from '../services/fieldwork.ts';
import { ContactProblems, mailOverview } from '../services/mail.ts';
import { setWindow } from '../services/status.ts';
import { allow } from './allow.ts';
import { record } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { formBody, newRouter, param, sendCsv } from './router.ts';

const ZWindowForm = z.object({ questionnaire: z.string().min(1), mode: z.enum(['dates', 'open', 'closed']), openLinks: z.enum(['on', 'off']) });
const ZInvitationForm = z.object({
  questionnaire: z.string().min(1),
  scope: z.enum(['eligible', 'list'], { error: 'Vælg, hvilke kommuner der skal have et link.' }),
  codes: z.string().max(2000).optional(),
  uses: z.coerce.number({ error: 'Antal besvarelser pr. link skal være et tal.' }).int().min(1, 'Antal besvarelser pr. link skal være mindst 1.').max(50, 'Antal besvarelser pr. link må højst være 50.'),
  confirm: z.literal('ja').optional(),
});
const ZReplaceForm = z.object({ questionnaire: z.string().min(1), municipality: z.string().trim().min(1, 'Skriv kommunekoden på den kommune, hvis link skal erstattes.'), confirm: z.literal('ja', { error: 'Bekræft, at det gamle link skal holde op med at virke.' }) });
const ZReminderForm = z.object({ questionnaire: z.string().min(1), municipality: z.union([z.string(), z.array(z.string())]).optional() });

export function parseForm<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(formBody(body));
  if (!parsed.success) throw problems.invalidInput(parsed.error.issues.map((i) => i.message).join(' '), issueDetails(parsed.error.issues, '(form)'));
  return parsed.data;
}

/** What a form on the page said (an error, or what was done), with what was typed. */
export interface FormNotice {
  form: string;
  questionnaire: string;
  error?: string;
  /** Every bad row of a contact list, by line. */
  problems?: { path: string; message: string }[];
  done?: string;
  /** A preview of the texts as recipients would read them. */
  preview?: unknown;
  values: Record<string, unknown>;
}

export async function renderFieldwork(ctx: Context, req: Request, res: Response, status = 200, notice?: FormNotice): Promise<void> {
  const studyId = param(req, 'study');
  const overview = await fieldworkOverview(ctx, studyId);
  const mail = await mailOverview(ctx, studyId);
  const done = typeof req.query.udfoert === 'string' && typeof req.query.q === 'string' ? { form: String(req.query.form ?? ''), questionnaire: req.query.q, done: req.query.udfoert, values: {} } : undefined;
  res.status(status).render('fieldwork/dashboard', { title: `Dataindsamling: ${overview.study.title}`, ...overview, mail, notice: notice ?? done });
}

/** Runs a form's use case; a 400 shows the page again with the message and the typed values. */
export async function withForm(ctx: Context, req: Request, res: Response, form: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const values = formBody(req.body);
    const questionnaire = String(values.questionnaire ?? '');
    if (error instanceof ContactProblems) return renderFieldwork(ctx, req, res, 400, { form, questionnaire, error: error.message, problems: error.problems, values });
    if (!isProblem(error) || error.status !== 400) throw error;
    await renderFieldwork(ctx, req, res, 400, { form, questionnaire, error: error.message, values });
  }
}

export function doneUrl(studyId: string, form: string, questionnaire: string, message: string): string {
  return `/admin/studies/${encodeURIComponent(studyId)}/fieldwork?form=${form}&q=${encodeURIComponent(questionnaire)}&udfoert=${encodeURIComponent(message)}#fw-${encodeURIComponent(questionnaire)}`;
}

export function fieldworkAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrf = requireCsrf(ctx);
  const page = provideCsrfToken(ctx);

  router.get('/studies/:study/fieldwork', allow('evaluator', { study: 'study' }), page, async (req, res) => renderFieldwork(ctx, req, res));

  router.post('/studies/:study/invitations', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'invitations', async () => {
      const form = parseForm(ZInvitationForm, req.body);
      const municipalities = form.scope === 'eligible' ? 'eligible' : (form.codes ?? '').split(/[\s,;]+/).filter(Boolean);
      if (municipalities !== 'eligible' && municipalities.length === 0) throw problems.invalidInput('Skriv mindst én kommunekode, eller vælg alle kommuner i undersøgelsen.');
      if (municipalities === 'eligible' && form.confirm !== 'ja') throw problems.invalidInput('Bekræft, at alle kommuner i undersøgelsen uden link skal have et.');
      const made = await createInvitations(ctx, param(req, 'study'), { questionnaire: form.questionnaire, municipalities, uses: form.uses });
      await record(ctx, res, 'invitations', { study: made.at.study.id, detail: `${made.at.questionnaire.id}: ${made.created} link(s) made, ${made.skipped.length} kept` });
      res.redirect(303, doneUrl(made.at.study.id, 'invitations', made.at.questionnaire.id, `${made.created} nye links oprettet; ${made.skipped.length} kommuner havde allerede et link og beholder det.`));
    }),
  );

  router.get('/studies/:study/links.csv', allow('evaluator', { study: 'study' }), async (req, res) => {
    const links = await currentLinks(ctx, param(req, 'study'), String(req.query.questionnaire ?? ''));
    sendCsv(res, { filename: `${links.at.study.id}-${links.at.questionnaire.id}-links.csv`, text: invitationsCsv(ctx, links) });
  });

  router.post('/studies/:study/links/replace', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'replace', async () => {
      const form = parseForm(ZReplaceForm, req.body);
      const replaced = await replaceLink(ctx, param(req, 'study'), form.questionnaire, form.municipality);
      await record(ctx, res, 'invitations', { study: replaced.at.study.id, detail: `${replaced.at.questionnaire.id}: link of ${form.municipality} replaced` });
      sendCsv(res, { filename: `${replaced.at.study.id}-${replaced.at.questionnaire.id}-${form.municipality}-nyt-link.csv`, text: invitationsCsv(ctx, replaced) });
    }),
  );

  router.post('/studies/:study/reminders', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'reminders', async () => {
      const form = parseForm(ZReminderForm, req.body);
      const same = await reminderLinks(ctx, param(req, 'study'), form.questionnaire, ([] as string[]).concat(form.municipality ?? []));
      await record(ctx, res, 'reminders', { study: same.at.study.id, detail: `${same.at.questionnaire.id}: ${same.links.length} link(s) for a reminder` });
      sendCsv(res, { filename: `${same.at.study.id}-${same.at.questionnaire.id}-paamindelse.csv`, text: invitationsCsv(ctx, same) });
    }),
  );

  router.post('/studies/:study/window', allow('evaluator', { study: 'study' }), csrf, async (req, res) => {
    const form = parseForm(ZWindowForm, req.body);
    const status = await setWindow(ctx, param(req, 'study'), form.questionnaire, { mode: form.mode, openLinks: form.openLinks === 'on' });
    await record(ctx, res, 'window', { study: status.study, detail: `${form.questionnaire}: ${form.mode}, åbne links ${form.openLinks}` });
    res.redirect(303, `/admin/studies/${status.study}/fieldwork`);
  });

  return router;
}
