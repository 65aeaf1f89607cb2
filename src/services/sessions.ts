/**
 * Signing in and out, server-side sessions and the failed sign-in limits. Sessions, counters and
 * revocations are in the store (UsersPort), so every instance on one database agrees at once.
 *
 * The limits (README "Accounts and roles"): every attempt is COUNTED BEFORE the password is checked
 * (so concurrent attempts cannot slip past the limit), under hashed keys:
 *  - a browser that signed in to this account before presents its device token (a signed cookie):
 *    its attempts count under that token alone, `max` per window. Nobody else's failures can lock it out.
 *  - any other attempt counts per (account, address) with `max`, and per account and per address
 *    with 5 × `max` each. A stranger can slow new browsers down; a known browser still gets in.
 * When a count is over its limit the password is not checked at all (429), the right one neither.
 */
import { createHmac } from 'node:crypto';
import { ZLogin, type TUser } from '../storage/accounts.ts';
import { LEGACY_KEY_ACTOR, type Actor } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Context } from './context.ts';
import { decoyHash, newSecret, sameHash, sha256, verifyApiKey, verifyPassword } from './credentials.ts';

export const SESSION_HOURS = 8;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** The account and address limits are this many times the per-(account, address) limit. */
const SHARED_FACTOR = 5;

export const actorOf = (user: TUser): Actor => ({ id: user.id, login: user.login, name: user.name, role: user.role, studies: user.studies });

async function secret(ctx: Context): Promise<string> {
  const s = (await ctx.store.settings.read()).sessionSecret;
  if (!s) throw new Error('session secret missing: ensureCredentials() was not run');
  return s;
}

const mac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('base64url');

/** A device token for `user`: `<userId>.<nonce>.<mac>`. */
async function deviceToken(ctx: Context, user: TUser): Promise<string> {
  const nonce = newSecret(18);
  return `${user.id}.${nonce}.${mac(await secret(ctx), `device|${user.id}|${nonce}`)}`;
}

/** The nonce of a device token that is valid for `user`, else undefined. */
async function deviceNonce(ctx: Context, token: string | undefined, user: TUser | undefined): Promise<string | undefined> {
  const m = token && /^([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m || !user || m[1] !== user.id) return undefined;
  return sameHash(mac(await secret(ctx), `device|${m[1]}|${m[2]}`), m[3]) ? m[2] : undefined;
}

export interface SignInRequest {
  login: unknown;
  password: unknown;
  /** The client address (counted only as a hash). */
  address: string;
  /** The device token cookie, if any. */
  device?: string | undefined;
}

export type SignInResult =
  | { outcome: 'signed-in'; sessionId: string; device: string; user: TUser }
  | { outcome: 'failed' }
  | { outcome: 'limited' };

export async function signIn(ctx: Context, request: SignInRequest, max: number): Promise<SignInResult> {
  const parsedLogin = ZLogin.safeParse(request.login);
  const login = parsedLogin.success ? parsedLogin.data : '';
  const password = typeof request.password === 'string' && request.password.length <= 1024 ? request.password : '';
  const user = login ? await ctx.store.users.findByLogin(login) : undefined;
  const s = await secret(ctx);
  const key = (text: string) => sha256(`${s}|${text}`);
  const nonce = await deviceNonce(ctx, request.device, user);
  const keys = nonce ? [key(`device|${nonce}`)] : [key(`pair|${login}|${request.address}`), key(`account|${login}`), key(`address|${request.address}`)];
  const limits = nonce ? [max] : [max, SHARED_FACTOR * max, SHARED_FACTOR * max];
  const counts = await ctx.store.users.countAttempts(keys, Date.now(), LOGIN_WINDOW_MS);
  const who = user ? user.login : '(ukendt)';
  if (counts.some((n, i) => n > limits[i]!)) {
    await recordActivity(ctx, who, 'sign-in-failed', { detail: 'for mange forsøg' });
    return { outcome: 'limited' };
  }
  const ok = (await verifyPassword(password, user?.passwordHash ?? (await decoyHash()))) && user !== undefined && password !== '';
  if (!ok) {
    await recordActivity(ctx, who, 'sign-in-failed', { detail: 'forkert login eller adgangskode' });
    return { outcome: 'failed' };
  }
  await ctx.store.users.clearAttempts([keys[0]!]);
  const sessionId = newSecret(32);
  await ctx.store.users.addSession({ hash: sha256(sessionId), userId: user.id, expires: Date.now() + SESSION_HOURS * 3600_000 });
  await recordActivity(ctx, user.login, 'sign-in');
  return { outcome: 'signed-in', sessionId, device: await deviceToken(ctx, user), user };
}

export interface SignedIn {
  actor: Actor;
  /** The hash of the session id (binds the CSRF token to the session). */
  sessionHash: string;
}

/** The session whose id is in the cookie, if it exists on the server and has not expired. */
export async function sessionOf(ctx: Context, sessionId: string | undefined): Promise<SignedIn | undefined> {
  if (!sessionId || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return undefined;
  const found = await ctx.store.users.session(sha256(sessionId), Date.now());
  return found && { actor: actorOf(found.user), sessionHash: found.session.hash };
}

export async function signOut(ctx: Context, signedIn: SignedIn, everywhere = false): Promise<void> {
  if (everywhere && signedIn.actor.id) await ctx.store.users.endSessions(signedIn.actor.id);
  else await ctx.store.users.endSession(signedIn.sessionHash);
  await recordActivity(ctx, signedIn.actor, everywhere ? 'sign-out-everywhere' : 'sign-out');
}

/** The actor of a bearer key: a user's personal key (its last-used day recorded) or the old shared key. */
export async function actorOfKey(ctx: Context, key: string): Promise<Actor | undefined> {
  if (key.length > 512) return undefined;
  if (verifyApiKey(key, (await ctx.store.settings.read()).apiKeyHash)) return LEGACY_KEY_ACTOR;
  const found = await ctx.store.users.useKey(sha256(key), ctx.today());
  return found && actorOf(found.user);
}
