/**
 * The fast lane: the two hottest requests, a plain JSON answer submission (POST /api/v1/responses)
 * and the first page of an open-link questionnaire (GET /s/<study>/<questionnaire>/p/1), served on
 * Node's own request and response objects before Express sees them.
 *
 * Why: on this kind of machine Express's per-request set-up (prototype swaps of req/res, the router
 * stack, res.send's helpers) costs several times what the submission itself costs; see
 * bench/http.ts. The fast lane does exactly what the Express route does — the same security headers,
 * the same shared rate limiter with the same client address, the same JSON parsing rules and
 * reviver, and the same `submitResponse` — and gives everything that is not the plain, valid case
 * back to Express ("hand-over"), which then answers it exactly as before:
 *
 *   - before the body is read: any request that is not a POST to exactly /api/v1/responses with
 *     `Content-Type: application/json` (optionally `; charset=utf-8`), no Content-Encoding, no
 *     Transfer-Encoding and a Content-Length of 1 byte to FAST_BODY_MAX goes to Express untouched
 *     (so oversized, compressed, chunked, form or odd-charset bodies meet body-parser as before);
 *   - after the body is read: a body that does not parse (or has a "__proto__" key, or nests too
 *     deeply) is handed over with the same error body-parser would raise; a body with a link
 *     `token` is handed over parsed (the fieldwork route handles it); any Problem thrown by
 *     `submitResponse` (invalid answers, unknown questionnaire, closed fieldwork, a store failure)
 *     is handed over to Express's error handler, which renders it as for the Express route.
 *
 * The first page is served only from the first-page cache (first-page.ts; Express renders and
 * fills it on the first visit), only for an exact path of a loaded study and questionnaire, only
 * while the study's fieldwork is open and only when `openLinkRefusal` (fieldwork.ts, the same check
 * Express's open-link guard makes) has nothing against the path; otherwise Express answers it.
 * The page gets the same status, security headers and Content-Type as through Express, and no ETag
 * (each page carries a fresh random id, so it could never match).
 *
 * With a check worker (checker.ts, started by `npm start` on a machine with two or more CPUs), a
 * plain submission's body is parsed and checked in the worker thread; only what it passes (the plain
 * valid case) is stored from its answer, after the fieldwork window is checked again here. Anything
 * it does not pass — and everything while it is gone — takes the path above on this thread, so every
 * error answer is the same with or without the worker.
 *
 * The hand-over marks the request (see `fastLaneHandover` and `limitSubmissions`), so the rate
 * limiter does not count it twice and the body is not read twice (body-parser skips a finished request).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, RequestHandler } from 'express';
import type { Store } from '../storage/index.ts';
import type { Definitions } from '../survey/load.ts';
import { submitResponse } from './api.ts';
import { hasLinkToken, storedStatus } from './submission.ts';
import { parseError, parseJsonBody } from './json-body.ts';
import { FirstPageCache, joinPageBytes } from './first-page.ts';
import { encodeFlowState, newFlowState } from './flow-state.ts';
import type { OpenLinkRefusal } from './fieldwork.ts';
import { assertOpen, fieldworkStatus, locate } from './lookup.ts';
import type { SubmissionChecker } from './checker.ts';
import type { WorkerVerdict } from './check-worker.ts';
import type { TAnswers } from '../survey/schema.ts';
import type { WindowLimiter } from './rate-limit.ts';

/** Bodies up to this size take the fast lane (a full questionnaire is ~1 kB); larger ones go through Express (limit 1 MB). */
export const FAST_BODY_MAX = 64 * 1024;

/** What the fast lane hands to Express with a request it did not finish. */
export interface Handover {
  /** The submission was counted by the rate limiter (0) or is over the limit (seconds to wait). */
  rateLimitWait?: number;
  /** The body was read and parsed: Express gets it as req.body. */
  body?: unknown;
  /** The body could not be parsed, or submitting failed: Express's error handler renders it. */
  error?: unknown;
}

const handovers = new WeakMap<IncomingMessage, Handover>();
const served = new WeakMap<object, number>();

/** How many requests the fast lane of `app` has answered itself (tests: proves which path ran). */
export function fastLaneServed(app: object): number {
  return served.get(app) ?? 0;
}

/** The hand-over record of a request, if the fast lane passed it on. */
export function handoverOf(req: IncomingMessage): Handover | undefined {
  return handovers.get(req);
}

/** Express middleware (first after the security headers): an error the fast lane met goes to the error handler. */
export const fastLaneHandover: RequestHandler = (req, _res, next) => {
  const handover = handovers.get(req);
  if (handover && 'error' in handover) return next(handover.error);
  next();
};

export interface FastLaneOptions {
  definitions: Definitions;
  store: Store;
  /** The submission limiter the Express middleware uses too; undefined when the limit is off. */
  limiter: WindowLimiter | undefined;
  /** The security headers as a flat [name, value, …] list (the same record Express replays). */
  securityHeaders: readonly string[];
  /** The first-page cache the respondent routes fill. */
  firstPages: FirstPageCache;
  /** The open-link check Express's guard runs before the respondent routes (one function for both). */
  openLinkRefusal: (path: string) => OpenLinkRefusal;
  /**
   * Parses and checks plain submissions in a worker thread (checker.ts); without it, all on this
   * thread. May be a promise (the worker still starting): until it settles, all on this thread.
   */
  checker?: SubmissionChecker | Promise<SubmissionChecker | undefined>;
}

const PAGE_ONE = /^\/s\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/p\/1$/;

const SUBMIT_PATH = '/api/v1/responses';
const JSON_TYPE = /^application\/json[ \t]*(?:;[ \t]*charset="?utf-8"?[ \t]*)?$/i;
const LENGTH = /^[0-9]{1,9}$/;

/**
 * Installs the fast lane in front of `app` (it wraps `app.handle`, which `app.listen` and
 * `http.createServer(app)` call for every request).
 */
export function installFastLane(app: Express, options: FastLaneOptions): void {
  const host = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void };
  const expressHandle = host.handle.bind(app);
  const { definitions, store, limiter } = options;
  let checker: SubmissionChecker | undefined;
  Promise.resolve(options.checker).then(
    (started) => {
      checker = started;
    },
    () => undefined, // never started: everything stays on this thread
  );

  /** Answers a request the fast lane finished: the security headers, the type and the exact length. */
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    res.writeHead(status, [...options.securityHeaders, 'Content-Type', type, 'Content-Length', String(length)]);
    res.end(body);
    served.set(app, (served.get(app) ?? 0) + 1);
  };

  const handOver = (req: IncomingMessage, res: ServerResponse, handover: Handover) => {
    handovers.set(req, handover);
    // body-parser leaves a request whose body was read alone (req.body stays as set here).
    if ('body' in handover) (req as IncomingMessage & { body?: unknown }).body = handover.body;
    expressHandle(req, res);
  };

  /** The client address exactly as Express derives it (`req.ip` with the app's `trust proxy`). */
  const clientAddress = (req: IncomingMessage): string => {
    const receiver = { app, headers: req.headers, socket: req.socket, connection: req.socket };
    return (Reflect.get(app.request, 'ip', receiver) as string | undefined) ?? 'unknown';
  };

  const submit = (req: IncomingMessage, res: ServerResponse, length: number) => {
    let rateLimitWait: number | undefined;
    if (limiter) {
      rateLimitWait = limiter.take(clientAddress(req));
      // Over the limit: Express answers 429 without reading the body, as before.
      if (rateLimitWait > 0) return handOver(req, res, { rateLimitWait });
    }
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      let text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)).toString('utf8');
      // body-parser decodes with iconv-lite, which drops a leading byte order mark.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (checker?.alive && received === length) {
        // The check worker says whether this is the plain valid case; anything else is done here, as without it.
        checker.check(text).then((verdict) => (verdict ? storeVerdict(req, res, verdict, rateLimitWait) : submitHere(req, res, text, length, received, rateLimitWait)));
        return;
      }
      submitHere(req, res, text, length, received, rateLimitWait);
    });
  };

  const answerStored = (res: ServerResponse, status: number, id: string) => send(res, status, 'application/json; charset=utf-8', JSON.stringify({ id }));

  /** Parses, checks and stores a submission on this thread; whatever is not the plain valid case goes to Express. */
  const submitHere = (req: IncomingMessage, res: ServerResponse, text: string, length: number, received: number, rateLimitWait: number | undefined) => {
    let body: unknown;
    try {
      if (received !== length) throw new Error('body length differs from Content-Length');
      body = parseJsonBody(text);
    } catch (error) {
      return handOver(req, res, { rateLimitWait, error: parseError(error, text) });
    }
    if (hasLinkToken(body)) return handOver(req, res, { rateLimitWait, body });
    submitResponse(definitions, store, body).then(
      ({ status, id }) => answerStored(res, status, id),
      (error: unknown) => handOver(req, res, { rateLimitWait, body, error }),
    );
  };

  /**
   * A submission the check worker passed. The fieldwork window is checked again here (the day may
   * have turned since); the answers arrive as JSON text, which the log line takes as it is.
   */
  const storeVerdict = (req: IncomingMessage, res: ServerResponse, verdict: WorkerVerdict, rateLimitWait: number | undefined) => {
    try {
      assertOpen(locate(definitions, verdict.study, verdict.questionnaire).study);
    } catch (error) {
      return handOver(req, res, { rateLimitWait, error });
    }
    const { study, questionnaire, version, municipality } = verdict;
    const answers = JSON.parse(verdict.answers) as TAnswers;
    store.responses.add({ study, questionnaire, version, municipality, answers }, verdict.submissionId, verdict.answers).then(
      ({ id, created }) => answerStored(res, storedStatus(created), id),
      (error: unknown) => handOver(req, res, { rateLimitWait, error }),
    );
  };

  /** The cached first page when every check the Express route makes passes; else undefined. */
  const firstPage = (url: string): Buffer | undefined => {
    const m = PAGE_ONE.exec(url);
    if (!m) return undefined;
    const study = definitions.studies.find((s) => s.id === m[1]);
    const questionnaire = study?.questionnaires.find((q) => q.id === m[2]);
    if (!study || !questionnaire || !definitions.frames.has(study.frame)) return undefined;
    if (fieldworkStatus(study) !== 'open') return undefined;
    const key = FirstPageCache.key(`/s/${study.id}/${questionnaire.id}`, store.settings.read().demo);
    const page = options.firstPages.get(questionnaire, key);
    if (!page || options.openLinkRefusal(url) !== undefined) return undefined;
    return joinPageBytes(page, encodeFlowState(newFlowState()));
  };

  host.handle = (req, res, next) => {
    if (req.method === 'GET' && req.url !== undefined && req.url.startsWith('/s/')) {
      const html = firstPage(req.url);
      if (html !== undefined) {
        send(res, 200, 'text/html; charset=utf-8', html);
        return;
      }
    }
    if (req.method === 'POST' && req.url === SUBMIT_PATH) {
      const h = req.headers;
      const length = h['content-length'];
      if (
        length !== undefined &&
        LENGTH.test(length) &&
        Number(length) >= 1 &&
        Number(length) <= FAST_BODY_MAX &&
        h['transfer-encoding'] === undefined &&
        h['content-encoding'] === undefined &&
        h['content-type'] !== undefined &&
        JSON_TYPE.test(h['content-type'])
      ) {
        submit(req, res, Number(length));
        return;
      }
    }
    expressHandle(req, res, next);
  };
}
