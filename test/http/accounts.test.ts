/**
 * Issue 18 through the real app: the users API exactly as named, the account pages, hostile input
 * to every new endpoint and form (refused with a message, the data unchanged), a removed user's
 * session and key, password changes, and the activity log (each action once, nothing about respondents).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, Client, hashDir, questionnaireByGroup, signIn, startApp, theStudy, type Running } from './helpers.ts';
import { apiAnswers, fullPlan } from './walk.ts';
import { bearer, makeKey, makeUser, signedIn, tokenOf } from '../security/accounts-helpers.ts';

let app: Running;
let study: string;
beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  study = theStudy(app.definitions).id;
});
afterEach(async () => {
  await app.close();
});

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('the users API', () => {
  it('POST /api/v1/users -> 201 {id, password}; keys -> 201 {key}; whoami; GET lists without hashes; DELETE ends it all at once', async () => {
    const res = await fetch(app.url + '/api/v1/users', { method: 'POST', headers: bearer(API_KEY), body: JSON.stringify({ name: 'Vera Viewer', login: 'Vera@Example.org', role: 'viewer', studies: [study] }) });
    expect(res.status).toBe(201);
    const made = await json(res);
    expect(Object.keys(made).sort()).toEqual(['id', 'password']);
    const vera = { login: 'vera@example.org', password: String(made.password) };
    const client = await signedIn(app, vera);

    // A user makes keys for themselves, not for others.
    const own = await makeKey(app, String(made.id), 'mit script');
    const who = await fetch(app.url + '/api/v1/whoami', { headers: bearer(own) });
    expect(await json(who)).toEqual({ name: 'Vera Viewer', role: 'viewer', studies: [study] });
    const other = await makeUser(app, 'otto', 'evaluator', [study]);
    const forOther = await fetch(`${app.url}/api/v1/users/${other.id}/keys`, { method: 'POST', headers: bearer(own), body: JSON.stringify({ name: 'x' }) });
    expect(forOther.status).toBe(403);
    const forSelf = await fetch(`${app.url}/api/v1/users/${String(made.id)}/keys`, { method: 'POST', headers: bearer(own), body: JSON.stringify({ name: 'endnu en' }) });
    expect(forSelf.status).toBe(201);
    expect(Object.keys(await json(forSelf))).toEqual(['key']);
    expect((await fetch(app.url + '/api/v1/users', { headers: bearer(own) })).status).toBe(403);

    const list = (await (await fetch(app.url + '/api/v1/users', { headers: bearer(API_KEY) })).json()) as Record<string, unknown>[];
    expect(list.map((u) => u.login)).toEqual(['admin', 'otto', 'vera@example.org']);
    expect(JSON.stringify(list)).not.toMatch(/scrypt|passwordHash/);

    expect((await fetch(`${app.url}/api/v1/users/${String(made.id)}`, { method: 'DELETE', headers: bearer(API_KEY) })).status).toBe(204);
    expect((await fetch(app.url + '/api/v1/whoami', { headers: bearer(own) })).status).toBe(401);
    expect((await client.get('/admin')).status).toBe(303);
    expect((await fetch(`${app.url}/api/v1/users/${String(made.id)}`, { method: 'DELETE', headers: bearer(API_KEY) })).status).toBe(404);
  });

  it('refuses hostile bodies with a message naming the field, and changes nothing', async () => {
    const someone = await makeUser(app, 'some.one', 'viewer');
    const before = await hashDir(app.dataDir);
    const bodies: [string, RegExp][] = [
      ['[]', /user/i],
      ['null', /JSON|user/i],
      ['"text"', /JSON|user/i],
      [JSON.stringify({ name: '', login: 'a', role: 'viewer' }), /name|login/],
      [JSON.stringify({ name: 'A', login: 'has space', role: 'viewer' }), /login/],
      [JSON.stringify({ name: 'A', login: 'abc', role: 'root' }), /role/],
      [JSON.stringify({ name: 'A', login: 'abc', role: 'viewer', studies: ['nope'] }), /nope/],
      [JSON.stringify({ name: 'A', login: 'abc', role: 'viewer', studies: 'x' }), /studies/],
      [JSON.stringify({ name: 'A', login: 'abc', role: 'viewer', admin: true }), /admin/],
      [JSON.stringify({ name: '<script>alert(1)</script>', login: 'abc', role: 'viewer' }), /name/],
      [JSON.stringify({ name: 'A'.repeat(500), login: 'abc', role: 'viewer' }), /name/],
      [JSON.stringify({ name: 'A', login: 'some.one', role: 'viewer' }), /taken/],
      [JSON.stringify({ name: 'A', login: 'x'.repeat(121) + '@example.org', role: 'viewer' }), /login/],
    ];
    for (const [body, message] of bodies) {
      const res = await fetch(app.url + '/api/v1/users', { method: 'POST', headers: bearer(API_KEY), body });
      expect([400, 409], body).toContain(res.status);
      expect(JSON.stringify(await res.json()), body).toMatch(message);
    }
    const csv = await fetch(app.url + '/api/v1/users', { method: 'POST', headers: { ...bearer(API_KEY), 'content-type': 'text/csv' }, body: 'name,login\nA,b' });
    expect(csv.status).toBe(400);
    for (const body of ['{}', JSON.stringify({ name: '' }), JSON.stringify({ name: 'a\u0000b' }), JSON.stringify({ name: 'ok', extra: 1 })]) {
      const res = await fetch(`${app.url}/api/v1/users/${someone.id}/keys`, { method: 'POST', headers: bearer(API_KEY), body });
      expect(res.status, body).toBe(400);
      expect(JSON.stringify(await res.json()), body).toMatch(/name|extra/);
    }
    for (const id of ['x', '..%2F..%2Fetc', 'a'.repeat(300)]) {
      expect((await fetch(`${app.url}/api/v1/users/${id}/keys`, { method: 'POST', headers: bearer(API_KEY), body: '{"name":"k"}' })).status).toBe(404);
      expect((await fetch(`${app.url}/api/v1/users/${id}`, { method: 'DELETE', headers: bearer(API_KEY) })).status).toBe(404);
    }
    expect(await hashDir(app.dataDir)).toEqual(before);
  });
});

describe('the account pages', () => {
  it('admins add users, change role and studies, reset passwords and remove users; bad forms are refused and change nothing', async () => {
    const admin = new Client(app.url);
    await signIn(admin);
    const page = await (await admin.get('/admin/users')).text();
    expect(page).toContain('<h1>Brugere</h1>');
    expect(page).toContain('Tilføj en bruger');

    const added = await admin.postForm('/admin/users', new URLSearchParams([['_csrf', await tokenOf(admin, '/admin/users')], ['name', 'Aud Itor'], ['login', 'aud'], ['role', 'auditor'], ['studies', study]]));
    expect(added.status).toBe(201);
    const addedHtml = await added.text();
    const password = /<code class="secret">([^<]+)<\/code>/.exec(addedHtml)?.[1];
    expect(password).toBeDefined();
    expect(addedHtml).toContain('Vises kun denne ene gang');
    const aud = (await app.store.users.findByLogin('aud'))!;
    expect(aud).toMatchObject({ role: 'auditor', studies: [study] });

    const before = await hashDir(app.dataDir);
    const token = await tokenOf(admin, '/admin/users');
    const bad: [string, Record<string, string>, RegExp][] = [
      ['/admin/users', { name: 'X', login: 'a b', role: 'viewer' }, /login/],
      ['/admin/users', { name: 'X', login: 'xy', role: 'root' }, /role/],
      ['/admin/users', { name: 'X', login: 'aud', role: 'viewer' }, /taken/],
      ['/admin/users', { name: 'X', login: 'xy', role: 'viewer', studies: 'nope' }, /nope/],
      [`/admin/users/${aud.id}`, { role: 'superuser' }, /role/],
      [`/admin/users/${aud.id}`, { role: 'viewer', studies: '../etc' }, /studies/],
      ['/admin/users/unknown-user-id/password', {}, /not found/i],
      ['/admin/users/unknown-user-id/remove', {}, /not found/i],
    ];
    for (const [path, form, message] of bad) {
      const res = await admin.postForm(path, { _csrf: token, ...form });
      expect([400, 404, 409], `${path} ${JSON.stringify(form)}`).toContain(res.status);
      const html = await res.text();
      expect(html, path).toContain('Der er et problem');
      expect(html, path).toMatch(message);
    }
    const self = (await app.store.users.findByLogin('admin'))!;
    const removeSelf = await admin.postForm(`/admin/users/${self.id}/remove`, { _csrf: token });
    expect(removeSelf.status).toBe(409);
    const demoteLast = await admin.postForm(`/admin/users/${self.id}`, { _csrf: token, role: 'viewer' });
    expect(demoteLast.status).toBe(409);
    expect(await hashDir(app.dataDir)).toEqual(before);

    const audClient = await signedIn(app, { login: 'aud', password: password! });
    expect((await admin.postForm(`/admin/users/${aud.id}`, { _csrf: token, role: 'viewer', studies: study })).status).toBe(303);
    expect((await app.store.users.get(aud.id))!.role).toBe('viewer');
    const reset = await admin.postForm(`/admin/users/${aud.id}/password`, { _csrf: token });
    const newPassword = /<code class="secret">([^<]+)<\/code>/.exec(await reset.text())?.[1];
    expect((await audClient.get('/admin')).status).toBe(303); // the reset ended aud's session
    const again = await signedIn(app, { login: 'aud', password: newPassword! });
    expect((await admin.postForm(`/admin/users/${aud.id}/remove`, { _csrf: token })).status).toBe(303);
    expect((await again.get('/admin')).status).toBe(303);
    expect(await app.store.users.findByLogin('aud')).toBeUndefined();
  });

  it('"Min konto": a password change ends the other sessions; keys are made (shown once), listed and revoked; sign out everywhere', async () => {
    const eva = await makeUser(app, 'eva', 'evaluator', [study]);
    const [here, there] = [await signedIn(app, eva), await signedIn(app, eva)];
    const token = await tokenOf(here);
    const before = await hashDir(app.dataDir);
    for (const form of [{ current: 'wrong', password: 'a-new-password-1' }, { current: eva.password, password: 'short' }, { current: eva.password }, { name: '' }] as Record<string, string>[]) {
      const path = 'name' in form ? '/admin/account/keys' : '/admin/account/password';
      const res = await here.postForm(path, { _csrf: token, ...form });
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(await res.text()).toContain('Der er et problem');
    }
    expect((await here.postForm('/admin/account/keys/no-such-key-id/revoke', { _csrf: token })).status).toBe(404);
    expect(await hashDir(app.dataDir)).toEqual(before);

    const changed = await here.postForm('/admin/account/password', { _csrf: token, current: eva.password, password: 'a-new-password-1' });
    expect(changed.status).toBe(200);
    expect((await here.get('/admin')).status).toBe(200);
    expect((await there.get('/admin')).status).toBe(303);

    const made = await here.postForm('/admin/account/keys', { _csrf: token, name: 'R på min pc' });
    expect(made.status).toBe(201);
    const key = /<code class="secret">([^<]+)<\/code>/.exec(await made.text())![1]!;
    expect((await fetch(app.url + '/api/v1/whoami', { headers: bearer(key) })).status).toBe(200);
    const account = await (await here.get('/admin/account')).text();
    expect(account).toContain('R på min pc');
    expect(account).not.toContain(key);
    const keyId = (await app.store.users.keys(eva.id))[0]!.id;
    expect((await here.postForm(`/admin/account/keys/${keyId}/revoke`, { _csrf: token })).status).toBe(303);
    expect((await fetch(app.url + '/api/v1/whoami', { headers: bearer(key) })).status).toBe(401);

    const third = await signedIn(app, { login: 'eva', password: 'a-new-password-1' });
    expect((await here.postForm('/admin/logout', { _csrf: token, everywhere: 'on' })).status).toBe(303);
    expect((await third.get('/admin')).status).toBe(303);
    expect((await here.get('/admin')).status).toBe(303);
  });
});

describe('the activity log', () => {
  it('records each action once, with who, study and time, exports it as CSV for admins, and holds nothing about respondents', async () => {
    const s = theStudy(app.definitions);
    const leaders = questionnaireByGroup(s, /leder/i);
    const municipality = app.definitions.frames.get(s.frame)!.municipalities.find((m) => m.eligible)!.code;
    const SECRET_ANSWER = 'Respondentens-hemmelige-svar-42';
    const { answers } = apiAnswers(leaders, fullPlan(municipality));
    const textQ = leaders.sections.flatMap((x) => x.questions).find((q) => q.type === 'text' && !q.showIf);
    if (textQ) answers[textQ.id] = SECRET_ANSWER;
    const submitted = await fetch(app.url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ study: s.id, questionnaire: leaders.id, municipality, answers }) });
    const responseId = String((await json(submitted)).id);
    const links = await fetch(`${app.url}/api/v1/studies/${s.id}/invitations`, { method: 'POST', headers: bearer(API_KEY), body: JSON.stringify({ questionnaire: leaders.id, municipalities: [municipality] }) });
    const linkUrl = String(((await links.json()) as { url: string }[])[0]!.url);

    const admin = new Client(app.url);
    expect((await signIn(admin, 'not-it')).status).toBe(401);
    await signIn(admin);
    const token = await tokenOf(admin, '/admin/users');
    await admin.get(`/admin/studies/${s.id}/exports/responses.csv?identify=municipality`);
    await admin.get(`/admin/studies/${s.id}/exports/tables.csv`);
    await admin.postForm(`/admin/studies/${s.id}/window`, { _csrf: token, questionnaire: leaders.id, mode: 'closed', openLinks: 'off' });
    await admin.postForm(`/admin/studies/${s.id}/window`, { _csrf: token, questionnaire: leaders.id, mode: 'bogus', openLinks: 'off' }); // refused: not logged
    const vic = await makeUser(app, 'vic', 'viewer', [s.id]);
    await admin.postForm(`/admin/users/${vic.id}`, { _csrf: token, role: 'evaluator', studies: s.id });
    await admin.postForm(`/admin/users/${vic.id}/password`, { _csrf: token });
    await makeKey(app, vic.id);
    await admin.postForm(`/admin/users/${vic.id}/remove`, { _csrf: token });
    await admin.postForm('/admin/logout', { _csrf: token });

    const entries = await app.store.users.activity();
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    expect(Object.fromEntries(['sign-in', 'sign-in-failed', 'export', 'window', 'user-add', 'user-change', 'user-password', 'key-add', 'user-remove', 'sign-out'].map((a) => [a, count(a)]))).toEqual({
      'sign-in': 1,
      'sign-in-failed': 1,
      export: 2,
      window: 1,
      'user-add': 1,
      'user-change': 1,
      'user-password': 1,
      'key-add': 1,
      'user-remove': 1,
      'sign-out': 1,
    });
    const exportEntry = entries.find((e) => e.action === 'export' && e.detail.includes('responses'))!;
    expect(exportEntry).toMatchObject({ who: 'admin', study: s.id });
    expect(exportEntry.detail).toContain('identify=municipality');
    expect(exportEntry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(entries.find((e) => e.action === 'user-add')).toMatchObject({ who: 'PRAKSIS_API_KEY', detail: `vic (viewer: ${s.id})` });

    const signedInAgain = new Client(app.url);
    await signIn(signedInAgain);
    const page = await (await signedInAgain.get('/admin/log')).text();
    expect(page).toContain('<h1>Aktivitetslog</h1>');
    const csvRes = await signedInAgain.get('/admin/log.csv');
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await csvRes.text();
    expect(csv.split('\r\n')[0]).toBe('"tidspunkt","bruger","handling","studie","detaljer"');
    // Scan: no answer, response id, link token, municipality of a response or client address.
    const token2 = linkUrl.split('/i/')[1]!;
    for (const text of [csv, page, JSON.stringify(await app.store.users.activity())]) {
      for (const secret of [SECRET_ANSWER, responseId, token2, '127.0.0.1', 'passwordHash', 'scrypt', vic.password]) expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(entries)).not.toMatch(new RegExp(`"${municipality}"`));
  });
});

describe('an install from before accounts', () => {
  it('keeps its evaluator password as the first admin\'s and its API key as an admin key; nothing is generated', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openStore } = await import('../../src/storage/index.ts');
    const { ensureCredentials, hashPassword, sha256 } = await import('../../src/services/credentials.ts');
    const dir = await mkdtemp(join(tmpdir(), 'praksis-upgrade-'));
    try {
      const old = await openStore(dir);
      const oldHash = await hashPassword('the-old-password');
      await old.settings.update((s) => Object.assign(s, { adminPasswordHash: oldHash, apiKeyHash: sha256('the-old-api-key-0123456789'), sessionSecret: 'kept-secret' }));
      await old.close();
      const store = await openStore(dir);
      try {
        expect(await ensureCredentials(store, { adminPassword: undefined, apiKey: undefined })).toEqual({ firstAdminPending: false });
        expect(await store.users.findByLogin('admin')).toMatchObject({ role: 'admin', passwordHash: oldHash });
        expect((await store.settings.read()).sessionSecret).toBe('kept-secret');
        const { createContext } = await import('../../src/services/context.ts');
        const { actorOfKey } = await import('../../src/services/sessions.ts');
        const ctx = createContext({ studies: [], frames: new Map() }, store);
        expect(await actorOfKey(ctx, 'the-old-api-key-0123456789')).toMatchObject({ login: 'PRAKSIS_API_KEY', role: 'admin' });
        expect(await actorOfKey(ctx, 'not-the-old-api-key-0123')).toBeUndefined();
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
