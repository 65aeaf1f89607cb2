/**
 * The JSON API of issue 2 §7: public metadata, questionnaire definitions and answer submission.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { allQuestions, hashDir, questionnaireByGroup, startApp, theStudy, type Running } from './helpers.ts';
import { apiAnswers, expectedAnswerIds, findConditional, fullPlan } from './walk.ts';

let app: Running;
let study: TStudy;
let leaders: TQuestionnaire;
let caseworkers: TQuestionnaire;
let municipality: string;

beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  study = theStudy(app.definitions);
  leaders = questionnaireByGroup(study, /leder/i);
  caseworkers = questionnaireByGroup(study, /praktiker|sagsbehandler/i);
  municipality = app.definitions.frames.get(study.frame)!.municipalities.find((m) => m.eligible)!.code;
});
afterEach(async () => {
  await app.close();
});

function submit(body: unknown): Promise<Response> {
  return fetch(app.url + '/api/v1/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function body(qn: TQuestionnaire, overrides: Parameters<typeof fullPlan>[1] = {}) {
  const { answers } = apiAnswers(qn, fullPlan(municipality, overrides));
  return { study: study.id, questionnaire: qn.id, municipality, answers };
}

type Problems = { problems: { question: string; message: string }[]; error: { code: number } };

describe('metadata', () => {
  it('GET /api/v1/studies lists the studies with their questionnaires and groups', async () => {
    const res = await fetch(app.url + '/api/v1/studies');
    expect(res.status).toBe(200);
    const list = (await res.json()) as { id: string; title: string; questionnaires: { id: string; group: string }[] }[];
    const found = list.find((s) => s.id === study.id)!;
    expect(found.title).toBe(study.title);
    expect(found.questionnaires).toEqual(study.questionnaires.map((q) => ({ id: q.id, group: q.group })));
  });

  it('GET a questionnaire returns its full definition', async () => {
    const res = await fetch(`${app.url}/api/v1/studies/${study.id}/questionnaires/${caseworkers.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(caseworkers)));
  });

  it('an unknown study or questionnaire is a 404 JSON error naming it', async () => {
    for (const path of [`/api/v1/studies/nope`, `/api/v1/studies/${study.id}/questionnaires/nope`]) {
      const res = await fetch(app.url + path);
      expect(res.status).toBe(404);
      const json = (await res.json()) as { error: { code: number; message: string; details: unknown[] } };
      expect(json.error).toMatchObject({ code: 404.1, details: [] });
      expect(json.error.message).toContain('"nope"');
    }
  });
});

describe('POST /api/v1/responses', () => {
  for (const which of ['leaders', 'caseworkers'] as const) {
    it(`stores a complete ${which} response → 201 {id}, with only the visible answers`, async () => {
      const qn = which === 'leaders' ? leaders : caseworkers;
      const res = await submit(body(qn));
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      expect(id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      const [stored] = await app.store.responses.list();
      expect(stored).toMatchObject({ id, study: study.id, questionnaire: qn.id, version: qn.version, municipality });
      const answered = Object.keys(stored!.answers).filter((k) => !k.endsWith('_other'));
      expect(answered.sort()).toEqual(expectedAnswerIds(qn, fullPlan(municipality)).sort());
    });
  }

  it('the same submissionId twice stores one response and returns the same id', async () => {
    const submissionId = 'retry-0123456789abcdef';
    const first = await submit({ ...body(leaders), submissionId });
    const second = await submit({ ...body(leaders), submissionId });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(await app.store.responses.count()).toBe(1);
  });

  it('lists every problem at once, naming the questions, and stores nothing', async () => {
    const before = await hashDir(app.dataDir);
    const choices = allQuestions(leaders).filter((q) => (q.type === 'scale' || q.type === 'single') && !q.showIf && q.required);
    expect(choices.length).toBeGreaterThanOrEqual(2);
    const bad = body(leaders);
    bad.answers[choices[0]!.id] = 'findes_ikke';
    delete bad.answers[choices[1]!.id];
    bad.answers.q_unknown = 'x';
    const res = await submit(bad);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Problems;
    expect(json.error.code).toBe(400.3);
    const named = json.problems.map((p) => p.question);
    expect(named).toEqual(expect.arrayContaining([choices[0]!.id, choices[1]!.id, 'q_unknown']));
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('rejects an answer to a question its condition hides, and stores nothing', async () => {
    const found = findConditional(leaders) ?? findConditional(caseworkers);
    expect(found).toBeDefined();
    const { child, parent, hideValue, showValue } = found!;
    const qn = allQuestions(leaders).includes(child) ? leaders : caseworkers;
    // The parent shows the child: a valid answer to the child is accepted …
    const shown = body(qn, { [parent.id]: showValue });
    expect(Object.keys(shown.answers)).toContain(child.id);
    // … but with the parent hiding it, the same answer is refused.
    const hidden = body(qn, { [parent.id]: hideValue });
    hidden.answers[child.id] = shown.answers[child.id];
    const before = await hashDir(app.dataDir);
    const res = await submit(hidden);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Problems;
    expect(json.problems.map((p) => p.question)).toContain(child.id);
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('rejects an unknown and an ineligible municipality', async () => {
    const frame = app.definitions.frames.get(study.frame)!;
    const ineligible = frame.municipalities.find((m) => !m.eligible);
    for (const code of ['999', ...(ineligible ? [ineligible.code] : [])]) {
      const res = await submit({ ...body(leaders), municipality: code });
      expect(res.status).toBe(400);
      const json = (await res.json()) as Problems;
      expect(json.problems.length).toBeGreaterThan(0);
    }
    expect(await app.store.responses.count()).toBe(0);
  });

  it('refuses a 2 MB body with 413 and bad JSON with 400, storing nothing', async () => {
    const before = await hashDir(app.dataDir);
    const big = await submit({ ...body(leaders), padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain('1 MB');
    const broken = await fetch(app.url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"study":' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: number } }).error.code).toBe(400.1);
    expect(await hashDir(app.dataDir)).toEqual(before);
  });

  it('an unknown API path is a JSON 404', async () => {
    const res = await fetch(app.url + '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });
});
