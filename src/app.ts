/**
 * Builds the Express app (it does not listen: src/server.ts does, tests use port 0).
 */
import { readFile, readdir } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import ejs from 'ejs';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { DEFAULT_LOGIN_LIMIT, DEFAULT_RATE_LIMIT, type Config } from './config.ts';
import { generateDemoResponses } from './demo/generate.ts';
import { adminRoutes } from './http/admin.ts';
import { LoginLimiter } from './http/auth.ts';
import { apiRoutes } from './http/api.ts';
import { assetRoutes, bundleQuestionnaireScript, bundleScript } from './http/assets.ts';
import { reportAdminRoutes, reportApiRoutes } from './http/report.ts';
import { fieldworkAdminRoutes, fieldworkApiRoutes, invitationRoutes, openLinkGuard, openLinkRefusal } from './http/fieldwork.ts';
import { problems } from './errors.ts';
import { danishDay } from './time.ts';
import { rootDir } from './paths.ts';
import { BODY_LIMIT, errorHandler, jsonReviver, notFound } from './http/errors.ts';
import { limitSubmissions, WindowLimiter } from './http/rate-limit.ts';
import type { SubmissionChecker } from './http/checker.ts';
import { fastLaneHandover, installFastLane } from './http/fast-lane.ts';
import { FirstPageCache } from './http/first-page.ts';
import { respondentRoutes } from './http/respondent.ts';
import type { Store } from './storage/index.ts';
import type { Definitions } from './survey/load.ts';

export interface AppOptions {
  /**
   * The parts of the config the app uses. Missing values take the documented defaults, so the
   * submission rate limit is ON unless `rateLimit: 'off'` is given (load tests must pass it).
   */
  config?: Partial<Pick<Config, 'trustProxy' | 'rateLimit' | 'loginLimit'>>;
  definitions: Definitions;
  /** An open store; `ensureCredentials` (src/http/auth.ts) must have run on its settings. */
  store: Store;
  /**
   * The check worker (src/http/checker.ts) for plain JSON submissions; `npm start` starts one. A
   * promise while it starts (the app serves at once and uses it when it is ready). Without it the
   * fast lane parses and checks on the main thread (same answers, more work there).
   */
  checker?: SubmissionChecker | Promise<SubmissionChecker | undefined>;
}

export const viewsDir = join(rootDir, 'views');

/**
 * Security headers (helmet) for every response. The CSP allows scripts and styles from our own
 * origin only: no inline script, no inline style, no eval. `upgrade-insecure-requests` is left out
 * so that plain-HTTP installs on a local network keep working; behind TLS, HSTS does that job.
 */
export const helmetHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'object-src': ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});

type HeaderStep = { set: string; value: string } | { remove: string };

/**
 * What `helmetHeaders` does to a response, recorded once by running it against a recording
 * response: the same header names and values in the same order. Helmet's options are static
 * (nothing depends on the request), so replaying the record is identical and saves rebuilding the
 * headers through thirteen nested middlewares on every request.
 */
export function recordHelmetHeaders(): HeaderStep[] {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      if (typeof value !== 'string') throw new Error(`helmet set a non-string header ${name}`);
      steps.push({ set: name, value });
    },
    removeHeader(name: string) {
      steps.push({ remove: name });
    },
  };
  let nextCalled = false;
  helmetHeaders({ headers: {}, method: 'GET', url: '/' } as express.Request, recorder as unknown as express.Response, (err?: unknown) => {
    if (err) throw err;
    nextCalled = true;
  });
  // helmet is synchronous; if a future version is not, this stops the start instead of dropping headers.
  if (!nextCalled) throw new Error('helmet did not finish synchronously: cannot precompute the security headers');
  return steps;
}

const headerSteps = recordHelmetHeaders();
const headerNames = headerSteps.flatMap((s) => ('set' in s ? [s.set] : []));
const headerValues = headerSteps.flatMap((s) => ('set' in s ? [s.value] : []));
const removedHeaders = headerSteps.flatMap((s) => ('remove' in s ? [s.remove] : []));

/**
 * Helmet's headers as one flat [name, value, name, value, …] list, for `res.writeHead(status, list)`
 * on a response that has no headers yet (the fast lane): one call instead of a setHeader per header.
 * Helmet only removes headers that nothing has set on such a response, so the list is the whole effect.
 */
export const securityHeaderList: readonly string[] = Object.freeze(headerSteps.flatMap((s) => ('set' in s ? [s.set, s.value] : [])));

/** Sets helmet's headers (see recordHelmetHeaders) on a response. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (let i = 0; i < headerNames.length; i++) res.setHeader(headerNames[i]!, headerValues[i]!);
  for (const name of removedHeaders) res.removeHeader(name);
}

/** Express middleware: the security headers on every response. */
export const securityHeaders: express.RequestHandler = (_req, res, next) => {
  setSecurityHeaders(res);
  next();
};

/** Where answers are submitted (the respondent flow, the API, the fieldwork links): rate-limited. */
export const SUBMISSION_PATHS = ['/s/*rest', '/i/*rest', '/api/v1/responses'];

/** The JSON API takes JSON only: anything else is refused before the body is read. */
const apiJsonOnly: express.RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && Number(req.headers['content-length'] ?? 1) > 0 && !req.is('application/json')) {
    next(problems.jsonOnly());
    return;
  }
  next();
};

/**
 * Compiles every template into EJS's cache before the first request, so that a burst of first
 * visitors does not compile the same template a hundred times (and a template with a syntax
 * error stops the start instead of failing a respondent's page).
 */
export async function compileTemplates(dir = viewsDir): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ejs')).map((e) => join(e.parentPath, e.name));
  for (const filename of files) {
    ejs.compile(await readFile(filename, 'utf8'), { filename, cache: true, root: dir });
  }
  return files.length;
}

/** EJS views from views/, compiled once; includes written as '/partials/head' resolve against views/. */
export function configureViews(app: Express): void {
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  // Compile each template once, also outside NODE_ENV=production (templates change only with a release).
  app.set('view cache', true);
  // Absolute includes need no file-system lookup per render (relative ones cost an existsSync each).
  app.set('view options', { root: viewsDir });
}

export async function createApp(options: AppOptions): Promise<Express> {
  const { definitions, store } = options;
  const settings = store.settings.read();
  if (!settings.sessionSecret || !settings.adminPasswordHash || !settings.apiKeyHash) {
    throw new Error('createApp: run ensureCredentials(store.settings, config) first');
  }
  // Build the browser script now so a broken bundle fails at start-up, not on a respondent's page.
  await Promise.all([bundleQuestionnaireScript(), bundleScript('report')]);
  await compileTemplates();

  const app = express();
  app.disable('x-powered-by');
  if (options.config?.trustProxy !== undefined) app.set('trust proxy', options.config.trustProxy);
  configureViews(app);

  app.use(securityHeaders);
  // Errors the fast lane met (see installFastLane below) go straight to the error handler.
  app.use(fastLaneHandover);
  const rateLimit = options.config?.rateLimit ?? DEFAULT_RATE_LIMIT;
  const submissionLimiter = rateLimit === 'off' ? undefined : new WindowLimiter(rateLimit);
  if (rateLimit !== 'off') app.post(SUBMISSION_PATHS, limitSubmissions(rateLimit, submissionLimiter));

  // The JSON API first: it needs neither form parsing nor page locals.
  app.use('/api', apiJsonOnly, express.json({ limit: BODY_LIMIT, reviver: jsonReviver }));
  app.use('/api/v1', fieldworkApiRoutes(definitions, store));
  app.use('/api/v1', reportApiRoutes(definitions, store));
  app.use('/api/v1', apiRoutes(definitions, store));

  app.use('/assets', assetRoutes());
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 2000 }));
  // Every page shows the "Demodata" banner while the store holds the synthetic demo responses.
  app.use((_req, res, next) => {
    res.locals.demo = store.settings.read().demo;
    next();
  });
  app.use('/admin', reportAdminRoutes(definitions, store));
  app.use('/admin', fieldworkAdminRoutes(definitions, store));
  app.use('/admin', adminRoutes(definitions, store, new LoginLimiter(options.config?.loginLimit ?? DEFAULT_LOGIN_LIMIT)));
  app.use(invitationRoutes(definitions, store));
  const refusal = openLinkRefusal(definitions, store);
  app.use(openLinkGuard(refusal));
  const firstPages = new FirstPageCache();
  app.use(respondentRoutes(definitions, store, firstPages));

  app.use(notFound);
  app.use(errorHandler);
  installFastLane(app, {
    definitions,
    store,
    limiter: submissionLimiter,
    securityHeaders: securityHeaderList,
    firstPages,
    openLinkRefusal: refusal,
    ...(options.checker ? { checker: options.checker } : {}),
  });
  return app;
}

export type DemoResult = { loaded: true; responses: number } | { loaded: false; existing: number };

/**
 * `--demo`: fill an EMPTY store with the seeded synthetic responses of every loaded study and
 * record it in the settings (the pages then show a "Demodata" banner). A non-empty store is left alone.
 */
export async function loadDemoIfEmpty(store: Store, definitions: Definitions, seed = 2016): Promise<DemoResult> {
  const existing = await store.responses.count();
  if (existing > 0) return { loaded: false, existing };
  const responses = definitions.studies.flatMap((study) => {
    const frame = definitions.frames.get(study.frame);
    return frame ? generateDemoResponses(study, frame, { seed }) : [];
  });
  await store.responses.addMany(responses);
  await store.settings.update((s) => {
    s.demo = { loadedAt: danishDay(), responses: responses.length };
  });
  return { loaded: true, responses: responses.length };
}
