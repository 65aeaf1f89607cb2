/**
 * The evaluator's e-mail fieldwork on the fieldwork page (under /admin): contacts (pasted CSV, every
 * bad row named by line and nothing stored until the list is clean), the texts with a preview, sending
 * invitations and reminders (into the outbox), and deleting every contact of the study.
 */
import { z } from 'zod';
import { problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { addContacts, deleteContacts, previewTexts, queueInvitations, queueReminders, saveTexts } from '../services/mail.ts';
import { doneUrl, parseForm, renderFieldwork, withForm } from './admin-fieldwork.ts';
import { allow } from './allow.ts';
import { record } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { newRouter, param } from './router.ts';

const ZContactsForm = z.object({ contacts: z.string().max(1_000_000).default('') });
const ZQuestionnaireForm = z.object({ questionnaire: z.string().min(1) });
const ZDeleteForm = z.object({ confirm: z.literal('ja', { error: 'Bekræft, at alle kontakter og e-mails i undersøgelsen skal slettes.' }) });
const ZTextsForm = z.object({
  questionnaire: z.string().min(1),
  invitationSubject: z.string().default(''),
  invitationBody: z.string().default(''),
  reminderSubject: z.string().default(''),
  reminderBody: z.string().default(''),
  contact: z.string().default(''),
  deadline: z.string().default(''),
  schedule: z.string().default(''),
  forward: z.string().default(''),
  action: z.enum(['preview', 'save']).default('save'),
});

/** The texts form as the texts' shape (schedule "7, 14" as days); a bad day is named. */
function textsOf(form: z.infer<typeof ZTextsForm>) {
  const days = form.schedule.split(/[\s,;]+/).filter(Boolean);
  const bad = days.filter((d) => !/^\d{1,3}$/.test(d) || Number(d) < 1);
  if (bad.length > 0) throw problems.invalidInput(`Påmindelsesplanen skal være antal dage efter invitationen, fx »7, 14«; »${bad.join('«, »')}« er ikke et antal dage.`);
  return {
    invitation: { subject: form.invitationSubject, body: form.invitationBody },
    reminder: { subject: form.reminderSubject, body: form.reminderBody },
    contact: form.contact,
    deadline: form.deadline,
    schedule: [...new Set(days.map(Number))].sort((a, b) => a - b),
    ...(form.forward ? { forward: form.forward } : {}),
  };
}

export function mailAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrf = requireCsrf(ctx);
  const page = provideCsrfToken(ctx);

  router.post('/studies/:study/contacts', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'contacts', async () => {
      const form = parseForm(ZContactsForm, req.body);
      if (form.contacts.trim() === '') throw problems.invalidInput('Indsæt kontaktlisten (CSV med overskriften municipality,questionnaire,email,name).');
      const result = await addContacts(ctx, param(req, 'study'), form.contacts);
      await record(ctx, res, 'contacts-upload', { study: param(req, 'study'), detail: `${result.added} added, ${result.unchanged} unchanged` });
      res.redirect(303, doneUrl(param(req, 'study'), 'contacts', 'kontakter', `${result.added} kontakter tilføjet; ${result.unchanged} fandtes i forvejen.`));
    }),
  );

  router.post('/studies/:study/contacts/delete', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'delete', async () => {
      parseForm(ZDeleteForm, req.body);
      const deleted = await deleteContacts(ctx, param(req, 'study'));
      await record(ctx, res, 'contacts-delete', { study: param(req, 'study'), detail: `${deleted.contacts} contacts, ${deleted.messages} messages` });
      res.redirect(303, doneUrl(param(req, 'study'), 'delete', 'kontakter', `${deleted.contacts} kontakter og ${deleted.messages} e-mails er slettet.`));
    }),
  );

  router.post('/studies/:study/mail-texts', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'texts', async () => {
      const form = parseForm(ZTextsForm, req.body);
      const texts = textsOf(form);
      if (form.action === 'preview') {
        const preview = await previewTexts(ctx, param(req, 'study'), form.questionnaire, texts);
        return renderFieldwork(ctx, req, res, 200, { form: 'texts', questionnaire: form.questionnaire, preview, values: req.body as Record<string, unknown> });
      }
      await saveTexts(ctx, param(req, 'study'), form.questionnaire, texts);
      res.redirect(303, doneUrl(param(req, 'study'), 'texts', form.questionnaire, 'Teksterne er gemt.'));
    }),
  );

  router.post('/studies/:study/invitations/send', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'send', async () => {
      const form = parseForm(ZQuestionnaireForm, req.body);
      const { queued } = await queueInvitations(ctx, param(req, 'study'), { questionnaire: form.questionnaire });
      await record(ctx, res, 'send', { study: param(req, 'study'), detail: `${form.questionnaire}: ${queued} invitation(s) queued` });
      res.redirect(303, doneUrl(param(req, 'study'), 'send', form.questionnaire, `${queued} invitationer lagt i udbakken (kontakter, der er inviteret før, får ikke en ny).`));
    }),
  );

  router.post('/studies/:study/reminders/send', allow('evaluator', { study: 'study' }), csrf, page, async (req, res) =>
    withForm(ctx, req, res, 'send', async () => {
      const form = parseForm(ZQuestionnaireForm, req.body);
      const { queued } = await queueReminders(ctx, param(req, 'study'), { questionnaire: form.questionnaire });
      await record(ctx, res, 'reminders', { study: param(req, 'study'), detail: `${form.questionnaire}: ${queued} reminder(s) queued` });
      res.redirect(303, doneUrl(param(req, 'study'), 'send', form.questionnaire, `${queued} påmindelser lagt i udbakken (kun kontakter, hvis link ikke er brugt).`));
    }),
  );

  return router;
}
