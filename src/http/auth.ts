/**
 * Who is asking and sessions (HTTP only; the rules are src/services/access.ts, the sessions
 * src/services/sessions.ts).
 *
 * - `authenticate` runs once for every request: a session cookie (pages) or a Bearer key (the API)
 *   becomes `res.locals.actor`. A session is a random id in the cookie whose hash the store keeps,
 *   so signing out, a password change or a removed user ends it on every instance at once.
 * - CSRF: ./csrf.ts.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problems } from '../errors.ts';
import { may, type Actor, type Rule } from '../services/access.ts';
import { recordActivity } from '../services/activity.ts';
import type { Context } from '../services/context.ts';
import { actorOfKey, SESSION_HOURS, sessionOf, type SignedIn } from '../services/sessions.ts';
import type { TActivityAction } from '../storage/accounts.ts';
import { appendCookie, cookieAttributes, parseCookies } from './cookies.ts';

export const SESSION_COOKIE = 'praksis_session';
export const DEVICE_COOKIE = 'praksis_device';


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
