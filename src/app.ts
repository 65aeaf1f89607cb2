/**
 * Builds the Express app (it does not listen: src/server.ts does through listen(), tests use port 0).
 * Every request goes through the same middleware and one route: there is no second path.
 */
import { studiesApiRoutes } from './http/api-studies.ts';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { DEFAULT_LOGIN_LIMIT, DEFAULT_RATE_LIMIT, type Config } from './config.ts';
import { problems } from './errors.ts';
import { eligibilityAdminRoutes, eligibilityApiRoutes } from './http/admin-eligibility.ts';
import { editorAdminRoutes } from './http/admin-editor.ts';
import { auditAdminRoutes } from './http/admin-audit.ts';
import { studiesAdminRoutes } from './http/admin-studies.ts';
import { versionsAdminRoutes } from './http/admin-versions.ts';
import { fieldworkAdminRoutes } from './http/admin-fieldwork.ts';
import { mailAdminRoutes } from './http/admin-mail.ts';
import { reportAdminRoutes } from './http/admin-report.ts';
import { adminRoutes } from './http/admin.ts';
import { usersAdminRoutes } from './http/admin-users.ts';
import { usersApiRoutes } from './http/api-users.ts';
import { authenticate, logDenied } from './http/auth.ts';
import { auditApiRoutes } from './http/api-audit.ts';
import { evaluatorApiRoutes } from './http/api-evaluator.ts';
import { fieldworkApiRoutes } from './http/api-fieldwork.ts';
import { apiRoutes } from './http/api.ts';
import { assetRoutes, checkAssets } from './http/assets.ts';
import { BODY_LIMIT, checkJsonBody, errorHandler, notFound } from './http/errors.ts';
import { linkRoutes } from './http/links.ts';
import { limitSubmissions } from './http/rate-limit.ts';
import { respondentRoutes } from './http/respondent.ts';
import { mount, ROUTER_OPTIONS } from './http/router.ts';
import { compileTemplates, configureViews } from './http/views.ts';
import type { Context } from './services/context.ts';

export interface AppOptions {
  /**
   * The parts of the config the app uses. Missing values take the documented defaults, so the
   * submission rate limit is ON unless `rateLimit: 'off'` is given (load tests must pass it).
   */
  config?: Partial<Pick<Config, 'trustProxy' | 'rateLimit' | 'loginLimit'>>;
  /** The definitions and the open store; `ensureCredentials` (services/credentials.ts) must have run on its store. */
  context: Context;
}

/**
 * Security headers for every response. The CSP allows scripts and styles from our own origin only:
 * no inline script, no inline style, no eval. `upgrade-insecure-requests` is left out so that
 * plain-HTTP installs on a local network keep working; behind TLS, HSTS does that job.
 */
const securityHeaders = helmet({
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

/** Where answers are submitted (the respondent flow, the API, the fieldwork links): rate-limited. */
const SUBMISSION_PATHS = ['/s/*rest', '/i/*rest', '/api/v1/responses'];

/**
 * The API takes JSON, and CSV (text/csv) for the endpoints that take a file: anything else is
 * refused before the body is read. A CSV body reaches the route as a string (`req.body`); a route
 * that wants JSON refuses a string body with its own validation.
 */
const apiJsonOnly: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && Number(req.headers['content-length'] ?? 1) > 0 && !req.is(['application/json', 'text/csv'])) return next(problems.jsonOnly());
  next();
};

export async function createApp(options: AppOptions): Promise<Express> {
  const { context: ctx } = options;
  const settings = await ctx.store.settings.read();
  if (!settings.sessionSecret) {
    throw new Error('createApp: run ensureCredentials(store, config) first');
  }
  await checkAssets();
  await compileTemplates();

  const app = express();
  app.disable('x-powered-by');
  // Every page and answer is made for its request and never cached (no-store): no ETag to hash.
  app.set('etag', false);
  app.set('case sensitive routing', ROUTER_OPTIONS.caseSensitive);
  app.set('strict routing', ROUTER_OPTIONS.strict);
  if (options.config?.trustProxy !== undefined) app.set('trust proxy', options.config.trustProxy);
  configureViews(app);

  app.use(securityHeaders);
  app.post(SUBMISSION_PATHS, limitSubmissions(options.config?.rateLimit ?? DEFAULT_RATE_LIMIT));
  // Who is asking (a session or a Bearer key): every route then checks its declared rule (http/allow.ts).
  app.use(authenticate(ctx));

  app.use('/api', apiJsonOnly, express.json({ limit: BODY_LIMIT }), express.text({ type: 'text/csv', limit: BODY_LIMIT }), checkJsonBody);
  mount(app, '/api/v1', apiRoutes(ctx));
  mount(app, '/api/v1', evaluatorApiRoutes(ctx));
  mount(app, '/api/v1', eligibilityApiRoutes(ctx));
  mount(app, '/api/v1', fieldworkApiRoutes(ctx));
  mount(app, '/api/v1', usersApiRoutes(ctx));
  mount(app, '/api/v1', auditApiRoutes(ctx));
  mount(app, '/api/v1', studiesApiRoutes(ctx));

  app.use('/assets', assetRoutes());
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 2000 }));
  // Every page shows the "Demodata" banner while the store holds the synthetic demo responses.
  app.use(async (_req, res, next) => {
    res.locals.demo = (await ctx.store.settings.read()).demo;
    next();
  });
  mount(app, '/admin', adminRoutes(ctx, options.config?.loginLimit ?? DEFAULT_LOGIN_LIMIT));
  mount(app, '/admin', usersAdminRoutes(ctx));
  mount(app, '/admin', reportAdminRoutes(ctx));
  mount(app, '/admin', fieldworkAdminRoutes(ctx));
  mount(app, '/admin', eligibilityAdminRoutes(ctx));
  mount(app, '/admin', editorAdminRoutes(ctx));
  mount(app, '/admin', mailAdminRoutes(ctx));
  mount(app, '/admin', auditAdminRoutes(ctx));
  mount(app, '/admin', studiesAdminRoutes(ctx));
  mount(app, '/admin', versionsAdminRoutes(ctx));
  mount(app, '/', linkRoutes(ctx));
  mount(app, '/', respondentRoutes(ctx));

  app.use(notFound);
  app.use(logDenied(ctx));
  app.use(errorHandler);
  return app;
}
