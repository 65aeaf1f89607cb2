/**
 * The respondent web flow through plain HTML forms, as a browser without JavaScript uses it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TQuestion, TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { Client, allQuestions, hashDir, parsePage, questionnaireByGroup, startApp, theStudy, type Running } from './helpers.ts';
import { expectedAnswerIds, fillForm, findConditional, fullPlan, walk, type Plan } from './walk.ts';

let app: Running;
let study: TStudy;
let leaders: TQuestionnaire;
let caseworkers: TQuestionnaire;
let municipality: string;

beforeEach(async () => {
  app = await startApp();
  study = theStudy(app.definitions);
  leaders = questionnaireByGroup(study, /leder/i);
  caseworkers = questionnaireByGroup(study, /praktiker|sagsbehandler/i);
  const frame = app.definitions.frames.get(study.frame)!;
  municipality = frame.municipalities.find((m) => m.eligible)!.code;
});

afterEach(async () => {
  await app.close();
});

const start = (qn: TQuestionnaire) => `/s/${study.id}/${qn.id}/p/1`;

async function responses() {
  return app.store.responses.list();
}

describe('front and landing pages', () => {
  it('lists both questionnaires with links, in Danish', async () => {
    const res = await fetch(app.url + '/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="da">');
    for (const qn of [leaders, caseworkers]) expect(html).toContain(`href="/s/${study.id}/${qn.id}"`);
  });

  it('shows purpose, time estimate and what is stored before anything starts', async () => {
    const res = await fetch(`${app.url}/s/${study.id}/${leaders.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`${leaders.minutes} minutter`);
    expect(html).toMatch(/Vi gemmer dine svar, din kommune og datoen/);
    expect(html).toMatch(/ikke dit navn, din e-mail, din IP-adresse/);
    expect(html).toContain(`href="${start(leaders)}"`);
  });

  it('answers an unknown questionnaire with a Danish 404 page', async () => {
    const res = await fetch(`${app.url}/s/${study.id}/findes_ikke`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/html/);
    const html = await res.text();
    expect(html).toContain('Siden findes ikke');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
  });

  it('has no inline executable script and labels every input', async () => {
    const html = await (await fetch(app.url + start(leaders))).text();
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/ src="|type="application\/json"/);
    const ids = [...html.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]* id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(html).toMatch(new RegExp(`<label[^>]* for="${id}"`));
    expect(html).toMatch(/<progress id="fremdrift" max="\d+" value="1">/);
  });
});

describe('complete submissions through the HTML forms', () => {
  for (const which of ['leaders', 'caseworkers'] as const) {
    it(`stores one complete ${which} response with only the visible answers`, async () => {
      const qn = which === 'leaders' ? leaders : caseworkers;
      const plan = fullPlan(municipality);
      const before = (await responses()).length;
      const client = new Client(app.url);
      const { pages, final } = await walk(client, qn, start(qn), plan);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      expect(final.headers.get('location')).toBe(`/s/${study.id}/${qn.id}/tak`);
      const thanks = await client.get(final.headers.get('location')!);
      expect(thanks.status).toBe(200);
      expect(await thanks.text()).toContain('Tak for dine svar');

      const stored = await responses();
      expect(stored.length).toBe(before + 1);
      const response = stored.at(-1)!;
      expect(response).toMatchObject({ study: study.id, questionnaire: qn.id, version: qn.version, municipality });
      expect(response.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const answered = Object.keys(response.answers).filter((k) => !k.endsWith('_other'));
      expect(answered.sort()).toEqual(expectedAnswerIds(qn, plan).sort());
      // Every question with a figure that is visible under this plan was answered.
      expect(Object.keys(response).sort()).toEqual(['answers', 'day', 'id', 'municipality', 'questionnaire', 'study', 'version']);
    });
  }

  it('offers the eligible municipalities of the frame, sorted by name', async () => {
    const frame = app.definitions.frames.get(study.frame)!;
    const client = new Client(app.url);
    let html = await (await client.get(start(leaders))).text();
    const municipalityQuestion = allQuestions(leaders).find((q) => q.type === 'municipality')!;
    const plan = fullPlan(municipality);
    for (let i = 0; i < 40 && !parsePage(html).questionIds.includes(municipalityQuestion.id); i++) {
      const page = parsePage(html);
      html = await (await client.postForm(page.action, fillForm(leaders, page, plan))).text();
    }
    const offered = parsePage(html).choices.get(municipalityQuestion.id);
    const expected = frame.municipalities
      .filter((m) => m.eligible)
      .sort((a, b) => a.name.localeCompare(b.name, 'da'))
      .map((m) => m.code);
    expect(offered).toEqual(expected);
  });

  it('stores ONE response when the last page is submitted twice (double click, back and resubmit)', async () => {
    const plan = fullPlan(municipality);
    const client = new Client(app.url);
    let html = await (await client.get(start(leaders))).text();
    let last: { action: string; form: URLSearchParams; res: Response } | undefined;
    for (let i = 0; i < 60 && !last; i++) {
      const page = parsePage(html);
      const form = fillForm(leaders, page, plan);
      const res = await client.postForm(page.action, form);
      if (res.status === 303) last = { action: page.action, form, res };
      else html = await res.text();
    }
    expect(last, 'the last page was reached').toBeDefined();
    const again = await client.postForm(last!.action, last!.form);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(last!.res.headers.get('location'));
    expect((await responses()).length).toBe(1);
  });
});

describe('skip logic', () => {
  it('never stores an answer to a question hidden after it was answered on an earlier page', async () => {
    const found = findConditional(leaders, false) ?? findConditional(caseworkers, false);
    expect(found, 'the questionnaires have a follow-up on a later page than its parent').toBeDefined();
    const { child, parent, showValue, hideValue } = found!;
    const qn = allQuestions(leaders).includes(child) ? leaders : caseworkers;
    const showing = fullPlan(municipality, { [parent.id]: showValue });
    const hiding = fullPlan(municipality, { [parent.id]: hideValue });
    const client = new Client(app.url);

    // Forward with the follow-up shown, until the page after the one that shows it.
    let html = await (await client.get(start(qn))).text();
    let sawChild = false;
    for (let i = 0; i < 60 && !sawChild; i++) {
      const page = parsePage(html);
      sawChild = page.questionIds.includes(child.id);
      const res = await client.postForm(page.action, fillForm(qn, page, showing));
      expect(res.status).toBe(200);
      html = await res.text();
    }
    expect(sawChild).toBe(true);
    // Back to the parent's page; the earlier answers are filled in again.
    for (let i = 0; i < 60 && !parsePage(html).questionIds.includes(parent.id); i++) {
      const page = parsePage(html);
      html = await (await client.postForm(page.action, fillForm(qn, page, showing, 'back'))).text();
    }
    expect(parsePage(html).filled.get(parent.id)).toEqual([showValue]);
    // Change the parent so that the follow-up is hidden, and finish.
    let final: Response | undefined;
    for (let i = 0; i < 60; i++) {
      const page = parsePage(html);
      expect(page.questionIds).not.toContain(child.id);
      const res = await client.postForm(page.action, fillForm(qn, page, hiding));
      if (res.status === 303) {
        final = res;
        break;
      }
      expect(res.status).toBe(200);
      html = await res.text();
    }
    expect(final).toBeDefined();
    const [response] = await responses();
    expect(response!.answers[parent.id]).toBe(hideValue);
    expect(Object.keys(response!.answers)).not.toContain(child.id);
    expect(Object.keys(response!.answers).sort()).toEqual(
      expect.arrayContaining(expectedAnswerIds(qn, hiding)),
    );
  });

  it('drops an answer to a hidden question on the same page (no JavaScript shows both)', async () => {
    const found = findConditional(leaders, true) ?? findConditional(caseworkers, true);
    if (!found) return; // the questionnaires put every follow-up on its own page: covered above
    const { child, parent, hideValue } = found;
    const qn = allQuestions(leaders).includes(child) ? leaders : caseworkers;
    // Answer the follow-up although the parent hides it.
    const plan: Plan = (q) => (q.id === parent.id ? hideValue : fullPlan(municipality)(q));
    const client = new Client(app.url);
    const { final } = await walk(client, qn, start(qn), plan);
    expect(final.status).toBe(303);
    const [response] = await responses();
    expect(Object.keys(response!.answers)).not.toContain(child.id);
  });
});

describe('validation in the HTML flow', () => {
  it('shows an error summary linked to the fields and keeps what was entered', async () => {
    const client = new Client(app.url);
    const first = parsePage(await (await client.get(start(leaders))).text());
    const byId = new Map(allQuestions(leaders).map((q) => [q.id, q]));
    const required = first.questionIds.filter((id) => byId.get(id)!.required && !byId.get(id)!.showIf);
    expect(required.length).toBeGreaterThan(0);
    // Answer everything but the last required question of the page.
    const skipped = required.at(-1)!;
    const plan = fullPlan(municipality, { [skipped]: undefined });
    const form = fillForm(leaders, first, plan);
    const before = await hashDir(app.dataDir);
    const res = await client.postForm(first.action, form);
    expect(res.status).toBe(400);
    const html = await res.text();
    const page = parsePage(html);
    expect(html).toMatch(/<div id="fejlopsummering" class="error-summary" role="alert" tabindex="-1"/);
    expect(html).toMatch(new RegExp(`<a href="#${skipped}[-"]`));
    expect(html).toMatch(new RegExp(`aria-describedby="[^"]*${skipped}-fejl`));
    expect(page.action).toBe(first.action);
    for (const id of first.questionIds.filter((x) => x !== skipped)) {
      const value = plan(byId.get(id)!);
      if (value === undefined || byId.get(id)!.showIf) continue;
      expect(page.filled.get(id), `value of ${id} kept`).toEqual(Array.isArray(value) ? value : [value]);
    }
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('rejects an unknown option code and stores nothing', async () => {
    const client = new Client(app.url);
    const first = parsePage(await (await client.get(start(caseworkers))).text());
    const byId = new Map(allQuestions(caseworkers).map((q) => [q.id, q]));
    const choice = first.questionIds.find((id) => ['single', 'scale'].includes(byId.get(id)!.type))!;
    const form = fillForm(caseworkers, first, fullPlan(municipality, { [choice]: 'findes_ikke' }));
    const before = await hashDir(app.dataDir);
    const res = await client.postForm(first.action, form);
    expect(res.status).toBe(400);
    expect(parsePage(await res.text()).errorSummary).toBeTruthy();
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('asks to start again when the hidden answers field is missing or forged, storing nothing', async () => {
    const before = await hashDir(app.dataDir);
    for (const state of ['', 'not-base64-json', Buffer.from('{"v":1}').toString('base64url')]) {
      const res = await fetch(`${app.url}/s/${study.id}/${leaders.id}/p/${leaders.sections.length}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ state, action: 'next' }).toString(),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Start spørgeskemaet forfra');
    }
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('refuses a 2 MB form with a clear 413 page and stores nothing', async () => {
    const client = new Client(app.url);
    const first = parsePage(await (await client.get(start(leaders))).text());
    const form = fillForm(leaders, first, fullPlan(municipality));
    form.set('padding', 'x'.repeat(2 * 1024 * 1024));
    const before = await hashDir(app.dataDir);
    const res = await client.postForm(first.action, form);
    expect(res.status).toBe(413);
    const html = await res.text();
    expect(html).toContain('for stort');
    expect(html).toContain('1 MB');
    expect(await hashDir(app.dataDir)).toEqual(before);
  });
});

describe('every validation path of a page, through the forms', () => {
  /** Walks with valid answers until a page shows a question matching `pick`; returns that page. */
  async function reach(qn: TQuestionnaire, pick: (q: TQuestion) => boolean) {
    const plan = fullPlan(municipality);
    const client = new Client(app.url);
    let html = await (await client.get(start(qn))).text();
    for (let i = 0; i < 60; i++) {
      const page = parsePage(html);
      const q = page.questionIds.map((id) => allQuestions(qn).find((x) => x.id === id)!).find(pick);
      if (q) return { client, page, q, plan };
      const res = await client.postForm(page.action, fillForm(qn, page, plan));
      if (res.status !== 200) break;
      html = await res.text();
    }
    return undefined;
  }

  type BadCase = [string, (q: TQuestion) => boolean, (q: TQuestion) => Record<string, string | string[]>];
  const cases: BadCase[] = [
    ['an unknown municipality code', (q) => q.type === 'municipality', () => ({ value: '999' })],
    ['a municipality left out of the study', (q) => q.type === 'municipality', () => ({ value: 'ineligible' })],
    ['"Andet" ticked without saying what', (q) => 'options' in q && q.options.some((o) => o.other) && !q.showIf, (q) => ({
      value: q.type === 'multi' ? [('options' in q && q.options.find((o) => o.other)!.code) || ''] : ('options' in q && q.options.find((o) => o.other)!.code) || '',
      other: '',
    })],
    ['"Andet" text without ticking "Andet"', (q) => 'options' in q && q.options.some((o) => o.other) && !q.showIf, (q) => ({
      value: q.type === 'multi' ? ['options' in q ? q.options.find((o) => !o.other && !o.nonSubstantive)!.code : ''] : 'options' in q ? q.options.find((o) => !o.other && !o.nonSubstantive)!.code : '',
      other: 'Noget andet',
    })],
    ['a number that is not a number', (q) => q.type === 'number', () => ({ value: 'mange' })],
    ['a number out of range', (q) => q.type === 'number' && (q.max !== undefined || q.min !== undefined), (q) => ({
      value: q.type === 'number' ? String(q.max !== undefined ? q.max + 1000 : (q.min ?? 0) - 1000) : '',
    })],
    ['a text longer than allowed', (q) => q.type === 'text', (q) => ({ value: 'x'.repeat(q.type === 'text' ? q.maxLength + 1 : 1) })],
  ];

  for (const [name, pick, bad] of cases) {
    it(`${name} → 400 with the error linked, nothing stored`, async () => {
      const frame = app.definitions.frames.get(study.frame)!;
      const reached = (await reach(leaders, pick)) ?? (await reach(caseworkers, pick));
      expect(reached, 'the questionnaires have such a question').toBeDefined();
      const { client, page, q, plan } = reached!;
      const qn = allQuestions(leaders).includes(q) ? leaders : caseworkers;
      const given = bad(q);
      // "ineligible" stands for a municipality of the frame that is left out of the study (the frame has 11).
      const value = given.value === 'ineligible' ? frame.municipalities.find((m) => !m.eligible)!.code : given.value!;
      const form = fillForm(qn, page, plan);
      form.delete(q.id);
      for (const v of Array.isArray(value) ? value : [value]) form.append(q.id, v);
      if (given.other !== undefined) form.set(`${q.id}_other`, given.other as string);
      const before = await hashDir(app.dataDir);
      const res = await client.postForm(page.action, form);
      expect(res.status).toBe(400);
      const html = await res.text();
      const again = parsePage(html);
      expect(again.errorSummary).toBeTruthy();
      expect(html).toMatch(new RegExp(`<a href="#${q.id}(-|_other|")`));
      expect(again.action).toBe(page.action);
      expect(await hashDir(app.dataDir)).toEqual(before);
    });
  }
});
