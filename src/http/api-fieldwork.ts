/**
 * JSON API, version 1, e-mail fieldwork (Bearer key): contacts, sending invitations and reminders,
 * the outbox and the status of every invitation. No answer carries a token.
 */
import type { Response } from 'express';
import type { Context } from '../services/context.ts';
import { addContacts, ContactProblems, deleteContacts, invitationStatuses, listContacts, outboxOf, queueInvitations, queueReminders } from '../services/mail.ts';
import { requireApiKey } from './auth.ts';
import { newRouter, param } from './router.ts';

/** 400 listing every bad row of a contact list by its line; nothing was stored. */
export function sendContactProblems(res: Response, error: ContactProblems): void {
  res.status(400).json({ error: { code: 400.2, message: error.message }, problems: error.problems.map((p) => ({ line: p.path, message: p.message })) });
}

export function fieldworkApiRoutes(ctx: Context) {
  const router = newRouter();
  const key = requireApiKey(ctx.store.settings);

  router.post('/studies/:study/contacts', key, async (req, res) => {
    try {
      res.json(await addContacts(ctx, param(req, 'study'), req.body));
    } catch (error) {
      if (!(error instanceof ContactProblems)) throw error;
      sendContactProblems(res, error);
    }
  });
  router.get('/studies/:study/contacts', key, async (req, res) => {
    res.json(await listContacts(ctx, param(req, 'study')));
  });
  router.delete('/studies/:study/contacts', key, async (req, res) => {
    res.json({ deleted: await deleteContacts(ctx, param(req, 'study')) });
  });
  router.post('/studies/:study/invitations/send', key, async (req, res) => {
    res.status(202).json(await queueInvitations(ctx, param(req, 'study'), req.body));
  });
  router.post('/studies/:study/reminders/send', key, async (req, res) => {
    res.status(202).json(await queueReminders(ctx, param(req, 'study'), req.body));
  });
  router.get('/studies/:study/outbox', key, async (req, res) => {
    res.json(await outboxOf(ctx, param(req, 'study')));
  });
  router.get('/studies/:study/invitations', key, async (req, res) => {
    res.json(await invitationStatuses(ctx, param(req, 'study')));
  });

  return router;
}
