/**
 * One rule decides whether a questionnaire takes answers (src/services/status.ts), and every path
 * follows it: the open-link pages (/s/…), POST /api/v1/responses with and without a link token,
 * and invitation links (/i/…). The window is set through PUT /api/v1/…/window, the API the
 * fieldwork page's form uses too. Each case the issue found is a test here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, Client, hashDir, questionnaireByGroup, signIn, startApp, theStudy, type Running } from './helpers.ts';
import { validBody } from './walk.ts';

let app: Running;
afterEach(async () => {
  await app.close();
});

const bearer = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

async function setWindow(mode: 'dates' | 'open' | 'closed', openLinks: boolean): Promise<Response> {
  const study = theStudy(app.definitions);
  const leaders = questionnaireByGroup(study, /leder/i);
  return fetch(`${app.url}/api/v1/studies/${study.id}/questionnaires/${leaders.id}/window`, { method: 'PUT', headers: bearer, body: JSON.stringify({ mode, openLinks }) });
}

const postApi = (body: unknown) => fetch(`${app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function linkToken(municipality = '851', uses = 1): Promise<string> {
  const study = theStudy(app.definitions);
  const res = await fetch(`${app.url}/api/v1/studies/${study.id}/invitations`, {
    method: 'POST',
    headers: bearer,
    body: JSON.stringify({ questionnaire: questionnaireByGroup(study, /leder/i).id, municipalities: [municipality], uses }),
  });
  expect(res.status).toBe(201);
  return new URL(((await res.json()) as { url: string }[])[0]!.url).pathname.split('/').pop()!;
}

function paths() {
  const study = theStudy(app.definitions);
  const leaders = questionnaireByGroup(study, /leder/i);
  return { page1: `/s/${study.id}/${leaders.id}/p/1`, landing: `/s/${study.id}/${leaders.id}`, study, leaders };
}

describe('a questionnaire closed by hand', () => {
  it('refuses its pages, API submissions with and without a token, and its invitation links; nothing is stored', async () => {
    app = await startApp({ config: { rateLimit: 'off' } });
    const token = await linkToken();
    const closed = await setWindow('closed', true);
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ mode: 'closed', state: 'closed', openLinkAccepts: false, invitationAccepts: false });
    const before = await hashDir(app.dataDir);
    const { page1 } = paths();
    const page = await fetch(app.url + page1);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Spørgeskemaet er lukket');
    const open = await postApi(validBody(app.definitions));
    expect(open.status).toBe(410);
    expect(((await open.json()) as { error: { code: number } }).error.code).toBe(410.2);
    const viaToken = await postApi({ token, answers: validBody(app.definitions).answers });
    expect(viaToken.status).toBe(410);
    expect((await fetch(`${app.url}/i/${token}/p/1`)).status).toBe(410);
    const form = await fetch(app.url + page1, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'state=x' });
    expect(form.status).toBe(410);
    expect(await hashDir(app.dataDir)).toEqual(before);
    expect(await app.store.responses.count()).toBe(0);
  });

  it('is not reachable through an upper-case path either: routing is case-sensitive for every route', async () => {
    app = await startApp({ config: { rateLimit: 'off' } });
    await setWindow('closed', true);
    const { study, leaders } = paths();
    for (const path of [`/S/${study.id}/${leaders.id}/p/1`, `/s/${study.id.toUpperCase()}/${leaders.id}/p/1`, `/S/${study.id}/${leaders.id}`]) {
      expect((await fetch(app.url + path)).status, path).toBe(404);
    }
    const posted = await fetch(`${app.url}/S/${study.id}/${leaders.id}/p/1`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'state=x' });
    expect(posted.status).toBe(404);
    expect((await fetch(`${app.url}/API/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(validBody(app.definitions)) })).status).toBe(404);
    expect(await app.store.responses.count()).toBe(0);
  });
});

describe('open links switched off', () => {
  it('refuses the /s/ pages and API submissions without a token, and still takes invitation links', async () => {
    app = await startApp({ config: { rateLimit: 'off' } });
    const token = await linkToken();
    expect((await (await setWindow('dates', false)).json()) as object).toMatchObject({ state: 'open', openLinks: false, openLinkAccepts: false, invitationAccepts: true });
    const { page1, landing } = paths();
    const page = await fetch(app.url + page1);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('kan kun besvares via det link');
    expect(await (await fetch(app.url + landing)).text()).not.toContain('Start spørgeskemaet');
    const open = await postApi(validBody(app.definitions));
    expect(open.status).toBe(410);
    expect(((await open.json()) as { error: { code: number } }).error.code).toBe(410.3);
    const viaToken = await postApi({ token, answers: validBody(app.definitions).answers });
    expect(viaToken.status).toBe(201);
    expect((await fetch(`${app.url}/i/${await linkToken('147')}/p/1`)).status).toBe(200);
    expect(await app.store.responses.count()).toBe(1);
  });
});

describe('a questionnaire opened by hand after its closing date', () => {
  it('takes answers on every path: /s/ pages, the API with and without a token, invitation links', async () => {
    app = await startApp({
      config: { rateLimit: 'off' },
      editDefinitions: (defs) => ({ ...defs, studies: defs.studies.map((s) => ({ ...s, fieldwork: { opens: '2016-01-01', closes: '2016-03-31' } })) }),
    });
    const token = await linkToken();
    expect((await postApi(validBody(app.definitions))).status).toBe(410);
    expect((await (await setWindow('open', true)).json()) as object).toMatchObject({ mode: 'open', state: 'open', openLinkAccepts: true });
    const { page1 } = paths();
    expect((await fetch(app.url + page1)).status).toBe(200);
    expect((await postApi(validBody(app.definitions))).status).toBe(201);
    expect((await postApi({ token, answers: validBody(app.definitions).answers })).status).toBe(201);
    expect((await fetch(`${app.url}/i/${await linkToken('147')}/p/1`)).status).toBe(200);
    expect(await app.store.responses.count()).toBe(2);
  });

  it('closes again when set back to its dates', async () => {
    app = await startApp({
      config: { rateLimit: 'off' },
      editDefinitions: (defs) => ({ ...defs, studies: defs.studies.map((s) => ({ ...s, fieldwork: { opens: '2016-01-01', closes: '2016-03-31' } })) }),
    });
    await setWindow('open', true);
    expect((await (await setWindow('dates', true)).json()) as object).toMatchObject({ mode: 'dates', state: 'closed' });
    const res = await postApi(validBody(app.definitions));
    expect(res.status).toBe(410);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/closed on 2016-03-31/);
  });
});

describe('PUT /api/v1/studies/:study/questionnaires/:questionnaire/window', () => {
  it('needs the API key, names what is wrong with a bad body, and changes nothing then', async () => {
    app = await startApp({ config: { rateLimit: 'off' } });
    const { study, leaders } = paths();
    const url = `${app.url}/api/v1/studies/${study.id}/questionnaires/${leaders.id}/window`;
    expect((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"mode":"closed","openLinks":true}' })).status).toBe(401);
    const before = await hashDir(app.dataDir);
    for (const body of [{ mode: 'shut', openLinks: true }, { mode: 'closed' }, { mode: 'closed', openLinks: 'yes' }, { mode: 'closed', openLinks: true, extra: 1 }]) {
      const res = await fetch(url, { method: 'PUT', headers: bearer, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = ((await res.json()) as { error: { code: number; details: { path: string }[] } }).error;
      expect(error.code).toBe(400.2);
      expect(error.details.length).toBeGreaterThan(0);
    }
    expect((await fetch(`${app.url}/api/v1/studies/${study.id}/questionnaires/nope/window`, { method: 'PUT', headers: bearer, body: '{"mode":"closed","openLinks":true}' })).status).toBe(404);
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('is the same rule the fieldwork page shows and sets', async () => {
    app = await startApp({ config: { rateLimit: 'off' } });
    await setWindow('closed', false);
    const client = new Client(app.url);
    await signIn(client);
    const html = await (await client.get(`/admin/studies/${paths().study.id}/fieldwork`)).text();
    expect(html).toContain('status: lukket');
    expect(html).toMatch(/<option value="closed" selected>/);
    expect(html).toMatch(/<option value="off" selected>/);
  });
});
