/**
 * Issue 18, the attack findings, each as the attacker ran it: the sign-in limit under concurrency,
 * sign-out and replayed cookies, identical cookies, the CSRF token's binding and Origin, and a
 * stranger locking a known account out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_COOKIE, SESSION_COOKIE } from '../../src/http/auth.ts';
import { ADMIN_PASSWORD, Client, csrfTokenOf, signIn, startApp, theStudy, type Running } from '../http/helpers.ts';
import { makeUser, signedIn, tokenOf } from './accounts-helpers.ts';

let app: Running;
beforeAll(async () => {
  app = await startApp({ config: { rateLimit: 'off', loginLimit: 10 } });
});
afterAll(async () => {
  await app.close();
});

const cookieHeader = (client: Client) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

describe('the failed sign-in limit', () => {
  it('holds under 300 concurrent attempts: at most 10 passwords are checked, the right one last gets 429, no session', async () => {
    const client = new Client(app.url);
    const token = csrfTokenOf(await (await client.get('/admin/login')).text());
    const attempt = (password: string) =>
      fetch(app.url + '/admin/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(client) },
        body: new URLSearchParams({ _csrf: token, login: 'admin', password }).toString(),
      });
    const passwords = [...Array.from({ length: 299 }, (_, i) => `wrong-${i}`), ADMIN_PASSWORD];
    const results = await Promise.all(passwords.map(attempt));
    const statuses = results.map((r) => r.status);
    const checked = statuses.filter((s) => s === 401 || s === 303).length;
    expect(checked).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(290);
    expect(statuses.at(-1)).toBe(429);
    expect(results.some((r) => r.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`)))).toBe(false);
  });
});

describe('sessions live on the server', () => {
  it('after sign-out, the replayed cookie opens neither /admin nor responses.csv', async () => {
    const app2 = await startApp({ config: { rateLimit: 'off' } });
    try {
      const client = new Client(app2.url);
      expect((await signIn(client)).status).toBe(303);
      const stolen = cookieHeader(client);
      const study = theStudy(app2.definitions).id;
      expect((await fetch(app2.url + '/admin', { headers: { cookie: stolen }, redirect: 'manual' })).status).toBe(200);
      expect((await client.postForm('/admin/logout', { _csrf: await tokenOf(client, '/admin') })).status).toBe(303);
      for (const path of ['/admin', `/admin/studies/${study}/exports/responses.csv?identify=municipality`]) {
        const replay = await fetch(app2.url + path, { headers: { cookie: stolen }, redirect: 'manual' });
        expect(replay.status, path).toBe(303);
        expect(replay.headers.get('location'), path).toMatch(/^\/admin\/login/);
      }
    } finally {
      await app2.close();
    }
  });

  it('two sign-ins in the same second get different session cookies', async () => {
    const app2 = await startApp({ config: { rateLimit: 'off' } });
    try {
      const [ca, cb] = [new Client(app2.url), new Client(app2.url)];
      await Promise.all([signIn(ca), signIn(cb)]);
      expect(ca.cookies.get(SESSION_COOKIE)).toBeDefined();
      expect(ca.cookies.get(SESSION_COOKIE)).not.toBe(cb.cookies.get(SESSION_COOKIE));
    } finally {
      await app2.close();
    }
  });
});

describe('CSRF and Origin', () => {
  it('a form token belongs to its session: another session of the same user cannot use it', async () => {
    const app2 = await startApp({ config: { rateLimit: 'off' } });
    try {
      const [a, b] = [new Client(app2.url), new Client(app2.url)];
      await signIn(a);
      await signIn(b);
      const tokenA = await tokenOf(a, '/admin');
      const res = await b.postForm('/admin/logout', { _csrf: tokenA });
      expect(res.status).toBe(403);
      expect((await b.get('/admin')).status).toBe(200);
      // The token of the sign-in page (before the session) no longer counts either.
      const anonymous = new Client(app2.url);
      const before = csrfTokenOf(await (await anonymous.get('/admin/login')).text());
      await anonymous.postForm('/admin/login', { _csrf: before, login: 'admin', password: ADMIN_PASSWORD });
      expect((await anonymous.postForm('/admin/logout', { _csrf: before })).status).toBe(403);
    } finally {
      await app2.close();
    }
  });

  it('refuses a state-changing request from another site (Sec-Fetch-Site, Origin, Referer), even with the right token', async () => {
    const app2 = await startApp({ config: { rateLimit: 'off' } });
    try {
      const client = new Client(app2.url);
      await signIn(client);
      const token = await tokenOf(client, '/admin');
      const attacks: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: 'null', 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { referer: 'https://evil.example/page' }];
      for (const headers of attacks) {
        const res = await fetch(app2.url + '/admin/logout', {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(client), ...headers },
          body: new URLSearchParams({ _csrf: token }).toString(),
        });
        expect(res.status, JSON.stringify(headers)).toBe(403);
      }
      expect((await client.get('/admin')).status).toBe(200);
      const own = await fetch(app2.url + '/admin/logout', {
        method: 'POST',
        redirect: 'manual',
        // What Chromium sends from our own page (Referrer-Policy: no-referrer makes its Origin "null").
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(client), origin: 'null', 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ _csrf: token }).toString(),
      });
      expect(own.status).toBe(303);
    } finally {
      await app2.close();
    }
  });
});

describe('a stranger cannot lock a known account out', () => {
  it('a browser that signed in before still gets in with the right password while a stranger at the same address hammers the account', async () => {
    const limited = await startApp({ config: { rateLimit: 'off', loginLimit: 3 } });
    try {
      const eva = await makeUser(limited, 'eva', 'evaluator', [theStudy(limited.definitions).id]);
      const known = await signedIn(limited, eva);
      expect(known.cookies.get(DEVICE_COOKIE)).toBeDefined();
      await known.postForm('/admin/logout', { _csrf: await tokenOf(known) });

      const stranger = new Client(limited.url);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await signIn(stranger, `guess-${i}`, 'eva')).status);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3).every((s) => s === 429)).toBe(true);
      // The stranger is refused the right password too (the pair is over its limit) …
      expect((await signIn(stranger, eva.password, 'eva')).status).toBe(429);
      // … but the known browser's own budget is untouched: the right password opens a session.
      const again = await signIn(known, eva.password, 'eva');
      expect(again.status).toBe(303);
      expect((await known.get('/admin')).status).toBe(200);
      // A wrong password from the known browser counts against that browser only (3, then 429).
      await known.postForm('/admin/logout', { _csrf: await tokenOf(known) });
      for (let i = 0; i < 3; i++) expect((await signIn(known, `typo-${i}`, 'eva')).status).toBe(401);
      expect((await signIn(known, eva.password, 'eva')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('counts per account and address: failures for one account do not stop another account at the same address (until the address limit)', async () => {
    const limited = await startApp({ config: { rateLimit: 'off', loginLimit: 3 } });
    try {
      const bo = await makeUser(limited, 'bo', 'viewer');
      const client = new Client(limited.url);
      for (let i = 0; i < 3; i++) expect((await signIn(client, `guess-${i}`, 'admin')).status).toBe(401);
      expect((await signIn(client, ADMIN_PASSWORD, 'admin')).status).toBe(429);
      expect((await signIn(client, bo.password, 'bo')).status).toBe(303);
    } finally {
      await limited.close();
    }
  });
});
