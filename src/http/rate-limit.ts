/**
 * In-memory rate limiting of answer submissions per client address. Nothing about the client is
 * written anywhere: the counters live in this process and vanish on restart. Behind a reverse proxy
 * the address is the one Express derives with the configured `trust proxy`.
 */
import type { Request, RequestHandler } from 'express';
import { problems } from '../errors.ts';

const WINDOW_MS = 60_000;
const MAX_KEYS = 50_000;

/** A fixed one-minute window per key; `limit` requests per window. */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs = WINDOW_MS,
  ) {}

  /** Counts one request; returns the seconds to wait when over the limit, else 0. */
  take(key: string, now = Date.now()): number {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size >= MAX_KEYS) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
    // Still full (a flood of distinct addresses): forget the oldest windows rather than grow without bound.
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}

/** The key the limiters count by (submissions here; failed sign-ins in src/services/sessions.ts, hashed): the client address Express derives (with the configured `trust proxy`). */
export const clientKey = (req: Request): string => req.ip ?? 'unknown';

/** Express middleware: 429 with Retry-After once a client address exceeds `limit` per minute; 'off' passes all. */
export function limitSubmissions(limit: number | 'off'): RequestHandler {
  if (limit === 'off') return (_req, _res, next) => next();
  const limiter = new WindowLimiter(limit);
  return (req, res, next) => {
    const wait = limiter.take(clientKey(req));
    if (wait === 0) return next();
    res.setHeader('Retry-After', String(wait));
    next(problems.tooManyRequests());
  };
}
