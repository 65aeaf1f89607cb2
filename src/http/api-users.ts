/**
 * JSON API, version 1: users and personal API keys (Bearer key of a user; the old PRAKSIS_API_KEY
 * acts as an admin). The rules are declared per route; the use cases check them again (services/users.ts).
 */
import type { Context } from '../services/context.ts';
import { addKey, addUser, listUsers, removeUser } from '../services/users.ts';
import { allow } from './allow.ts';
import { signedInActor } from './auth.ts';
import { newRouter, param } from './router.ts';

export function usersApiRoutes(ctx: Context) {
  const router = newRouter();

  router.get('/users', allow('admin'), async (_req, res) => {
    res.json(await listUsers(ctx, signedInActor(res)));
  });

  router.post('/users', allow('admin'), async (req, res) => {
    const { user, password } = await addUser(ctx, signedInActor(res), req.body);
    res.status(201).json({ id: user.id, password });
  });

  router.post('/users/:id/keys', allow('signed-in'), async (req, res) => {
    const { key } = await addKey(ctx, signedInActor(res), param(req, 'id'), req.body);
    res.status(201).json({ key });
  });

  router.delete('/users/:id', allow('admin'), async (req, res) => {
    await removeUser(ctx, signedInActor(res), param(req, 'id'));
    res.status(204).end();
  });

  return router;
}
