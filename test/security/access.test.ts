/**
 * Issue 6, "Security": no evaluator route without authentication (found by walking the router),
 * CSRF on state-changing forms, session cookie flags, security headers, login and submission
 * rate limits, and escaping of hostile free text on every evaluator page.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth.ts';
import type { TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { ADMIN_PASSWORD, API_KEY, Client, allQuestions, csrfTokenOf, hashDir, questionnaireByGroup, signIn, startApp, theStudy, type Running } from '../http/helpers.ts';
import { apiAnswers, fullPlan } from '../http/walk.ts';
import { fillPath, listRoutes, type AppRoute } from './routes.ts';

let app: Running;
let study: TStudy;
let leaders: TQuestionnaire;
let municipality: string;
let routes: readonly AppRoute[];

beforeAll(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  study = theStudy(app.definitions);
  leaders = questionnaireByGroup(study, /leder/i);
  municipality = app.definitions.frames.get(study.frame)!.municipalities.find((m) => m.eligible)!.code;
  routes = listRoutes(app.app);
});
afterAll(async () => {
  await app.close();
});

/** Routes anyone may use: the respondent side, public metadata, answer submission, sign-in. */
/** A response's headers as sent: [lower-case name, value] in wire order (dates left out). */
function rawHeaders(url: string): Promise<[string, string][]> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        resolve(pairs);
      })
      .on('error', reject);
  });
}

const PUBLIC = new Set([
  'GET /admin/login',
  'POST /admin/login',
  'GET /api/v1/studies',
  'GET /api/v1/studies/:study',
  'GET /api/v1/studies/:study/questionnaires/:questionnaire',
  'POST /api/v1/responses',
]);

const isEvaluatorRoute = (r: AppRoute) => (r.path.startsWith('/admin') || r.path.startsWith('/api')) && !PUBLIC.has(`${r.method} ${r.path}`);
const values = () => ({ study: study.id, questionnaire: leaders.id });

describe('every evaluator route rejects unauthenticated access', () => {
  it('finds the routes by walking the router (admin pages and evaluator API included)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toContain('GET /admin');
    expect(keys).toContain('GET /api/v1/whoami');
    expect(keys).toContain('POST /api/v1/responses');
    expect(routes.filter(isEvaluatorRoute).length).toBeGreaterThanOrEqual(4);
  });

  it('admin pages and actions: redirect to sign-in (or 401/403), never content', async () => {
    for (const route of routes.filter((r) => isEvaluatorRoute(r) && r.path.startsWith('/admin'))) {
      const url = app.url + fillPath(route.path, values());
      for (const cookie of [undefined, `${SESSION_COOKIE}=admin.99999999999.forged-signature`]) {
        const res = await fetch(url, {
          method: route.method,
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
          body: route.method === 'GET' ? undefined : '_csrf=x',
        });
        const where = `${route.method} ${route.path} (${cookie ? 'forged session' : 'no session'})`;
        expect(res.status, where).toBe(303);
        expect(res.headers.get('location'), where).toMatch(/^\/admin\/login/);
      }
    }
  });

  it('evaluator API endpoints: 401 JSON without a key and with a wrong key', async () => {
    const api = routes.filter((r) => isEvaluatorRoute(r) && r.path.startsWith('/api'));
    expect(api.length).toBeGreaterThan(0);
    for (const route of api) {
      const url = app.url + fillPath(route.path, values());
      for (const auth of [undefined, 'Bearer wrong-key-0123456789abcdef', `Basic ${Buffer.from('admin:' + ADMIN_PASSWORD).toString('base64')}`]) {
        const res = await fetch(url, {
          method: route.method,
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          body: route.method === 'GET' ? undefined : '{}',
        });
        const where = `${route.method} ${route.path} (${auth ?? 'no key'})`;
        expect(res.status, where).toBe(401);
        expect(res.headers.get('www-authenticate'), where).toMatch(/^Bearer/);
        const body = (await res.json()) as { error: { code: number; message: string } };
        expect(body.error.message, where).toMatch(/Authentication is required|not correct/);
      }
    }
  });

  it('the right key opens the evaluator API', async () => {
    const res = await fetch(app.url + '/api/v1/whoami', { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'PRAKSIS_API_KEY', role: 'admin', studies: [] });
  });
});

describe('evaluator sign-in, session cookie and CSRF', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie (not Secure over plain HTTP)', async () => {
    const client = new Client(app.url);
    const res = await signIn(client);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    expect((await client.get('/admin')).status).toBe(200);
  });

  it('marks the cookie Secure behind a TLS-terminating proxy when trust proxy is configured', async () => {
    const proxied = await startApp({ config: { trustProxy: 'loopback', rateLimit: 'off' } });
    try {
      const client = new Client(proxied.url);
      const html = await (await client.get('/admin/login', { 'x-forwarded-proto': 'https' })).text();
      const res = await fetch(proxied.url + '/admin/login', {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-proto': 'https',
          cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
        body: new URLSearchParams({ _csrf: csrfTokenOf(html), login: 'admin', password: ADMIN_PASSWORD }).toString(),
      });
      expect(res.status).toBe(303);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
      expect(cookie).toMatch(/; Secure/);
    } finally {
      await proxied.close();
    }
  });

  it('refuses sign-out without a CSRF token, with a wrong one, and with another browser\'s token', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const other = new Client(app.url);
    const othersToken = csrfTokenOf(await (await other.get('/admin/login')).text());
    const forms: Record<string, string>[] = [{}, { _csrf: 'forged' }, { _csrf: othersToken }];
    for (const form of forms) {
      const res = await client.postForm('/admin/logout', form);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Handlingen er ikke tilladt');
    }
    // Still signed in; with the page's own token, sign-out works and the session is gone.
    const page = await client.get('/admin');
    expect(page.status).toBe(200);
    const out = await client.postForm('/admin/logout', { _csrf: csrfTokenOf(await page.text()) });
    expect(out.status).toBe(303);
    expect((await client.get('/admin')).status).toBe(303);
  });

  it('every state-changing evaluator route (found by walking the router) refuses a signed-in request without a valid CSRF token', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const changing = routes.filter((r) => r.path.startsWith('/admin') && !['GET', 'HEAD'].includes(r.method) && r.path !== '/admin/login');
    expect(changing.map((r) => r.path)).toContain('/admin/logout');
    const before = await hashDir(app.dataDir);
    for (const route of changing) {
      for (const form of [{}, { _csrf: 'forged-token' }] as Record<string, string>[]) {
        const res = await client.postForm(fillPath(route.path, values()), { ...form, questionnaire: leaders.id });
        expect(res.status, `${route.method} ${route.path} with ${JSON.stringify(form)}`).toBe(403);
      }
    }
    expect(await hashDir(app.dataDir)).toEqual(before);
    expect((await client.get('/admin')).status).toBe(200); // still signed in: nothing was done
  });

  it('refuses a sign-in form whose CSRF token belongs to another browser', async () => {
    const a = new Client(app.url);
    const b = new Client(app.url);
    const tokenA = csrfTokenOf(await (await a.get('/admin/login')).text());
    await b.get('/admin/login');
    const res = await b.postForm('/admin/login', { _csrf: tokenA, password: ADMIN_PASSWORD });
    expect(res.status).toBe(403);
  });

  it('does not follow an off-site "next" after sign-in', async () => {
    const client = new Client(app.url);
    const html = await (await client.get('/admin/login?next=//evil.example/admin')).text();
    const res = await client.postForm('/admin/login', { _csrf: csrfTokenOf(html), login: 'admin', password: ADMIN_PASSWORD, next: 'https://evil.example/' });
    expect(res.headers.get('location')).toBe('/admin');
  });
});

describe('security headers', () => {
  it('sends a CSP without inline script, and nosniff/frame/referrer headers, on pages, errors and the API', async () => {
    for (const path of ['/', `/s/${study.id}/${leaders.id}`, `/s/${study.id}/${leaders.id}/p/1`, '/admin/login', '/findes-ikke', '/api/v1/studies', '/api/v1/nothing']) {
      const res = await fetch(app.url + path, { redirect: 'manual' });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/default-src 'self'/);
      expect(csp, path).toMatch(/script-src 'self'(;|$)/);
      expect(csp, path).toMatch(/script-src-attr 'none'/);
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('serves no page with an inline script or inline event handler', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const pages = ['/', `/s/${study.id}/${leaders.id}`, `/s/${study.id}/${leaders.id}/p/1`, '/admin', '/findes-ikke'];
    for (const path of pages) {
      const html = await (await client.get(path)).text();
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag, path).toMatch(/ src="|type="application\/json"/);
      expect(html, path).not.toMatch(/\son[a-z]+\s*=/i);
    }
  });
});

describe('rate limits', () => {
  it('locks sign-in after the configured number of failures, even for the right password, for a browser that never signed in', async () => {
    const limited = await startApp({ config: { loginLimit: 3, rateLimit: 'off' } });
    try {
      const client = new Client(limited.url);
      for (let i = 0; i < 3; i++) expect((await signIn(client, 'wrong-password')).status).toBe(401);
      const res = await signIn(client, ADMIN_PASSWORD);
      expect(res.status).toBe(429);
      expect(await res.text()).toContain('For mange forsøg');
    } finally {
      await limited.close();
    }
  });

  it('limits submissions per client per minute (429 with Retry-After), and PRAKSIS_RATE_LIMIT=off lifts it', async () => {
    const limited = await startApp({ config: { rateLimit: 3 } });
    try {
      const send = () =>
        fetch(limited.url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      for (let i = 0; i < 3; i++) expect((await send()).status).toBe(400);
      const res = await send();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(429.1);
      // Reading is not limited.
      expect((await fetch(limited.url + '/api/v1/studies')).status).toBe(200);
      // Nor are the questionnaire pages' GETs; their POSTs share the same budget.
      expect((await fetch(`${limited.url}/s/${study.id}/${leaders.id}/p/1`)).status).toBe(200);
      const page = await fetch(`${limited.url}/s/${study.id}/${leaders.id}/p/1`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=next',
      });
      expect(page.status).toBe(429);
    } finally {
      await limited.close();
    }
    // app (the shared one) runs with rateLimit 'off': many submissions from one address pass.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(app.url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(400);
    }
  });
});

describe('hostile free text is escaped on every evaluator page', () => {
  const SCRIPT = '<script>alert("xss")</script>';
  const IMG = '"><img src=x onerror=alert(1)>';

  it('stores the payloads as given and shows them only escaped', async () => {
    const textQ = allQuestions(leaders).find((q) => q.type === 'text' && !q.showIf);
    const otherQ = allQuestions(leaders).find((q) => (q.type === 'multi' || q.type === 'single') && !q.showIf && q.options.some((o) => o.other));
    expect(textQ ?? otherQ, 'the leader questionnaire has a free-text field').toBeDefined();
    for (const payload of [SCRIPT, IMG]) {
      const { answers } = apiAnswers(leaders, fullPlan(municipality));
      if (textQ) answers[textQ.id] = payload;
      if (otherQ && 'options' in otherQ) {
        const code = otherQ.options.find((o) => o.other)!.code;
        answers[otherQ.id] = otherQ.type === 'multi' ? [code] : code;
        answers[`${otherQ.id}_other`] = payload;
      }
      const res = await fetch(app.url + '/api/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ study: study.id, questionnaire: leaders.id, municipality, answers }),
      });
      expect(res.status).toBe(201);
    }

    const client = new Client(app.url);
    await signIn(client);
    const freetext = await (await client.get(`/admin/studies/${study.id}/questionnaires/${leaders.id}/fritekst`)).text();
    expect(freetext).toContain('&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;');
    expect(freetext).toContain('&#34;&gt;&lt;img src=x onerror=alert(1)&gt;');

    // Every GET page of the evaluator area (including ones added later), signed in.
    const pages = routes.filter((r) => r.method === 'GET' && r.path.startsWith('/admin') && !r.path.includes('*'));
    for (const route of pages) {
      const res = await client.get(fillPath(route.path, values()));
      const type = res.headers.get('content-type') ?? '';
      const body = await res.text();
      if (!type.includes('html')) continue;
      expect(body, route.path).not.toContain(SCRIPT);
      expect(body, route.path).not.toContain('<img src=x');
    }
  });

  it('keeps a hostile value escaped when a page is shown again with an error', async () => {
    const client = new Client(app.url);
    const html = await (await client.get(`/s/${study.id}/${leaders.id}/p/1`)).text();
    const state = /name="state" value="([^"]*)"/.exec(html)![1]!;
    const action = /<form id="spoergeskema" method="post" action="([^"]+)"/.exec(html)![1]!;
    // The first page has an "Andet, angiv" field (the role question): its value is shown again after the error.
    const otherField = /name="([a-z0-9_]+_other)"/.exec(html)?.[1];
    expect(otherField).toBeDefined();
    const form = new URLSearchParams({ state, action: 'next' });
    form.set(otherField!, IMG);
    const res = await client.postForm(action, form); // required answers missing → 400 with the values kept
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).not.toContain(SCRIPT);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"');
  });
});
