/**
 * Who is asking, sessions and CSRF (HTTP only; the rules are src/services/access.ts, the sessions
 * src/services/sessions.ts).
 *
 * - `authenticate` runs once for every request: a session cookie (pages) or a Bearer key (the API)
 *   becomes `res.locals.actor`. A session is a random id in the cookie whose hash the store keeps,
 *   so signing out, a password change or a removed user ends it on every instance at once.
 * - CSRF: forms carry HMAC(secret, session hash) when signed in, else HMAC(secret, nonce) of a
 *   nonce cookie (the sign-in form). A state-changing request that says it comes from another site
 *   (Sec-Fetch-Site, Origin, Referer) is refused; one with none of them (not a browser) is judged by the token.
 */
import { createHmac } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problems } from '../errors.ts';
import { may, type Actor, type Rule } from '../services/access.ts';
import { recordActivity } from '../services/activity.ts';
import type { Context } from '../services/context.ts';
import { sameHash, newSecret } from '../services/credentials.ts';
import { actorOfKey, SESSION_HOURS, sessionOf, type SignedIn } from '../services/sessions.ts';
import type { TActivityAction } from '../storage/accounts.ts';
import { appendCookie, cookieAttributes, parseCookies } from './cookies.ts';

export const SESSION_COOKIE = 'praksis_session';
export const DEVICE_COOKIE = 'praksis_device';
const CSRF_COOKIE = 'praksis_csrf';

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('base64url');

/** The actor of this request (undefined when nobody is signed in or no valid key was sent). */
export function actorOf(res: Response): Actor | undefined {
  return res.locals.actor as Actor | undefined;
}

/** The actor of a request that passed `allow` (anything but 'public'). */
export function signedInActor(res: Response): Actor {
  const actor = actorOf(res);
  if (!actor) throw problems.unauthenticated();
  return actor;
}

export function sessionOfResponse(res: Response): SignedIn | undefined {
  return res.locals.session as SignedIn | undefined;
}

/** Records an action of this request's actor in the activity log (src/services/activity.ts). */
export function record(ctx: Context, res: Response, action: TActivityAction, what: { study?: string; detail?: string } = {}): Promise<void> {
  return recordActivity(ctx, signedInActor(res), action, what);
}

/**
 * Every request: finds the actor. Pages read the session cookie, the API the Bearer key (a wrong key
 * is remembered as the reason for a 401). Evaluator pages are never cached.
 */
export function authenticate(ctx: Context): RequestHandler {
  return async (req, res, next) => {
    if (req.path.startsWith('/assets/')) return next();
    if (req.path.startsWith('/api/')) {
      const header = req.get('authorization');
      const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (match) {
        const actor = await actorOfKey(ctx, match[1]!);
        if (actor) res.locals.actor = actor;
        else res.locals.authProblem = problems.badCredentials();
      }
      return next();
    }
    const signedIn = await sessionOf(ctx, parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    if (signedIn) {
      res.locals.actor = signedIn.actor;
      res.locals.session = signedIn;
    }
    res.locals.signedIn = signedIn !== undefined;
    res.locals.can = (rule: Rule, study?: string) => may(signedIn?.actor, rule, study) === 'allowed';
    if (req.path === '/admin' || req.path.startsWith('/admin/')) {
      res.locals.admin = true;
      res.setHeader('Cache-Control', 'no-store');
    }
    next();
  };
}

/** Logs a refused request of a signed-in actor (who, what path) before the error page: 403s are logged. */
export function logDenied(ctx: Context) {
  return async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const actor = actorOf(res);
    if (actor && res.locals.denied === true) {
      await recordActivity(ctx, actor, 'access-denied', { study: res.locals.deniedStudy as string | undefined, detail: `${req.method} ${req.path}` }).catch(() => undefined);
    }
    next(err);
  };
}

export function issueSession(req: Request, res: Response, sessionId: string, device: string): void {
  appendCookie(res, `${SESSION_COOKIE}=${sessionId}; ${cookieAttributes(req, SESSION_HOURS * 3600, 'Lax', '/')}`);
  appendCookie(res, `${DEVICE_COOKIE}=${device}; ${cookieAttributes(req, 365 * 86_400, 'Strict', '/admin/login')}`);
}

export function clearSession(req: Request, res: Response): void {
  appendCookie(res, `${SESSION_COOKIE}=; ${cookieAttributes(req, 0, 'Lax', '/')}`);
}

// ---------------------------------------------------------------------------------------------
// CSRF

async function csrfSecret(ctx: Context): Promise<string> {
  const secret = (await ctx.store.settings.read()).sessionSecret;
  if (!secret) throw new Error('session secret missing: ensureCredentials() was not run');
  return secret;
}

/** The token forms must carry: bound to the session when signed in, else to the nonce cookie. */
async function expectedToken(ctx: Context, res: Response, nonce: string | undefined): Promise<string | undefined> {
  const session = sessionOfResponse(res);
  if (session) return hmac(await csrfSecret(ctx), `csrf|session|${session.sessionHash}`);
  return nonce ? hmac(await csrfSecret(ctx), `csrf|${nonce}`) : undefined;
}

/** Sets the CSRF nonce cookie if needed and exposes `csrfToken` to the views. Use on admin GET pages. */
export function provideCsrfToken(ctx: Context): RequestHandler {
  return async (req, res, next) => {
    let nonce = parseCookies(req.headers.cookie).get(CSRF_COOKIE);
    if (!sessionOfResponse(res) && (!nonce || !/^[A-Za-z0-9_-]{32,64}$/.test(nonce))) {
      nonce = newSecret(32);
      appendCookie(res, `${CSRF_COOKIE}=${nonce}; ${cookieAttributes(req, undefined, 'Strict', '/admin')}`);
    }
    res.locals.csrfToken = await expectedToken(ctx, res, nonce);
    next();
  };
}

/**
 * Whether the request says it comes from another site. Browsers send Sec-Fetch-Site (it must be
 * same-origin); our pages send no Referer (Referrer-Policy: no-referrer), so a browser's form post
 * carries `Origin: null`, which counts only with Sec-Fetch-Site: same-origin. An Origin or Referer
 * naming another origin is refused. A request with none of these (not a browser) is judged by its token.
 */
function fromElsewhere(req: Request): boolean {
  const own = `${req.protocol}://${req.get('host') ?? ''}`;
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return true;
  const origin = req.get('origin');
  if (origin === 'null') return site !== 'same-origin';
  if (origin !== undefined) return origin !== own;
  const referer = req.get('referer');
  if (referer === undefined) return false;
  try {
    return new URL(referer).origin !== own;
  } catch {
    return true;
  }
}

/** Rejects a state-changing request from another site, or whose `_csrf` field is not this session's (403). */
export function requireCsrf(ctx: Context): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (fromElsewhere(req)) {
      return next(problems.forbidden('The form was sent from another site (Origin); open the page here and try again.'));
    }
    const body: unknown = req.body;
    const token = body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
    const expected = await expectedToken(ctx, res, parseCookies(req.headers.cookie).get(CSRF_COOKIE));
    if (!expected || typeof token !== 'string') {
      return next(problems.forbidden('The form is missing its security token (CSRF); reload the page and try again.'));
    }
    if (!sameHash(expected, token)) {
      return next(problems.forbidden('The form has an invalid security token (CSRF); reload the page and try again.'));
    }
    next();
  };
}
