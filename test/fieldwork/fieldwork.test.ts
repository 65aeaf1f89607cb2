/** Fieldwork through the real app: links, drafts, uses, rates, reminders, window, and no linkage. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, Client, csrfTokenOf, hashDir, parsePage, questionnaireByGroup, signIn, startApp, theStudy, type Running } from '../http/helpers.ts';
import { apiAnswers, fillForm, fullPlan, walk } from '../http/walk.ts';

let app: Running;
const bearer = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
const api = (path: string) => `${app.url}/api/v1${path}`;

async function invite(questionnaire: string, municipalities: 'eligible' | string[], uses?: number): Promise<{ municipality: string; url: string }[]> {
  const res = await fetch(api('/studies/integration_2016/invitations'), { method: 'POST', headers: bearer, body: JSON.stringify({ questionnaire, municipalities, ...(uses ? { uses } : {}) }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { municipality: string; url: string }[];
}
const pathOf = (url: string) => new URL(url).pathname;

beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
});
afterEach(async () => {
  await app.close();
});

describe('invitation links', () => {
  it('creates one link per eligible municipality with a 128-bit token that is stored only hashed', async () => {
    const links = await invite('ledere', 'eligible');
    expect(links).toHaveLength(93);
    const token = pathOf(links[0]!.url).split('/').pop()!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const stored = await readFile(join(app.dataDir, 'fieldwork.json'), 'utf8');
    for (const l of links) expect(stored).not.toContain(pathOf(l.url).split('/').pop()!);
  });

  it('a leader answers through the link without being asked the municipality; the link is then used up (410)', async () => {
    const study = theStudy(app.definitions);
    const leaders = questionnaireByGroup(study, /leder/i);
    const [link] = await invite('ledere', ['851']);
    const client = new Client(app.url);
    const landing = await client.get(pathOf(link!.url));
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Aalborg Kommune');
    const result = await walk(client, leaders, `${pathOf(link!.url)}/p/1`, fullPlan('147'));
    expect(result.pages.some((p) => p.questionIds.includes('kommune'))).toBe(false);
    expect(result.final.headers.get('location')).toBe(`${pathOf(link!.url)}/tak`);
    const stored = await app.store.responses.list();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.municipality).toBe('851');
    const again = await new Client(app.url).get(pathOf(link!.url));
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('Linket er brugt');
  });

  it('unknown and malformed tokens get a friendly 404 page, never a stack trace', async () => {
    for (const path of ['/i/AAAAAAAAAAAAAAAAAAAAAA', '/i/..%2F..%2Fetc%2Fpasswd', '/i/x', '/i/AAAAAAAAAAAAAAAAAAAAAA/p/1']) {
      const res = await fetch(app.url + path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('a caseworker link takes up to k answers; a double submit and a retried API call count once', async () => {
    const [link] = await invite('praktikere', ['147'], 2);
    const token = pathOf(link!.url).split('/').pop()!;
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const { answers } = apiAnswers(qn, fullPlan('147'));
    const send = (submissionId: string) => fetch(api('/responses'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, answers, submissionId }) });
    const [a, b] = await Promise.all([send('sub-aaaaaaaaaaaaaaaa'), send('sub-aaaaaaaaaaaaaaaa')]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect((await send('sub-aaaaaaaaaaaaaaaa')).status).toBe(200);
    expect((await send('sub-bbbbbbbbbbbbbbbb')).status).toBe(201);
    const third = await send('sub-cccccccccccccccc');
    expect(third.status).toBe(410);
    expect(await app.store.responses.count()).toBe(2);
    const rates = (await (await fetch(api('/studies/integration_2016/response-rates'), { headers: bearer })).json()) as { questionnaires: { questionnaire: string; respondents: number; answered: number; invited: number }[] };
    expect(rates.questionnaires.find((q) => q.questionnaire === 'praktikere')).toMatchObject({ invited: 93, withLink: 1, answered: 1, respondents: 2, linkRespondents: 2, openLinkRespondents: 0 });
  });

  it('keeps a draft across a closed browser and a restart, and never shows it to the next person with the link', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const [link] = await invite('praktikere', ['147'], 3);
    const first = new Client(app.url);
    const page1 = parsePage(await (await first.get(`${pathOf(link!.url)}/p/1`)).text());
    const res = await first.postForm(page1.action, fillForm(qn, page1, fullPlan('147')));
    expect(res.status).toBe(200);
    // The draft is on disk (test/fieldwork/scenario.test.ts restarts a server on it).
    expect(JSON.parse(await readFile(join(app.dataDir, 'fieldwork.json'), 'utf8')).drafts).toHaveLength(1);
    // The same browser (its resume cookie) comes back later: the landing page offers to continue, at page 2.
    const landing = await (await first.get(pathOf(link!.url))).text();
    expect(landing).toContain('Fortsæt, hvor du slap');
    const resumed = parsePage(await (await first.get(`${pathOf(link!.url)}/p/1`)).text());
    expect(resumed.action).toMatch(/\/p\/2$/);
    // Another person with the same link starts from scratch.
    const second = new Client(app.url);
    expect(await (await second.get(pathOf(link!.url))).text()).not.toContain('Fortsæt, hvor du slap');
    expect(parsePage(await (await second.get(`${pathOf(link!.url)}/p/1`)).text()).action).toMatch(/\/p\/1$/);
    // Finishing deletes the draft.
    const done = await walk(first, qn, `${pathOf(link!.url)}/p/1`, fullPlan('147'));
    expect(done.final.status).toBe(303);
    expect(JSON.parse(await readFile(join(app.dataDir, 'fieldwork.json'), 'utf8')).drafts).toHaveLength(0);
  });
});

describe('completion without linkage', () => {
  it('after a scripted fieldwork nothing in either store lines up a response with a link', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const links = await invite('praktikere', ['101', '147', '851', '265', '751'].filter((c) => c !== '101'), 3);
    const tokens = links.map((l) => pathOf(l.url).split('/').pop()!);
    const ids: string[] = [];
    for (const [k, token] of [tokens[2], tokens[0], tokens[3], tokens[0], tokens[1]].entries()) {
      const { answers } = apiAnswers(qn, fullPlan('147'));
      const res = await fetch(api('/responses'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, answers, submissionId: `script-${k}-aaaaaaaaaaaa` }) });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const fieldwork = await readFile(join(app.dataDir, 'fieldwork.json'), 'utf8');
    const responses = await readFile(join(app.dataDir, 'responses.jsonl'), 'utf8');
    const data = JSON.parse(fieldwork) as { invitations: { municipality: string; tokenHash: string; completions: Record<string, number> }[] };
    // No response id, submission id or token in the invitations; no token or its hash in the responses.
    for (const id of ids) expect(fieldwork).not.toContain(id);
    expect(fieldwork).not.toContain('script-');
    for (const t of tokens) expect(responses).not.toContain(t);
    for (const inv of data.invitations) expect(responses).not.toContain(inv.tokenHash);
    // Day granularity only, in both stores.
    for (const text of [fieldwork, responses]) expect(text).not.toMatch(/\d{2}:\d{2}/);
    for (const inv of data.invitations) for (const day of Object.keys(inv.completions)) expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Invitations are ordered by municipality, not by when they were used.
    const order = data.invitations.map((i) => i.municipality);
    expect(order).toEqual([...order].sort());
  });
});

describe('evaluator: dashboard, reminders, window', () => {
  it('the dashboard shows rates of link answers only; a reminder CSV carries the SAME link, which keeps working', async () => {
    const links = await invite('ledere', ['147', '851', '461']);
    const qn = questionnaireByGroup(theStudy(app.definitions), /leder/i);
    const token147 = pathOf(links.find((l) => l.municipality === '147')!.url).split('/').pop()!;
    expect((await fetch(api('/responses'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token147, answers: apiAnswers(qn, fullPlan('147')).answers }) })).status).toBe(201);
    // Two Odense (461) leaders answer through the open link: that does not make Odense "har svaret".
    for (const id of ['open-aaaaaaaaaaaaaaaa', 'open-bbbbbbbbbbbbbbbb']) {
      const body = { study: 'integration_2016', questionnaire: 'ledere', ...apiAnswers(qn, fullPlan('461')), submissionId: id };
      expect((await fetch(api('/responses'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(201);
    }
    const client = new Client(app.url);
    await signIn(client);
    const html = await (await client.get('/admin/studies/integration_2016/fieldwork')).text();
    expect(html).toContain('<strong>1</strong> af 93 inviterede kommuner har svaret via deres link');
    expect(html).toContain('2 svar via det åbne link (tæller ikke med)');
    expect(html).toContain('Aalborg (851)');
    expect(html).toContain('Odense (461)');
    const reminder = await client.postForm('/admin/studies/integration_2016/reminders', { _csrf: csrfTokenOf(html), questionnaire: 'ledere' });
    expect(reminder.status).toBe(200);
    const csv = await reminder.text();
    // Under the public address (default http://localhost:<port>), not the 127.0.0.1 the request came to.
    const aalborg = links.find((l) => l.municipality === '851')!;
    expect(aalborg.url).toMatch(/^http:\/\/localhost:\d+\/i\/[A-Za-z0-9_-]{22}$/);
    expect(csv).toContain(`"851","Aalborg","Region Nordjylland","ledere","${aalborg.url}"`);
    expect(csv).toContain('"461"');
    expect(csv).not.toContain('"147"');
    expect((await fetch(app.url + pathOf(aalborg.url))).status).toBe(200);
    const after = await (await client.get('/admin/studies/integration_2016/fieldwork')).text();
    expect(after).toContain('Aalborg (851), 1 påmindelse');
  });

  it('closing by hand refuses links and open links with a clear 410 page; open links can be switched off', async () => {
    const [link] = await invite('ledere', ['851']);
    const client = new Client(app.url);
    await signIn(client);
    const html = await (await client.get('/admin/studies/integration_2016/fieldwork')).text();
    const csrf = csrfTokenOf(html);
    expect((await client.postForm('/admin/studies/integration_2016/window', { _csrf: csrf, questionnaire: 'ledere', mode: 'closed', openLinks: 'on' })).status).toBe(303);
    const closed = await fetch(app.url + pathOf(link!.url));
    expect(closed.status).toBe(410);
    expect(await closed.text()).toContain('Spørgeskemaet er lukket');
    const landing = await fetch(`${app.url}/s/integration_2016/ledere`);
    expect(landing.status).toBe(410);
    expect(await landing.text()).toContain('Spørgeskemaet er lukket');
    await client.postForm('/admin/studies/integration_2016/window', { _csrf: csrf, questionnaire: 'ledere', mode: 'open', openLinks: 'off' });
    expect((await fetch(app.url + pathOf(link!.url))).status).toBe(200);
    const openLink = await fetch(`${app.url}/s/integration_2016/ledere`);
    expect(openLink.status).toBe(410);
    expect(await openLink.text()).toContain('kun besvares via det link');
  });

  it('creates links on the page only for municipalities without one, says how many, and hands the CSV; bad requests change nothing', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const page = await (await client.get('/admin/studies/integration_2016/fieldwork')).text();
    // Nothing is preselected: a click cannot make links for every municipality by itself.
    expect(page).not.toMatch(/name="scope" value="[a-z]+" checked/);
    const csrf = csrfTokenOf(page);
    const first = await client.postForm('/admin/studies/integration_2016/invitations', { _csrf: csrf, questionnaire: 'praktikere', scope: 'list', codes: '147, 851', uses: '3' });
    expect(first.status).toBe(303);
    expect(decodeURIComponent(first.headers.get('location')!)).toContain('2 nye links oprettet; 0 kommuner havde allerede et link');
    const csv = await (await client.get('/admin/studies/integration_2016/links.csv?questionnaire=praktikere')).text();
    expect(csv.trim().split('\n')).toHaveLength(3);
    const second = await client.postForm('/admin/studies/integration_2016/invitations', { _csrf: csrf, questionnaire: 'praktikere', scope: 'list', codes: '147 461', uses: '3' });
    expect(decodeURIComponent(second.headers.get('location')!)).toContain('1 nye links oprettet; 1 kommuner havde allerede et link og beholder det');
    expect(await (await client.get('/admin/studies/integration_2016/links.csv?questionnaire=praktikere')).text()).toContain(csv.trim().split('\n')[1]!);
    // "All municipalities" needs the confirmation box.
    const unconfirmed = await client.postForm('/admin/studies/integration_2016/invitations', { _csrf: csrf, questionnaire: 'ledere', scope: 'eligible', codes: '', uses: '1' });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('Bekræft, at alle kommuner i undersøgelsen uden link skal have et.');
    const before = await hashDir(app.dataDir);
    for (const body of [{ questionnaire: 'ledere', municipalities: ['999'] }, { questionnaire: 'nope', municipalities: 'eligible' }, { questionnaire: 'ledere', municipalities: 'all' }, { questionnaire: 'ledere', municipalities: ['101'] }]) {
      const r = await fetch(api('/studies/integration_2016/invitations'), { method: 'POST', headers: bearer, body: JSON.stringify(body) });
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect((await fetch(api('/studies/integration_2016/invitations'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await fetch(api('/studies/integration_2016/response-rates'))).status).toBe(401);
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('a wrong code in "Kun disse kommunekoder" names the code and keeps what was typed', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const csrf = csrfTokenOf(await (await client.get('/admin/studies/integration_2016/fieldwork')).text());
    const res = await client.postForm('/admin/studies/integration_2016/invitations', { _csrf: csrf, questionnaire: 'ledere', scope: 'list', codes: '147, 101', uses: '1' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Kommunekoden »101« findes ikke blandt kommunerne i undersøgelsen');
    expect(html).toMatch(/id="codes-ledere" name="codes" autocomplete="off" value="147, 101"/);
    expect(html).toMatch(/id="scope-list-ledere" name="scope" value="list" checked/);
    expect(await app.store.fieldwork.invitations('integration_2016')).toEqual([]);
  });

  it('replaces one link by hand: the old link stops working and the draft opens on the new link in the same browser', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const [link] = await invite('praktikere', ['147'], 3);
    const browser = new Client(app.url);
    const page1 = parsePage(await (await browser.get(`${pathOf(link!.url)}/p/1`)).text());
    expect((await browser.postForm(page1.action, fillForm(qn, page1, fullPlan('147')))).status).toBe(200);
    const evaluator = new Client(app.url);
    await signIn(evaluator);
    const csrf = csrfTokenOf(await (await evaluator.get('/admin/studies/integration_2016/fieldwork')).text());
    const unconfirmed = await evaluator.postForm('/admin/studies/integration_2016/links/replace', { _csrf: csrf, questionnaire: 'praktikere', municipality: '147' });
    expect(unconfirmed.status).toBe(400);
    const replaced = await evaluator.postForm('/admin/studies/integration_2016/links/replace', { _csrf: csrf, questionnaire: 'praktikere', municipality: '147', confirm: 'ja' });
    expect(replaced.status).toBe(200);
    const url = /"(http:\/\/localhost:\d+\/i\/[A-Za-z0-9_-]{22})"/.exec(await replaced.text())![1]!;
    expect(url).not.toBe(link!.url);
    expect((await fetch(app.url + pathOf(link!.url))).status).toBe(404);
    expect(await (await browser.get(pathOf(url))).text()).toContain('Fortsæt, hvor du slap');
    expect(parsePage(await (await browser.get(`${pathOf(url)}/p/1`)).text()).action).toMatch(/\/p\/2$/);
  });

  it('builds links under PRAKSIS_PUBLIC_URL, never under the Host header, and warns on the page while it is localhost', async () => {
    const { request } = await import('node:http');
    const u = new URL(app.url);
    const body = JSON.stringify({ questionnaire: 'ledere', municipalities: ['851'] });
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ method: 'POST', host: u.hostname, port: u.port, path: '/api/v1/studies/integration_2016/invitations', headers: { ...bearer, host: 'evil.example', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d));
        res.on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(text).not.toContain('evil.example');
    expect(JSON.parse(text)[0].url).toMatch(new RegExp(`^http://localhost:${u.port}/i/`));
    const client = new Client(app.url);
    await signIn(client);
    expect(await (await client.get('/admin/studies/integration_2016/fieldwork')).text()).toContain('Linkene virker kun på denne maskine');
  });
});
