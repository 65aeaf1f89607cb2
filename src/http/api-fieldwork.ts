/**
 * JSON API, version 1, e-mail fieldwork (Bearer key): contacts, sending invitations and reminders,
 * the outbox and the status of every invitation. No answer carries a token.
 */
import type { Response } from 'express';
import type { Context } from '../services/context.ts';
import { addContacts, ContactProblems, deleteContacts, invitationStatuses, listContacts, outboxOf, queueInvitations, queueReminders } from '../services/mail.ts';
import { allow } from './allow.ts';
import { record } from './auth.ts';
import { newRouter, param } from './router.ts';

/** 400 listing every bad row of a contact list by its line; nothing was stored. */
export function sendContactProblems(res: Response, error: ContactProblems): void {
  res.status(400).json({ error: { code: 400.2, message: error.message }, problems: error.problems.map((p) => ({ line: p.path, message: p.message })) });
}

export function fieldworkApiRoutes(ctx: Context) {
  const router = newRouter();

  router.post('/studies/:study/contacts', allow('evaluator', { study: 'study' }), async (req, res) => {
    try {
      const added = await addContacts(ctx, param(req, 'study'), req.body);
      await record(ctx, res, 'contacts-upload', { study: param(req, 'study'), detail: `${added.added} added, ${added.unchanged} unchanged` });
      res.json(added);
    } catch (error) {
      if (!(error instanceof ContactProblems)) throw error;
      sendContactProblems(res, error);
    }
  });
  router.get('/studies/:study/contacts', allow('evaluator', { study: 'study' }), async (req, res) => {
    res.json(await listContacts(ctx, param(req, 'study')));
  });
  router.delete('/studies/:study/contacts', allow('evaluator', { study: 'study' }), async (req, res) => {
    const deleted = await deleteContacts(ctx, param(req, 'study'));
    await record(ctx, res, 'contacts-delete', { study: param(req, 'study'), detail: `${deleted.contacts} contacts, ${deleted.messages} messages` });
    res.json({ deleted });
  });
  router.post('/studies/:study/invitations/send', allow('evaluator', { study: 'study' }), async (req, res) => {
    const queued = await queueInvitations(ctx, param(req, 'study'), req.body);
    await record(ctx, res, 'send', { study: param(req, 'study'), detail: `${queued.queued} invitation(s) queued` });
    res.status(202).json(queued);
  });
  router.post('/studies/:study/reminders/send', allow('evaluator', { study: 'study' }), async (req, res) => {
    const queued = await queueReminders(ctx, param(req, 'study'), req.body);
    await record(ctx, res, 'reminders', { study: param(req, 'study'), detail: `${queued.queued} reminder(s) queued` });
    res.status(202).json(queued);
  });
  router.get('/studies/:study/outbox', allow('evaluator', { study: 'study' }), async (req, res) => {
    res.json(await outboxOf(ctx, param(req, 'study')));
  });
  router.get('/studies/:study/invitations', allow('evaluator', { study: 'study' }), async (req, res) => {
    res.json(await invitationStatuses(ctx, param(req, 'study')));
  });

  return router;
}
