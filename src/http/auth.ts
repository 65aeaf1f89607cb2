/**
 * Evaluator credentials and sessions.
 *
 * - The admin password is stored only as a scrypt hash (`scrypt$N$r$p$salt$hash`) in the store's settings.
 * - The API key is stored only as a SHA-256 hash; Bearer keys are compared in constant time.
 * - A session is a signed cookie `admin.<expires>.<signature>`; nothing is kept on the server.
 *   The signing key is derived from the session secret AND the current password hash, so changing
 *   the password signs every existing session out.
 * - CSRF: a random nonce in an HttpOnly cookie; forms carry HMAC(secret, nonce) (a signed double submit).
 */
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.ts';
import { problems } from '../errors.ts';
import type { SettingsStore } from '../storage/index.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (!stored) return false;
  const [kind, n, r, p, saltText, keyText] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64url');
  const key = await scryptAsync(password, Buffer.from(saltText, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * Number(n) * Number(r) + 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function verifyApiKey(key: string, storedHash: string | undefined): boolean {
  if (!storedHash) return false;
  const given = Buffer.from(hashApiKey(key), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface GeneratedCredentials {
  /** Set only when the password was generated now: print it once, it is never shown again. */
  adminPassword?: string;
  /** Set only when the API key was generated now. */
  apiKey?: string;
}

/**
 * Make sure the settings hold a session secret, an admin password hash and an API key hash.
 * Environment values win over stored hashes (a changed PRAKSIS_ADMIN_PASSWORD is re-hashed).
 * Returns the credentials generated now, to be printed once by the caller.
 */
export async function ensureCredentials(
  settings: SettingsStore,
  config: Pick<Config, 'adminPassword' | 'apiKey'>,
): Promise<GeneratedCredentials> {
  const current = settings.read();
  const generated: GeneratedCredentials = {};
  const changes: { sessionSecret?: string; adminPasswordHash?: string; apiKeyHash?: string } = {};

  if (!current.sessionSecret) changes.sessionSecret = randomBytes(32).toString('base64url');

  if (config.adminPassword !== undefined) {
    if (!(await verifyPassword(config.adminPassword, current.adminPasswordHash))) {
      changes.adminPasswordHash = await hashPassword(config.adminPassword);
    }
  } else if (!current.adminPasswordHash) {
    generated.adminPassword = randomBytes(12).toString('base64url');
    changes.adminPasswordHash = await hashPassword(generated.adminPassword);
  }

  if (config.apiKey !== undefined) {
    if (!verifyApiKey(config.apiKey, current.apiKeyHash)) changes.apiKeyHash = hashApiKey(config.apiKey);
  } else if (!current.apiKeyHash) {
    generated.apiKey = randomBytes(24).toString('base64url');
    changes.apiKeyHash = hashApiKey(generated.apiKey);
  }

  if (Object.keys(changes).length > 0) {
    await settings.update((s) => {
      Object.assign(s, changes);
    });
  }
  return generated;
}

// ---------------------------------------------------------------------------------------------
// Cookies

export const SESSION_COOKIE = 'praksis_session';
export const CSRF_COOKIE = 'praksis_csrf';
export const SESSION_HOURS = 8;

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

function cookieAttributes(req: Request, maxAgeSeconds: number | undefined, sameSite: 'Lax' | 'Strict', path: string): string {
  const parts = [`Path=${path}`, 'HttpOnly', `SameSite=${sameSite}`];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  if (req.secure) parts.push('Secure');
  return parts.join('; ');
}

function appendCookie(res: Response, cookie: string): void {
  const existing = res.getHeader('Set-Cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

function safeEqualText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function sessionKey(settings: SettingsStore): Buffer | undefined {
  const s = settings.read();
  if (!s.sessionSecret || !s.adminPasswordHash) return undefined;
  return hmac(s.sessionSecret, `session|${s.adminPasswordHash}`);
}

export function issueSession(req: Request, res: Response, settings: SettingsStore, now = Date.now()): void {
  const key = sessionKey(settings);
  if (!key) throw new Error('session secret missing: ensureCredentials() was not run');
  const expires = Math.floor(now / 1000) + SESSION_HOURS * 3600;
  const payload = `admin.${expires}`;
  const value = `${payload}.${hmac(key, payload).toString('base64url')}`;
  appendCookie(res, `${SESSION_COOKIE}=${value}; ${cookieAttributes(req, SESSION_HOURS * 3600, 'Lax', '/')}`);
}

export function clearSession(req: Request, res: Response): void {
  appendCookie(res, `${SESSION_COOKIE}=; ${cookieAttributes(req, 0, 'Lax', '/')}`);
}

export function hasValidSession(req: Request, settings: SettingsStore, now = Date.now()): boolean {
  const value = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  if (!value) return false;
  const match = /^admin\.(\d{1,12})\.([A-Za-z0-9_-]+)$/.exec(value);
  if (!match) return false;
  const key = sessionKey(settings);
  if (!key) return false;
  const expected = hmac(key, `admin.${match[1]}`).toString('base64url');
  if (!safeEqualText(expected, match[2]!)) return false;
  return Number(match[1]) * 1000 > now;
}

/** Pages of the evaluator area: redirect to the login page when signed out. */
export function requireAdminPage(settings: SettingsStore): RequestHandler {
  return (req, res, next) => {
    if (hasValidSession(req, settings)) return next();
    res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
  };
}

/** Evaluator API endpoints: `Authorization: Bearer <key>`, else 401 JSON. */
export function requireApiKey(settings: SettingsStore): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    res.setHeader('WWW-Authenticate', 'Bearer realm="praksis"');
    if (!match) return next(problems.unauthenticated());
    if (!verifyApiKey(match[1]!, settings.read().apiKeyHash)) return next(problems.badCredentials());
    res.removeHeader('WWW-Authenticate');
    next();
  };
}

// ---------------------------------------------------------------------------------------------
// CSRF (signed double submit)

function csrfSecret(settings: SettingsStore): string {
  const secret = settings.read().sessionSecret;
  if (!secret) throw new Error('session secret missing: ensureCredentials() was not run');
  return secret;
}

/** Sets the CSRF nonce cookie if needed and exposes `csrfToken` to the views. Use on admin GET pages. */
export function provideCsrfToken(settings: SettingsStore): RequestHandler {
  return (req, res, next) => {
    let nonce = parseCookies(req.headers.cookie).get(CSRF_COOKIE);
    if (!nonce || !/^[A-Za-z0-9_-]{32,64}$/.test(nonce)) {
      nonce = randomBytes(32).toString('base64url');
      appendCookie(res, `${CSRF_COOKIE}=${nonce}; ${cookieAttributes(req, undefined, 'Strict', '/admin')}`);
    }
    res.locals.csrfToken = hmac(csrfSecret(settings), `csrf|${nonce}`).toString('base64url');
    next();
  };
}

/** Rejects a state-changing request whose `_csrf` field does not match the cookie (403). */
export function requireCsrf(settings: SettingsStore): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const nonce = parseCookies(req.headers.cookie).get(CSRF_COOKIE);
    const body: unknown = req.body;
    const token = body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
    if (!nonce || typeof token !== 'string') {
      return next(problems.forbidden('The form is missing its security token (CSRF); reload the page and try again.'));
    }
    const expected = hmac(csrfSecret(settings), `csrf|${nonce}`).toString('base64url');
    if (!safeEqualText(expected, token)) {
      return next(problems.forbidden('The form has an invalid security token (CSRF); reload the page and try again.'));
    }
    next();
  };
}

// ---------------------------------------------------------------------------------------------
// Login rate limit (memory only; nothing about the client is written to disk)

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    readonly maxFailures = 10,
    readonly windowMs = 15 * 60 * 1000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  blocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.maxFailures;
  }

  fail(key: string, now = Date.now()): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
    if (this.failures.size > 10_000) {
      // Bound memory under a flood of distinct keys: drop the oldest entries.
      const first = this.failures.keys().next();
      if (!first.done) this.failures.delete(first.value);
    }
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
