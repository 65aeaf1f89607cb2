/** Eligibility per study through the real app: the API and the page, the warning, and what follows the choice. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, Client, csrfTokenOf, signIn, startApp, type Running } from './helpers.ts';

let app: Running;
const api = '/api/v1/studies/integration_2016';
const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
});
afterEach(async () => {
  await app.close();
});

const put = (body: unknown) => fetch(app.url + api + '/eligibility', { method: 'PUT', headers, body: JSON.stringify(body) });
type View = { eligible: string[]; isDefault: boolean; municipalities: { code: string; name: string; eligible: boolean; source?: string; responses: number }[] };
const view = async () => (await (await fetch(app.url + api + '/eligibility', { headers })).json()) as View;
const submit = (municipality: string) =>
  fetch(app.url + '/api/v1/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ study: 'integration_2016', questionnaire: 'ledere', municipality, answers: leaderAnswers }),
  });
const leaderAnswers = { rolle: 'under', kontrakt_frist: 'altid', kontrakt_efter_frist: 'inden_1_md', opfoelgning_frist: 'altid', individuelle_hensyn: 'altid', job_maal: 'altid', dansk_beskaeftigelse: 'altid', sanktioner: 'altid', helbred_frist: 'altid', helbred_efter_frist: 'inden_1_md', maalgrupper_retningslinjer: 'nej', helbred_integrationsplan: 'altid', helbred_opfoelgning: 'altid', samarbejde_laeger: 'godt', vaerdi: 'hoej' };

describe('eligibility per study', () => {
  it('defaults to the frame: 93 municipalities, the five zero-quota ones out, each with a cited source', async () => {
    const v = await view();
    expect(v.isDefault).toBe(true);
    expect(v.eligible).toHaveLength(93);
    const out = v.municipalities.filter((m) => !m.eligible);
    expect(out.map((m) => m.name).sort()).toEqual(['Albertslund', 'Brøndby', 'Høje-Taastrup', 'Ishøj', 'København']);
    for (const m of out) expect(m.source).toMatch(/2015/);
    for (const name of ['Ærø', 'Fanø', 'Læsø', 'Samsø']) expect(v.municipalities.find((m) => m.name === name)).toMatchObject({ eligible: true, source: expect.stringMatching(/Kommunekvote 2015 = \d+/) });
  });

  it('PUT changes who may answer: an excluded municipality is refused, an included one accepted', async () => {
    expect((await submit('101')).status).toBe(400);
    const codes = (await view()).eligible.filter((c) => c !== '147');
    const res = await put({ eligible: [...codes, '101'] });
    expect(res.status).toBe(200);
    expect((await submit('101')).status).toBe(201);
    const refused = await submit('147');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Frederiksberg');
  });

  it('excluding a municipality with answers needs confirm: 409 naming it, nothing changed; with confirm it is saved and reported', async () => {
    expect((await submit('147')).status).toBe(201);
    const without = (await view()).eligible.filter((c) => c !== '147');
    const refused = await put({ eligible: without });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('Frederiksberg (147, 1 svar)');
    expect((await view()).isDefault).toBe(true);
    const ok = await put({ eligible: without, confirm: true });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { excludedWithAnswers: unknown[] }).excludedWithAnswers).toEqual([{ code: '147', name: 'Frederiksberg', responses: 1 }]);
    expect((await view()).eligible).not.toContain('147');
  });

  it('refuses unknown codes and an empty list with a message naming them, and changes nothing', async () => {
    const bad = await put({ eligible: ['999', '147'] });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('999');
    expect((await put({ eligible: [] })).status).toBe(400);
    expect((await put({ eligible: ['147'], extra: 1 })).status).toBe(400);
    expect((await view()).isDefault).toBe(true);
  });

  it('invitations for "eligible" and the response rates follow the choice', async () => {
    await put({ eligible: (await view()).eligible.slice(0, 80) });
    const links = await fetch(app.url + api + '/invitations', { method: 'POST', headers, body: JSON.stringify({ questionnaire: 'ledere', municipalities: 'eligible' }) });
    expect(links.status).toBe(201);
    expect((await links.json()) as unknown[]).toHaveLength(80);
    const rates = (await (await fetch(app.url + api + '/response-rates', { headers })).json()) as { questionnaires: { questionnaire: string; invited: number }[] };
    expect(rates.questionnaires.find((q) => q.questionnaire === 'ledere')!.invited).toBe(80);
  });

  it('the page shows the choice, warns before excluding answered municipalities and saves after confirmation', async () => {
    expect((await submit('147')).status).toBe(201);
    const client = new Client(app.url);
    await signIn(client);
    const page = await client.get('/admin/studies/integration_2016/eligibility');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('93 af 98 kommuner deltager');
    const codes = (await view()).eligible.filter((c) => c !== '147');
    const form = new URLSearchParams([['_csrf', csrfTokenOf(html)], ...codes.map((c) => ['eligible', c] as [string, string])]);
    const warned = await client.postForm('/admin/studies/integration_2016/eligibility', form);
    expect(warned.status).toBe(409);
    const warning = await warned.text();
    expect(warning).toContain('Frederiksberg (1 svar)');
    expect((await view()).isDefault).toBe(true);
    form.set('_csrf', csrfTokenOf(warning));
    form.append('confirm', 'ja');
    const saved = await client.postForm('/admin/studies/integration_2016/eligibility', form);
    expect(saved.status).toBe(303);
    expect((await view()).eligible).toHaveLength(92);
  });
});
