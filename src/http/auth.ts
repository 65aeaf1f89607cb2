/**
 * Evaluator sessions and CSRF protection (HTTP only; the credentials are src/services/credentials.ts).
 *
 * - A session is a signed cookie `admin.<expires>.<signature>`; nothing is kept on the server.
 *   The signing key is derived from the session secret AND the current password hash, so changing
 *   the password signs every existing session out.
 * - CSRF: a random nonce in an HttpOnly cookie; forms carry HMAC(secret, nonce) (a signed double submit).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problems } from '../errors.ts';
import { verifyApiKey } from '../services/credentials.ts';
import type { SettingsPort } from '../storage/ports.ts';
import { appendCookie, cookieAttributes, parseCookies } from './cookies.ts';

export const SESSION_COOKIE = 'praksis_session';
const CSRF_COOKIE = 'praksis_csrf';
const SESSION_HOURS = 8;

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

function safeEqualText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

async function sessionKey(settings: SettingsPort): Promise<Buffer | undefined> {
  const s = await settings.read();
  if (!s.sessionSecret || !s.adminPasswordHash) return undefined;
  return hmac(s.sessionSecret, `session|${s.adminPasswordHash}`);
}

export async function issueSession(req: Request, res: Response, settings: SettingsPort, now = Date.now()): Promise<void> {
  const key = await sessionKey(settings);
  if (!key) throw new Error('session secret missing: ensureCredentials() was not run');
  const expires = Math.floor(now / 1000) + SESSION_HOURS * 3600;
  const payload = `admin.${expires}`;
  const value = `${payload}.${hmac(key, payload).toString('base64url')}`;
  appendCookie(res, `${SESSION_COOKIE}=${value}; ${cookieAttributes(req, SESSION_HOURS * 3600, 'Lax', '/')}`);
}

export function clearSession(req: Request, res: Response): void {
  appendCookie(res, `${SESSION_COOKIE}=; ${cookieAttributes(req, 0, 'Lax', '/')}`);
}

async function hasValidSession(req: Request, settings: SettingsPort, now = Date.now()): Promise<boolean> {
  const value = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  if (!value) return false;
  const match = /^admin\.(\d{1,12})\.([A-Za-z0-9_-]+)$/.exec(value);
  if (!match) return false;
  const key = await sessionKey(settings);
  if (!key) return false;
  const expected = hmac(key, `admin.${match[1]}`).toString('base64url');
  if (!safeEqualText(expected, match[2]!)) return false;
  return Number(match[1]) * 1000 > now;
}

/**
 * Every page of the evaluator area: the header's sign-out form when signed in (`res.locals`), never
 * cached. Then, unless `public` (the sign-in page), a signed-out visitor is sent to the sign-in page.
 */
export function adminArea(settings: SettingsPort, options: { public?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    res.locals.admin = true;
    res.locals.signedIn = await hasValidSession(req, settings);
    res.setHeader('Cache-Control', 'no-store');
    if (res.locals.signedIn || options.public) return next();
    res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
  };
}

/** Evaluator API endpoints: `Authorization: Bearer <key>`, else 401 JSON. */
export function requireApiKey(settings: SettingsPort): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    res.setHeader('WWW-Authenticate', 'Bearer realm="praksis"');
    if (!match) return next(problems.unauthenticated());
    if (!verifyApiKey(match[1]!, (await settings.read()).apiKeyHash)) return next(problems.badCredentials());
    res.removeHeader('WWW-Authenticate');
    next();
  };
}

// ---------------------------------------------------------------------------------------------
// CSRF (signed double submit)

async function csrfSecret(settings: SettingsPort): Promise<string> {
  const secret = (await settings.read()).sessionSecret;
  if (!secret) throw new Error('session secret missing: ensureCredentials() was not run');
  return secret;
}

/** Sets the CSRF nonce cookie if needed and exposes `csrfToken` to the views. Use on admin GET pages. */
export function provideCsrfToken(settings: SettingsPort): RequestHandler {
  return async (req, res, next) => {
    let nonce = parseCookies(req.headers.cookie).get(CSRF_COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{32,64}$/.test(nonce)) {
      nonce = randomBytes(32).toString('base64url');
      appendCookie(res, `${CSRF_COOKIE}=${nonce}; ${cookieAttributes(req, undefined, 'Strict', '/admin')}`);
    }
    res.locals.csrfToken = hmac(await csrfSecret(settings), `csrf|${nonce}`).toString('base64url');
    next();
  };
}

/** Rejects a state-changing request whose `_csrf` field does not match the cookie (403). */
export function requireCsrf(settings: SettingsPort): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const nonce = parseCookies(req.headers.cookie).get(CSRF_COOKIE);
    const body: unknown = req.body;
    const token = body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
    if (!nonce || typeof token !== 'string') {
      return next(problems.forbidden('The form is missing its security token (CSRF); reload the page and try again.'));
    }
    const expected = hmac(await csrfSecret(settings), `csrf|${nonce}`).toString('base64url');
    if (!safeEqualText(expected, token)) {
      return next(problems.forbidden('The form has an invalid security token (CSRF); reload the page and try again.'));
    }
    next();
  };
}
