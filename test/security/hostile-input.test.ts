/**
 * The hostile-input catalogue (issue 6, "Bad input"): malformed and malicious requests to the
 * forms and the API. Each must get a clear 4xx with a message, and leave the data directory
 * byte-identical. The CLI and start-up cases are in cli-input.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TQuestion, TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { API_KEY, Client, allQuestions, hashDir, parsePage, questionnaireByGroup, startApp, theStudy, type Running } from '../http/helpers.ts';
import { apiAnswers, fillForm, findConditional, fullPlan, validBody as validBodyOf } from '../http/walk.ts';

let app: Running;
let study: TStudy;
let leaders: TQuestionnaire;
let caseworkers: TQuestionnaire;
let municipality: string;
let snapshot: Record<string, string>;

beforeAll(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  study = theStudy(app.definitions);
  leaders = questionnaireByGroup(study, /leder/i);
  caseworkers = questionnaireByGroup(study, /praktiker|sagsbehandler/i);
  municipality = app.definitions.frames.get(study.frame)!.municipalities.find((m) => m.eligible)!.code;
  snapshot = await hashDir(app.dataDir);
});

afterAll(async () => {
  await app.close();
});

/** A complete, valid API submission of the leader questionnaire. */
const validBody = () => validBodyOf(app.definitions, { municipality });

function firstOfType(qn: TQuestionnaire, types: TQuestion['type'][]): TQuestion | undefined {
  return allQuestions(qn).find((q) => types.includes(q.type) && !q.showIf);
}

/** A question id of the caseworker questionnaire that the leader questionnaire does not have. */
function caseworkerOnlyId(): string {
  const leaderIds = new Set(allQuestions(leaders).map((q) => q.id));
  return allQuestions(caseworkers).find((q) => !leaderIds.has(q.id))?.id ?? 'q_only_for_caseworkers';
}

function post(path: string, body: string, contentType = 'application/json', extra: Record<string, string> = {}): Promise<Response> {
  return fetch(app.url + path, { method: 'POST', headers: { 'content-type': contentType, ...extra }, body });
}

const postJson = (value: unknown) => post('/api/v1/responses', JSON.stringify(value));

interface Case {
  name: string;
  send: () => Promise<Response>;
  status: number;
  /** What the message (JSON error message, problem messages, or page text) must contain. */
  says: RegExp;
  /** For 400 answer problems: a question id the problems must name. */
  question?: () => string;
}

const apiCases: Case[] = [
  { name: 'malformed JSON', send: () => post('/api/v1/responses', '{"study": "x", '), status: 400, says: /not valid JSON/ },
  { name: 'JSON with a trailing comma', send: () => post('/api/v1/responses', '{"study": "x",}'), status: 400, says: /not valid JSON/ },
  { name: 'a JSON string instead of an object', send: () => post('/api/v1/responses', '"hello"'), status: 400, says: /JSON/ },
  { name: 'JSON null', send: () => post('/api/v1/responses', 'null'), status: 400, says: /JSON/ },
  { name: 'a JSON array instead of an object', send: () => postJson([validBody()]), status: 400, says: /JSON object/ },
  { name: 'an empty body', send: () => post('/api/v1/responses', ''), status: 400, says: /JSON object/ },
  { name: 'a form-encoded body on the JSON API', send: () => post('/api/v1/responses', 'study=x', 'application/x-www-form-urlencoded'), status: 415, says: /accepts JSON/ },
  { name: 'a CSV body on an endpoint that takes JSON', send: () => post('/api/v1/responses', 'study,questionnaire\nx,y', 'text/csv'), status: 400, says: /JSON object/ },
  { name: 'text/plain on the JSON API', send: () => post('/api/v1/responses', JSON.stringify(validBody()), 'text/plain'), status: 415, says: /accepts JSON/ },
  { name: 'study id of the wrong type', send: () => postJson({ ...validBody(), study: 2016 }), status: 400, says: /JSON object/ },
  { name: 'answers as an array', send: () => postJson({ ...validBody(), answers: [1, 2] }), status: 400, says: /JSON object/ },
  { name: 'an unknown top-level field', send: () => postJson({ ...validBody(), ip: '10.0.0.1' }), status: 400, says: /JSON object/ },
  { name: 'a __proto__ key at the top level', send: () => post('/api/v1/responses', JSON.stringify(validBody()).replace(/^\{/, '{"__proto__":{"polluted":true},')), status: 400, says: /reserved key "__proto__"/ },
  { name: 'a malformed submissionId', send: () => postJson({ ...validBody(), submissionId: 'short' }), status: 400, says: /JSON object/ },
  { name: 'an unknown study', send: () => postJson({ ...validBody(), study: 'no_such_study' }), status: 404, says: /no_such_study/ },
  { name: 'path traversal in the study id', send: () => postJson({ ...validBody(), study: '../../etc/passwd' }), status: 404, says: /not found/ },
  { name: 'an unknown questionnaire', send: () => postJson({ ...validBody(), questionnaire: 'borgere' }), status: 404, says: /borgere/ },
  { name: 'path traversal in the questionnaire id', send: () => postJson({ ...validBody(), questionnaire: '..\\..\\windows' }), status: 404, says: /not found/ },
  { name: 'an unknown municipality code', send: () => postJson({ ...validBody(), municipality: '999' }), status: 400, says: /.+/, question: () => 'municipality' },
  { name: 'a municipality that is not a code', send: () => postJson({ ...validBody(), municipality: '../../etc' }), status: 400, says: /.+/, question: () => 'municipality' },
  {
    name: 'an unknown question id',
    send: () => postJson({ ...validBody(), answers: { ...validBody().answers, q_does_not_exist: 'x' } }),
    status: 400,
    says: /.+/,
    question: () => 'q_does_not_exist',
  },
  {
    name: 'a __proto__ key among the answers',
    send: () => post('/api/v1/responses', JSON.stringify(validBody()).replace('"answers":{', '"answers":{"__proto__":{"polluted":true},')),
    status: 400,
    says: /reserved key "__proto__"/,
  },
  {
    name: 'a constructor key among the answers',
    send: () => postJson({ ...validBody(), answers: { ...validBody().answers, constructor: 'x' } }),
    status: 400,
    says: /.+/,
    question: () => 'constructor',
  },
  {
    name: 'an unknown option code',
    send: () => {
      const q = firstOfType(leaders, ['scale', 'single'])!;
      return postJson({ ...validBody(), answers: { ...validBody().answers, [q.id]: 'findes_ikke' } });
    },
    status: 400,
    says: /.+/,
    question: () => firstOfType(leaders, ['scale', 'single'])!.id,
  },
  {
    name: 'a list for a single-choice question',
    send: () => {
      const q = firstOfType(leaders, ['scale', 'single'])!;
      return postJson({ ...validBody(), answers: { ...validBody().answers, [q.id]: [q.type === 'scale' ? q.options[0]!.code : 'x'] } });
    },
    status: 400,
    says: /.+/,
    question: () => firstOfType(leaders, ['scale', 'single'])!.id,
  },
  {
    name: 'an object for a choice question',
    send: () => {
      const q = firstOfType(leaders, ['scale', 'single'])!;
      return postJson({ ...validBody(), answers: { ...validBody().answers, [q.id]: { $ne: null } } });
    },
    status: 400,
    says: /.+/,
    question: () => firstOfType(leaders, ['scale', 'single'])!.id,
  },
  {
    name: 'a missing required answer',
    send: () => {
      const q = firstOfType(leaders, ['scale', 'single'])!;
      const { answers } = validBody();
      delete answers[q.id];
      return postJson({ ...validBody(), answers });
    },
    status: 400,
    says: /.+/,
    question: () => firstOfType(leaders, ['scale', 'single'])!.id,
  },
  {
    name: 'an answer to a hidden question',
    send: () => {
      const c = (findConditional(leaders, false) ?? findConditional(leaders))!;
      const body = validBody();
      body.answers[c.parent.id] = c.hideValue;
      if (!(c.child.id in body.answers)) {
        body.answers[c.child.id] = 'options' in c.child ? c.child.options[0]!.code : 'x';
      }
      return postJson(body);
    },
    status: 400,
    says: /.+/,
    question: () => (findConditional(leaders, false) ?? findConditional(leaders))!.child.id,
  },
  {
    name: 'free text far beyond the allowed length',
    send: () => {
      const q = allQuestions(leaders).find((x) => x.type === 'text' && !x.showIf);
      const target = q?.id ?? 'q_does_not_exist';
      return postJson({ ...validBody(), answers: { ...validBody().answers, [target]: 'x'.repeat(20_000) } });
    },
    status: 400,
    says: /.+/,
    question: () => allQuestions(leaders).find((x) => x.type === 'text' && !x.showIf)?.id ?? 'q_does_not_exist',
  },
  {
    name: 'a CSV formula in an "Andet" text whose option is not chosen',
    send: () => {
      const q = allQuestions(leaders).find((x) => x.type === 'multi' && !x.showIf && x.options.some((o) => o.other));
      const body = validBody();
      if (q && q.type === 'multi') {
        body.answers[q.id] = [q.options.find((o) => !o.other)!.code];
        body.answers[`${q.id}_other`] = '=HYPERLINK("http://evil.example","klik")';
      } else {
        body.answers.q_unknown_other = '=1+1';
      }
      return postJson(body);
    },
    status: 400,
    says: /.+/,
    question: () => {
      const q = allQuestions(leaders).find((x) => x.type === 'multi' && !x.showIf && x.options.some((o) => o.other));
      return q ? `${q.id}_other` : 'q_unknown_other';
    },
  },
  {
    name: 'an answer to a question of the other questionnaire',
    send: () => postJson({ ...validBody(), answers: { ...validBody().answers, [caseworkerOnlyId()]: 'x' } }),
    status: 400,
    says: /.+/,
    question: () => caseworkerOnlyId(),
  },
  {
    name: 'deeply nested JSON in an answer',
    send: () => {
      const q = firstOfType(leaders, ['scale', 'single'])!;
      const body = JSON.stringify({ ...validBody(), answers: { ...validBody().answers, [q.id]: '@@' } });
      return post('/api/v1/responses', body.replace('"@@"', '['.repeat(100_000) + ']'.repeat(100_000)));
    },
    status: 400,
    says: /nested too deeply/,
  },
  {
    name: 'deeply nested JSON as the whole body',
    send: () => post('/api/v1/responses', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)),
    status: 400,
    says: /nested too deeply/,
  },
  { name: 'a 2 MB JSON body', send: () => postJson({ ...validBody(), padding: 'x'.repeat(2 * 1024 * 1024) }), status: 413, says: /larger than the limit of 1 MB/ },
  { name: 'a 10 MB JSON body', send: () => post('/api/v1/responses', '"' + 'x'.repeat(10 * 1024 * 1024) + '"'), status: 413, says: /larger than the limit/ },
  {
    name: 'an unsupported content encoding',
    send: () => post('/api/v1/responses', JSON.stringify(validBody()), 'application/json', { 'content-encoding': 'br2' }),
    status: 415,
    says: /encoding/,
  },
  { name: 'a JSON body in a charset we do not read', send: () => post('/api/v1/responses', '{}', 'application/json; charset=klingon'), status: 415, says: /charset/i },
];

describe('hostile input to the JSON API', () => {
  const send = async (c: Case) => {
    const res = await c.send();
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error?: { code: number; message: string }; problems?: { question: string; message: string }[] };
    expect(body.error?.message).toMatch(c.says);
    expect(typeof body.error?.code).toBe('number');
    expect(await hashDir(app.dataDir)).toEqual(snapshot);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    return body;
  };
  for (const c of apiCases.filter((x) => !x.question)) {
    it(`${c.name} → ${c.status}, nothing stored`, async () => {
      await send(c);
    });
  }
  for (const c of apiCases.filter((x) => x.question)) {
    it(`${c.name} → ${c.status} naming the question, nothing stored`, async () => {
      const body = await send(c);
      expect(body.problems?.map((p) => p.question)).toContain(c.question!());
      for (const p of body.problems ?? []) expect(p.message.length).toBeGreaterThan(3);
    });
  }

  it('accepts the valid body the cases are derived from (so each case fails for its own reason)', async () => {
    // Run last in its own app so the shared snapshot stays valid for the cases above.
    const other = await startApp({ config: { rateLimit: 'off' } });
    try {
      const res = await fetch(other.url + '/api/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validBody()),
      });
      expect(res.status).toBe(201);
    } finally {
      await other.close();
    }
  });
});

describe('hostile input to the HTML forms', () => {
  const pagePath = (n: number | string, qn = leaders) => `/s/${study.id}/${qn.id}/p/${n}`;

  async function firstPage() {
    const client = new Client(app.url);
    const page = parsePage(await (await client.get(pagePath(1))).text());
    return { client, page, form: fillForm(leaders, page, fullPlan(municipality)) };
  }

  const formCases: { name: string; send: () => Promise<Response>; status: number; says: RegExp; counted?: boolean }[] = [
    {
      name: 'a page posted without the state field',
      send: async () => post(pagePath(1), new URLSearchParams({ action: 'next' }).toString(), 'application/x-www-form-urlencoded'),
      status: 400,
      says: /Start spørgeskemaet forfra/,
    },
    {
      name: 'a forged state field (JSON with answers to unknown questions)',
      send: async () => {
        const forged = Buffer.from(JSON.stringify({ v: 1, sid: 'a'.repeat(22), a: { q_evil: '<script>' }, extra: 1 })).toString('base64url');
        return post(pagePath(2), new URLSearchParams({ state: forged, action: 'next' }).toString(), 'application/x-www-form-urlencoded');
      },
      status: 400,
      says: /Start spørgeskemaet forfra/,
    },
    {
      name: 'a state field that is not base64',
      send: async () => post(pagePath(1), 'state=%3Cscript%3E&action=next', 'application/x-www-form-urlencoded'),
      status: 400,
      says: /Start spørgeskemaet forfra/,
    },
    {
      name: 'an unknown option code in a radio group',
      send: async () => {
        const { client, page } = await firstPage();
        const q = page.questionIds.map((id) => allQuestions(leaders).find((x) => x.id === id)!).find((x) => x.type === 'scale' || x.type === 'single')!;
        return client.postForm(page.action, fillForm(leaders, page, fullPlan(municipality, { [q.id]: '../../etc/passwd' })));
      },
      status: 400,
      says: /problem/,
    },
    {
      name: 'a required question left blank',
      send: async () => {
        const { client, page } = await firstPage();
        const q = page.questionIds.map((id) => allQuestions(leaders).find((x) => x.id === id)!).find((x) => x.required && !x.showIf)!;
        return client.postForm(page.action, fillForm(leaders, page, fullPlan(municipality, { [q.id]: undefined })));
      },
      status: 400,
      says: /problem/,
    },
    {
      name: 'a page number beyond the questionnaire',
      send: async () => {
        const { page } = await firstPage();
        return post(pagePath(999), new URLSearchParams({ state: page.state, action: 'next' }).toString(), 'application/x-www-form-urlencoded');
      },
      status: 404,
      says: /Siden findes ikke/,
    },
    {
      name: 'a page number that is not a number',
      send: async () => post(pagePath('1%3Bdrop'), 'action=next', 'application/x-www-form-urlencoded'),
      status: 404,
      says: /Siden findes ikke/,
    },
    {
      name: 'path traversal in the questionnaire URL',
      send: async () => post(`/s/${study.id}/..%2F..%2Fetc%2Fpasswd/p/1`, 'action=next', 'application/x-www-form-urlencoded'),
      status: 404,
      says: /Siden findes ikke/,
    },
    {
      name: 'broken percent-encoding in the URL',
      send: async () => post(`/s/${study.id}/%E0%A4%A/p/1`, 'action=next', 'application/x-www-form-urlencoded'),
      status: 400,
      says: /Noget gik galt/,
    },
    {
      name: 'a 2 MB form',
      send: async () => {
        const { client, page, form } = await firstPage();
        form.set('padding', 'x'.repeat(2 * 1024 * 1024));
        return client.postForm(page.action, form);
      },
      status: 413,
      says: /for stort/,
    },
    {
      name: 'a form with 5,000 fields',
      send: async () => {
        const { client, page, form } = await firstPage();
        for (let i = 0; i < 5000; i++) form.append(`f${i}`, '1');
        return client.postForm(page.action, form);
      },
      status: 413,
      says: /for stort|for mange/i,
    },
    {
      name: 'an evaluator sign-in without the CSRF token',
      send: async () => post('/admin/login', 'password=x', 'application/x-www-form-urlencoded'),
      status: 403,
      says: /ikke tilladt/,
    },
    {
      name: 'an evaluator sign-in with a wrong password',
      send: async () => {
        const client = new Client(app.url);
        const html = await (await client.get('/admin/login')).text();
        const token = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
        return client.postForm('/admin/login', { _csrf: token, login: "admin' OR 1=1 --", password: "' OR 1=1 --" });
      },
      status: 401,
      says: /Brugernavn eller adgangskode er ikke korrekt/,
      // A failed sign-in is counted (the limit, accounts.json) and logged (activity.jsonl): nothing else changes.
      counted: true,
    },
  ];

  for (const c of formCases) {
    it(`${c.name} → ${c.status} with a Danish page, nothing stored`, async () => {
      const res = await c.send();
      expect(res.status).toBe(c.status);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toMatch(c.says);
      expect(html).toContain('<html lang="da">');
      expect(html).not.toMatch(/\bat [^\n]*\.(ts|js):\d+/); // never a stack trace
      if (!c.counted) expect(await hashDir(app.dataDir)).toEqual(snapshot);
      else {
        const { '/accounts.json': accountsNow, '/activity.jsonl': logNow, ...rest } = await hashDir(app.dataDir);
        const { '/accounts.json': accountsBefore, '/activity.jsonl': logBefore, ...restBefore } = snapshot;
        expect(rest).toEqual(restBefore);
        expect(accountsNow).not.toBe(accountsBefore);
        expect(logNow).not.toBe(logBefore);
        snapshot = await hashDir(app.dataDir);
      }
    });
  }
});

describe('answers after the fieldwork closed', () => {
  let closed: Running;
  beforeAll(async () => {
    closed = await startApp({
      config: { rateLimit: 'off' },
      editDefinitions: (defs) => ({
        ...defs,
        studies: defs.studies.map((s) => ({ ...s, fieldwork: { opens: '2016-01-01', closes: '2016-03-31' } })),
      }),
    });
  });
  afterAll(async () => {
    await closed.close();
  });

  it('refuses an API submission with 410 and stores nothing', async () => {
    const before = await hashDir(closed.dataDir);
    const res = await fetch(closed.url + '/api/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validBody()),
    });
    expect(res.status).toBe(410);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/closed on 2016-03-31/);
    expect(await hashDir(closed.dataDir)).toEqual(before);
  });

  it('shows a closed notice instead of a start button, and refuses the pages with 410', async () => {
    const landing = await (await fetch(`${closed.url}/s/${study.id}/${leaders.id}`)).text();
    expect(landing).toContain('Spørgeskemaet er lukket');
    expect(landing).not.toContain('Start spørgeskemaet');
    const page = await fetch(`${closed.url}/s/${study.id}/${leaders.id}/p/1`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Spørgeskemaet er lukket');
  });
});

describe('hostile query parameters on the evaluator API', () => {
  const get = (path: string) => fetch(app.url + path, { headers: { authorization: `Bearer ${API_KEY}` } });
  const cases: [string, () => string, number][] = [
    ['an unknown weighting', () => `/api/v1/studies/${study.id}/tables?weighting=../../etc/passwd`, 400],
    ['a figure number that is not a number', () => `/api/v1/studies/${study.id}/exports/tables.csv?figure=1;DROP`, 400],
    ['an unknown query parameter', () => `/api/v1/studies/${study.id}/exports/responses.csv?format=xlsx`, 400],
    ['a repeated parameter (array)', () => `/api/v1/studies/${study.id}/tables?weighting=equal&weighting=none`, 400],
    ['a figure the report does not have', () => `/api/v1/studies/${study.id}/exports/tables.csv?figure=999`, 404],
    ['path traversal in the study of an export', () => `/api/v1/studies/..%2F..%2Fetc/exports/codebook.csv`, 404],
  ];
  for (const [name, path, status] of cases) {
    it(`${name} → ${status} JSON error, nothing stored`, async () => {
      const res = await get(path());
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: number; message: string } };
      expect(body.error.message.length).toBeGreaterThan(5);
      expect(await hashDir(app.dataDir)).toEqual(snapshot);
    });
  }
});

describe('hostile and stale invitation links', () => {
  let fw: Running;
  let tokens: string[];

  beforeAll(async () => {
    fw = await startApp({ config: { rateLimit: 'off' } });
    const frame = fw.definitions.frames.get(study.frame)!;
    const codes = frame.municipalities.filter((m) => m.eligible).slice(0, 3).map((m) => m.code);
    const res = await fetch(`${fw.url}/api/v1/studies/${study.id}/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ questionnaire: leaders.id, municipalities: codes }),
    });
    expect(res.status).toBe(201);
    tokens = ((await res.json()) as { url: string }[]).map((l) => l.url.split('/i/')[1]!);
  });
  afterAll(async () => {
    await fw.close();
  });

  const linkAnswers = () => {
    const { answers } = apiAnswers(leaders, fullPlan(municipality));
    return answers;
  };
  const postToken = (body: unknown) =>
    fetch(fw.url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('unknown, malformed and traversal tokens → Danish 404 pages and JSON 404, nothing stored', async () => {
    const before = await hashDir(fw.dataDir);
    for (const path of ['/i/AAAAAAAAAAAAAAAAAAAAAA', '/i/..%2F..%2Fetc%2Fpasswd', '/i/%3Cscript%3E', '/i/AAAAAAAAAAAAAAAAAAAAAA/p/1']) {
      const res = await fetch(fw.url + path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html, path).toContain('<html lang="da">');
      expect(html, path).not.toContain('<script>');
    }
    const form = await fetch(fw.url + '/i/AAAAAAAAAAAAAAAAAAAAAA/p/1', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=next',
    });
    expect(form.status).toBe(404);
    for (const token of ['AAAAAAAAAAAAAAAAAAAAAA', '../../etc/passwd', 42]) {
      const res = await postToken({ token, answers: linkAnswers() });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
    }
    expect(await hashDir(fw.dataDir)).toEqual(before);
  });

  it('a __proto__ key among the answers of a link submission is refused, not silently dropped', async () => {
    const before = await hashDir(fw.dataDir);
    const body = JSON.stringify({ token: tokens[0], answers: linkAnswers() }).replace('"answers":{', '"answers":{"__proto__":{"polluted":true},');
    const res = await fetch(fw.url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await hashDir(fw.dataDir)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a used-up leader link → 410 on the API and on the pages, nothing stored', async () => {
    const first = await postToken({ token: tokens[1], answers: linkAnswers(), submissionId: 'first-use-0123456789' });
    expect(first.status).toBe(201);
    const before = await hashDir(fw.dataDir);
    const again = await postToken({ token: tokens[1], answers: linkAnswers(), submissionId: 'second-use-0123456789' });
    expect(again.status).toBe(410);
    const page = await fetch(`${fw.url}/i/${tokens[1]}/p/1`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('<html lang="da">');
    expect(await hashDir(fw.dataDir)).toEqual(before);
  });

  it('a link of a questionnaire closed by hand → 410, nothing stored', async () => {
    const client = new Client(fw.url);
    const signedIn = await (async () => {
      const html = await (await client.get('/admin/login')).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      return client.postForm('/admin/login', { _csrf: token, login: 'admin', password: 'test-password-123' });
    })();
    expect(signedIn.status).toBe(303);
    const page = await (await client.get(`/admin/studies/${study.id}/fieldwork`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const closed = await client.postForm(`/admin/studies/${study.id}/window`, { _csrf: csrf, questionnaire: leaders.id, mode: 'closed', openLinks: 'on' });
    expect(closed.status).toBeLessThan(400);
    const before = await hashDir(fw.dataDir);
    const res = await postToken({ token: tokens[2], answers: linkAnswers() });
    expect(res.status).toBe(410);
    const form = await fetch(`${fw.url}/i/${tokens[2]}/p/1`);
    expect(form.status).toBe(410);
    expect(await hashDir(fw.dataDir)).toEqual(before);
  });
});
