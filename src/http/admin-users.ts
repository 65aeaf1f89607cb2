/**
 * Account pages under /admin: the user list for admins (add, role, studies, new password, remove),
 * "Min konto" (own password, own API keys, sign out everywhere) and the activity log with its CSV.
 * A password or key is shown once, on the page that answers the form that made it.
 */
import type { Request, Response } from 'express';
import { isProblem } from '../errors.ts';
import { activityCsv, activityLog } from '../services/activity.ts';
import type { Context } from '../services/context.ts';
import { addKey, addUser, changeOwnPassword, changeUser, keysOf, listUsers, removeUser, resetPassword, revokeKey } from '../services/users.ts';
import { listStudies } from '../services/studies.ts';
import { ROLES } from '../storage/accounts.ts';
import { allow } from './allow.ts';
import { sessionOfResponse, signedInActor } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { formBody, newRouter, param, sendCsv } from './router.ts';

const ROLE_NAMES: Record<string, string> = { admin: 'Administrator', evaluator: 'Evaluator', auditor: 'Journalauditor', viewer: 'Læser' };

/** A form's repeated field as a list ("studies" from check boxes). */
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function usersAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);

  const usersPage = async (res: Response, extra: { error?: string; secret?: { label: string; value: string } } = {}) =>
    res.render('admin/users', { title: 'Brugere', users: await listUsers(ctx, signedInActor(res)), studies: await listStudies(ctx, { archived: true }), roles: ROLES, roleNames: ROLE_NAMES, error: extra.error, secret: extra.secret });
  const accountPage = async (res: Response, extra: { error?: string; secret?: { label: string; value: string }; done?: string } = {}) => {
    const actor = signedInActor(res);
    res.render('admin/account', { title: 'Min konto', actor, roleName: ROLE_NAMES[actor.role], keys: actor.id ? await keysOf(ctx, actor, actor.id) : [], error: extra.error, secret: extra.secret, done: extra.done });
  };
  /** Runs a form's use case; a bad input (4xx) shows the page again with the message, status kept. */
  const form = (page: typeof usersPage, work: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await work(req, res);
    } catch (error) {
      if (!isProblem(error) || error.status >= 500 || error.status === 403) throw error;
      const details = error.details.map((d) => `${d.path}: ${d.message}`).join('; ');
      res.status(error.status);
      await page(res, { error: details ? `${error.message} (${details})` : error.message });
    }
  };

  router.get('/users', allow('admin'), csrfToken, async (_req, res) => usersPage(res));

  router.post('/users', allow('admin'), csrf, csrfToken, form(usersPage, async (req, res) => {
    const b = formBody(req.body);
    const { user, password } = await addUser(ctx, signedInActor(res), { name: b.name, login: b.login, role: b.role, studies: list(b.studies) });
    await usersPage(res.status(201), { secret: { label: `Engangsadgangskode til ${user.login}`, value: password } });
  }));

  router.post('/users/:id', allow('admin'), csrf, csrfToken, form(usersPage, async (req, res) => {
    const b = formBody(req.body);
    await changeUser(ctx, signedInActor(res), param(req, 'id'), { role: b.role, studies: list(b.studies) });
    res.redirect(303, '/admin/users');
  }));

  router.post('/users/:id/password', allow('admin'), csrf, csrfToken, form(usersPage, async (req, res) => {
    const { user, password } = await resetPassword(ctx, signedInActor(res), param(req, 'id'));
    await usersPage(res, { secret: { label: `Ny engangsadgangskode til ${user.login}`, value: password } });
  }));

  router.post('/users/:id/remove', allow('admin'), csrf, csrfToken, form(usersPage, async (req, res) => {
    await removeUser(ctx, signedInActor(res), param(req, 'id'));
    res.redirect(303, '/admin/users');
  }));

  router.get('/account', allow('signed-in'), csrfToken, async (_req, res) => accountPage(res));

  router.post('/account/password', allow('signed-in'), csrf, csrfToken, form(accountPage, async (req, res) => {
    const b = formBody(req.body);
    await changeOwnPassword(ctx, signedInActor(res), b.current, b.password, sessionOfResponse(res)?.sessionHash);
    await accountPage(res, { done: 'Din adgangskode er skiftet. Du er logget ud alle andre steder.' });
  }));

  router.post('/account/keys', allow('signed-in'), csrf, csrfToken, form(accountPage, async (req, res) => {
    const actor = signedInActor(res);
    const { key } = await addKey(ctx, actor, actor.id ?? '', { name: formBody(req.body).name });
    await accountPage(res.status(201), { secret: { label: 'Din nye API-nøgle', value: key } });
  }));

  router.post('/account/keys/:key/revoke', allow('signed-in'), csrf, csrfToken, form(accountPage, async (req, res) => {
    const actor = signedInActor(res);
    await revokeKey(ctx, actor, actor.id ?? '', param(req, 'key'));
    res.redirect(303, '/admin/account');
  }));

  router.get('/log', allow('admin'), csrfToken, async (_req, res) => {
    res.render('admin/log', { title: 'Aktivitetslog', entries: await activityLog(ctx) });
  });

  router.get('/log.csv', allow('admin'), async (_req, res) => sendCsv(res, await activityCsv(ctx)));

  return router;
}
