/**
 * Managing users and their personal API keys (admins; a user for their own password and keys).
 * Every change is checked with the one rule set (./access.ts) and written to the activity log.
 * Passwords and keys are generated here, returned once and stored only as hashes.
 */
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import { ZLogin, ZRole, ZStudyId, ZUserName, type TApiKey, type TUser } from '../storage/accounts.ts';
import { danishDay } from '../time.ts';
import { may, type Actor } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Context } from './context.ts';
import { hashPassword, newId, newPassword, newSecret, sha256, verifyPassword } from './credentials.ts';
import { listStudies } from './studies.ts';

export const ZNewUser = z.strictObject({
  name: ZUserName,
  login: ZLogin,
  role: ZRole,
  studies: z.array(ZStudyId).max(200).default([]),
});
export const ZUserChange = z.strictObject({ role: ZRole.optional(), studies: z.array(ZStudyId).max(200).optional(), name: ZUserName.optional() });
export const ZKeyName = z.strictObject({ name: ZUserName });
export const ZNewPassword = z.string().min(10, 'must be at least 10 characters').max(1024, 'must be at most 1024 characters');

/** A user as shown to admins and the API: never a hash. */
export type PublicUser = Omit<TUser, 'passwordHash'>;
export const publicUser = ({ passwordHash: _hash, ...user }: TUser): PublicUser => user;
export type PublicKey = Omit<TApiKey, 'hash'>;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw problems.invalidInput(`${what} is not valid.`, issueDetails(parsed.error.issues));
  return parsed.data;
}

function mustBeAdmin(actor: Actor): void {
  if (may(actor, 'admin') !== 'allowed') throw problems.forbidden('Only an admin may manage users.');
}

async function checkStudies(ctx: Context, studies: readonly string[]): Promise<string[]> {
  const known = await listStudies(ctx, { archived: true });
  const unknown = studies.filter((s) => !known.some((d) => d.id === s));
  if (unknown.length > 0) throw problems.invalidInput('Unknown study.', unknown.map((s) => ({ path: 'studies', message: `there is no study "${s}"` })));
  return [...new Set(studies)].sort();
}

async function userOrNotFound(ctx: Context, id: string): Promise<TUser> {
  const user = /^[A-Za-z0-9_-]{8,64}$/.test(id) ? await ctx.store.users.get(id) : undefined;
  if (!user) throw problems.notFound(`The user "${id.slice(0, 64)}"`);
  return user;
}

export async function listUsers(ctx: Context, actor: Actor): Promise<PublicUser[]> {
  mustBeAdmin(actor);
  return (await ctx.store.users.list()).map(publicUser);
}

/** Adds a user with a one-time password (returned once). */
export async function addUser(ctx: Context, actor: Actor, input: unknown): Promise<{ user: PublicUser; password: string }> {
  mustBeAdmin(actor);
  const data = parse(ZNewUser, input, 'The user');
  const studies = data.role === 'admin' ? [] : await checkStudies(ctx, data.studies);
  const password = newPassword();
  const user: TUser = { id: newId(), name: data.name, login: data.login, role: data.role, studies, passwordHash: await hashPassword(password), createdDay: danishDay() };
  if (!(await ctx.store.users.add(user))) throw problems.conflict(`The login "${data.login}" is taken.`);
  await recordActivity(ctx, actor, 'user-add', { detail: `${user.login} (${user.role}${studies.length ? ': ' + studies.join(', ') : ''})` });
  return { user: publicUser(user), password };
}

/** Changes a user's role, studies or name; the last admin stays an admin. */
export async function changeUser(ctx: Context, actor: Actor, id: string, input: unknown): Promise<PublicUser> {
  mustBeAdmin(actor);
  const change = parse(ZUserChange, input, 'The change');
  const user = await userOrNotFound(ctx, id);
  if (user.role === 'admin' && change.role && change.role !== 'admin') await keepAnAdmin(ctx, user);
  const role = change.role ?? user.role;
  const studies = role === 'admin' ? [] : await checkStudies(ctx, change.studies ?? user.studies);
  const changed = await ctx.store.users.update(user.id, { ...(change.name ? { name: change.name } : {}), role, studies });
  if (!changed) throw problems.notFound(`The user "${id}"`);
  await recordActivity(ctx, actor, 'user-change', { detail: `${changed.login}: ${changed.role}${studies.length ? ' (' + studies.join(', ') + ')' : ''}` });
  return publicUser(changed);
}

async function keepAnAdmin(ctx: Context, user: TUser): Promise<void> {
  const admins = (await ctx.store.users.list()).filter((u) => u.role === 'admin' && u.id !== user.id);
  if (admins.length === 0) throw problems.conflict('The last admin cannot lose the admin role or be removed; make another admin first.');
}

/** A new one-time password for a user (returned once); every session of theirs ends. */
export async function resetPassword(ctx: Context, actor: Actor, id: string): Promise<{ user: PublicUser; password: string }> {
  mustBeAdmin(actor);
  const user = await userOrNotFound(ctx, id);
  const password = newPassword();
  await ctx.store.users.update(user.id, { passwordHash: await hashPassword(password) });
  await ctx.store.users.endSessions(user.id);
  await recordActivity(ctx, actor, 'user-password', { detail: `${user.login}: ny adgangskode` });
  return { user: publicUser(user), password };
}

/** The signed-in user changes their own password; their other sessions end. */
export async function changeOwnPassword(ctx: Context, actor: Actor, current: unknown, next: unknown, keepSession?: string): Promise<void> {
  if (!actor.id) throw problems.forbidden('The shared key has no password.');
  const user = await userOrNotFound(ctx, actor.id);
  const password = parse(ZNewPassword, next, 'The new password');
  if (typeof current !== 'string' || !(await verifyPassword(current, user.passwordHash))) throw problems.invalidInput('The current password is not correct.', [{ path: 'current', message: 'is not correct' }]);
  await ctx.store.users.update(user.id, { passwordHash: await hashPassword(password) });
  await ctx.store.users.endSessions(user.id, keepSession);
  await recordActivity(ctx, actor, 'user-password', { detail: `${user.login}: egen adgangskode` });
}

/** Removes a user: their sessions and keys stop working at once, on every instance. */
export async function removeUser(ctx: Context, actor: Actor, id: string): Promise<void> {
  mustBeAdmin(actor);
  const user = await userOrNotFound(ctx, id);
  if (user.id === actor.id) throw problems.conflict('You cannot remove yourself.');
  if (user.role === 'admin') await keepAnAdmin(ctx, user);
  if (!(await ctx.store.users.remove(user.id))) throw problems.notFound(`The user "${id}"`);
  await recordActivity(ctx, actor, 'user-remove', { detail: user.login });
}

const mayManageKeysOf = (actor: Actor, userId: string) => may(actor, 'admin') === 'allowed' || actor.id === userId;

/** A new personal API key for a user (an admin, or the user themselves); the key is returned once. */
export async function addKey(ctx: Context, actor: Actor, userId: string, input: unknown): Promise<{ key: string; id: string }> {
  if (!mayManageKeysOf(actor, userId)) throw problems.forbidden('You may make keys only for yourself.');
  const { name } = parse(ZKeyName, input, 'The key');
  const user = await userOrNotFound(ctx, userId);
  const key = `pk_${newSecret(24)}`;
  const id = newId();
  await ctx.store.users.addKey({ id, userId: user.id, name, hash: sha256(key), createdDay: danishDay(), lastUsedDay: null });
  await recordActivity(ctx, actor, 'key-add', { detail: `${user.login}: ${name}` });
  return { key, id };
}

export async function keysOf(ctx: Context, actor: Actor, userId: string): Promise<PublicKey[]> {
  if (!mayManageKeysOf(actor, userId)) throw problems.forbidden('You may see only your own keys.');
  return (await ctx.store.users.keys(userId)).map(({ hash: _hash, ...key }) => key);
}

export async function revokeKey(ctx: Context, actor: Actor, userId: string, keyId: string): Promise<void> {
  if (!mayManageKeysOf(actor, userId)) throw problems.forbidden('You may revoke only your own keys.');
  const user = await userOrNotFound(ctx, userId);
  if (!(await ctx.store.users.revokeKey(user.id, keyId))) throw problems.notFound(`The key "${keyId.slice(0, 64)}"`);
  await recordActivity(ctx, actor, 'key-revoke', { detail: user.login });
}
