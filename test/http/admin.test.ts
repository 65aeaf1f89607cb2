/**
 * The evaluator area of issue 2 §8: sign-in, study list with response counts, questionnaire
 * preview, free-text answers, sign-out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { Client, allQuestions, csrfTokenOf, questionnaireByGroup, signIn, startApp, theStudy, type Running } from './helpers.ts';
import { OTHER_TEXT, apiAnswers, fullPlan } from './walk.ts';

let app: Running;
let study: TStudy;
let leaders: TQuestionnaire;
let municipality: string;

beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  study = theStudy(app.definitions);
  leaders = questionnaireByGroup(study, /leder/i);
  municipality = app.definitions.frames.get(study.frame)!.municipalities.find((m) => m.eligible)!.code;
});
afterEach(async () => {
  await app.close();
});

describe('evaluator area', () => {
  it('sends a signed-out visitor to the login page and back after signing in', async () => {
    const client = new Client(app.url);
    const target = `/admin/studies/${study.id}/questionnaires/${leaders.id}`;
    const res = await client.get(target);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/login?next=${encodeURIComponent(target)}`);
    const login = await (await client.get(res.headers.get('location')!)).text();
    expect(login).toContain('<h1>Log ind</h1>');
    const post = await client.postForm('/admin/login', { _csrf: csrfTokenOf(login), login: 'admin', password: 'test-password-123', next: target });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe(target);
    expect((await client.get(target)).status).toBe(200);
  });

  it('a wrong password shows the login page again with an error, in Danish', async () => {
    const client = new Client(app.url);
    const res = await signIn(client, 'not-the-password');
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('Brugernavn eller adgangskode er ikke korrekt');
    expect(html).toContain('aria-invalid="true"');
    expect((await client.get('/admin')).status).toBe(303);
  });

  it('lists the studies with their questionnaires and response counts', async () => {
    const { answers } = apiAnswers(leaders, fullPlan(municipality));
    for (let i = 0; i < 2; i++) {
      const res = await fetch(app.url + '/api/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ study: study.id, questionnaire: leaders.id, municipality, answers }),
      });
      expect(res.status).toBe(201);
    }
    const client = new Client(app.url);
    await signIn(client);
    const html = await (await client.get('/admin')).text();
    expect(html).toContain(study.title);
    for (const qn of study.questionnaires) expect(html).toContain(`href="/admin/studies/${study.id}/questionnaires/${qn.id}"`);
    const row = html.slice(html.indexOf(`<td>${leaders.title}</td>`)).split('</tr>')[0]!;
    expect(row).toContain('<td>2</td>');
    expect(html).toContain('Log ud');
  });

  it('previews every question of a questionnaire with its conditions and figure numbers', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const html = await (await client.get(`/admin/studies/${study.id}/questionnaires/${leaders.id}`)).text();
    for (const q of allQuestions(leaders)) expect(html).toContain(`<code>${q.id}</code>`);
    const figures = allQuestions(leaders).flatMap((q) => (q.figure ? [q.figure.number] : []));
    expect(figures.length).toBeGreaterThan(0);
    for (const n of figures) expect(html).toContain(`Figur ${n}:`);
    expect(allQuestions(leaders).some((q) => q.showIf)).toBe(true);
    expect(html).toContain('Vises kun hvis');
  });

  it('shows "Andet, angiv" texts on the free-text page', async () => {
    const { answers } = apiAnswers(leaders, fullPlan(municipality));
    const res = await fetch(app.url + '/api/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ study: study.id, questionnaire: leaders.id, municipality, answers }),
    });
    expect(res.status).toBe(201);
    const client = new Client(app.url);
    await signIn(client);
    const html = await (await client.get(`/admin/studies/${study.id}/questionnaires/${leaders.id}/fritekst`)).text();
    expect(html).toContain('<h1>Fritekstsvar</h1>');
    expect(Object.keys(answers).some((k) => k.endsWith('_other'))).toBe(true);
    expect(html).toContain(OTHER_TEXT);
  });

  it('an unknown questionnaire in the evaluator area is a Danish 404', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const res = await client.get(`/admin/studies/${study.id}/questionnaires/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Siden findes ikke');
  });
});
