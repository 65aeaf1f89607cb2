/**
 * CSRF protection for the evaluator area (HTTP only): forms carry HMAC(secret, session hash) when
 * signed in, else HMAC(secret, nonce) of a nonce cookie (the sign-in form). A state-changing request
 * that says it comes from another site (Sec-Fetch-Site, Origin, Referer) is refused; one with none
 * of them (not a browser) is judged by the token.
 */
import { createHmac } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { sameHash, newSecret } from '../services/credentials.ts';
import { sessionOfResponse } from './auth.ts';
import { appendCookie, cookieAttributes, parseCookies } from './cookies.ts';

const CSRF_COOKIE = 'praksis_csrf';

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('base64url');

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
