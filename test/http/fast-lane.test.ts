/**
 * The fast lane (src/http/fast-lane.ts) answers plain JSON submissions without Express. It must be
 * indistinguishable from the Express route: same status, body, headers and stored response for
 * valid submissions, and every other request handed to Express and answered as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReservedKeyError, jsonReviver } from '../../src/http/errors.ts';
import { fastLaneServed } from '../../src/http/fast-lane.ts';
import { parseJsonBody } from '../../src/http/json-body.ts';
import type { TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { questionnaireByGroup, startApp, theStudy, type Running } from './helpers.ts';
import { apiAnswers, fullPlan } from './walk.ts';

let app: Running;
let study: TStudy;
let leaders: TQuestionnaire;
let municipality: string;

async function start(options: Parameters<typeof startApp>[0] = {}): Promise<Running> {
  const running = await startApp(options);
  study = theStudy(running.definitions);
  leaders = questionnaireByGroup(study, /leder/i);
  municipality = running.definitions.frames.get(study.frame)!.municipalities.find((m) => m.eligible)!.code;
  return running;
}

/** `application/json` takes the fast lane; a content type with an extra parameter goes through Express. */
const FAST = 'application/json';
const EXPRESS = 'application/json; x-route=express';

async function post(body: string, contentType: string): Promise<{ status: number; json: unknown; headers: Record<string, string> }> {
  const res = await fetch(app.url + '/api/v1/responses', { method: 'POST', headers: { 'content-type': contentType }, body });
  const headers: Record<string, string> = {};
  // Express adds an ETag to every body it sends (useless on a POST answer); Date differs by nature.
  res.headers.forEach((value, name) => {
    if (name !== 'date' && name !== 'etag' && name !== 'content-length') headers[name] = value;
  });
  return { status: res.status, json: await res.json(), headers };
}

function validBody(submissionId?: string) {
  const { answers } = apiAnswers(leaders, fullPlan(municipality));
  return { study: study.id, questionnaire: leaders.id, municipality, answers, ...(submissionId ? { submissionId } : {}) };
}

/** How many bodies the check worker passed (0 without one): proves which path answered. */
const passed = () => app.checker?.passed ?? 0;

describe.each([
  ['without', false],
  ['with', true],
])('fast lane (%s the check worker)', (_, checkWorker) => {
  beforeAll(async () => {
    app = await start({ config: { rateLimit: 'off' }, checkWorker });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers a valid submission itself, exactly as the Express route does, and both are stored alike', async () => {
    const before = fastLaneServed(app.app);
    const checked = passed();
    const fast = await post(JSON.stringify(validBody()), FAST);
    expect(fastLaneServed(app.app)).toBe(before + 1);
    expect(passed()).toBe(checkWorker ? checked + 1 : 0);
    const slow = await post(JSON.stringify(validBody()), EXPRESS);
    expect(fastLaneServed(app.app)).toBe(before + 1);
    expect(fast.status).toBe(201);
    expect(slow.status).toBe(201);
    expect(fast.headers).toEqual(slow.headers);
    const fastId = (fast.json as { id: string }).id;
    const slowId = (slow.json as { id: string }).id;
    expect(Object.keys(fast.json as object)).toEqual(['id']);
    const stored = await app.store.responses.list({ study: study.id, questionnaire: leaders.id });
    const a = stored.find((r) => r.id === fastId)!;
    const b = stored.find((r) => r.id === slowId)!;
    expect({ ...a, id: 'x' }).toEqual({ ...b, id: 'x' });
  });

  it('a retried submissionId gives the same id with 200 on either path', async () => {
    const sid = 'fast-lane-retry-0123456789';
    const first = await post(JSON.stringify(validBody(sid)), FAST);
    const again = await post(JSON.stringify(validBody(sid)), FAST);
    const viaExpress = await post(JSON.stringify(validBody(sid)), EXPRESS);
    expect([first.status, again.status, viaExpress.status]).toEqual([201, 200, 200]);
    expect((again.json as { id: string }).id).toBe((first.json as { id: string }).id);
    expect((viaExpress.json as { id: string }).id).toBe((first.json as { id: string }).id);
  });

  it('hands every faulty body to Express, which answers it exactly as for the Express route', async () => {
    const valid = JSON.stringify(validBody());
    const bodies = [
      '{"study": "x", ',
      '"hello"',
      'null',
      '[]',
      '{}',
      '\ufeff{}',
      valid.replace('"answers":{', '"answers":{"__proto__":{"polluted":true},'),
      valid.replace('"answers":{', '"answers":{"\\u005f_proto__":1,'),
      '['.repeat(30_000) + ']'.repeat(30_000),
      JSON.stringify({ ...validBody(), study: 'nope' }),
      JSON.stringify({ ...validBody(), extra: 1 }),
      JSON.stringify({ ...validBody(), submissionId: 'short' }),
      JSON.stringify({ ...validBody(), municipality: 7 }),
      JSON.stringify({ ...validBody(), answers: { nope: 1 } }),
      JSON.stringify({ token: 'not-a-token', answers: {} }),
    ];
    const served = fastLaneServed(app.app);
    const checked = passed();
    for (const body of bodies) {
      const fast = await post(body, FAST);
      const slow = await post(body, EXPRESS);
      expect(fast.status, body.slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(fast, body.slice(0, 60)).toEqual(slow);
    }
    expect(fastLaneServed(app.app)).toBe(served);
    expect(passed()).toBe(checked);
  });
});

describe('fast lane and the submission rate limit', () => {
  it('counts per client address as Express derives it (trust proxy), in one budget with the Express routes', async () => {
    const limited = await start({ config: { rateLimit: 2, trustProxy: 'loopback' }, checkWorker: true });
    try {
      const send = (client: string, contentType = FAST) =>
        fetch(limited.url + '/api/v1/responses', {
          method: 'POST',
          headers: { 'content-type': contentType, 'x-forwarded-for': client },
          body: JSON.stringify(validBody()),
        });
      expect((await send('203.0.113.1')).status).toBe(201);
      expect((await send('203.0.113.1', EXPRESS)).status).toBe(201);
      const over = await send('203.0.113.1');
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await send('203.0.113.1', EXPRESS)).status).toBe(429);
      // Another client behind the same proxy has its own budget.
      expect((await send('203.0.113.2')).status).toBe(201);
      expect(fastLaneServed(limited.app)).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

describe('parseJsonBody', () => {
  const outcome = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (error) {
      return { error: error instanceof ReservedKeyError ? 'reserved' : error instanceof RangeError ? 'deep' : 'syntax' };
    }
  };

  it('gives the value or the error JSON.parse with the reviver gives', () => {
    const cases = [
      '{"a":1,"b":[1,2,{"c":"d"}]}',
      '  {"a":"\\u0041"}',
      '{"__proto__":1}',
      '{"a":{"__pro\\u0074o__":{}}}',
      '{"a":"__proto__"}',
      '{"a":1,}',
      '[' + '{"x":['.repeat(100) + ']}'.repeat(100) + ']',
      '{"a":' + '['.repeat(40_000) + ']'.repeat(40_000) + '}',
      '{"a":"' + '['.repeat(300) + '"}',
    ];
    for (const text of cases) {
      expect(outcome(() => parseJsonBody(text)), text.slice(0, 40)).toEqual(outcome(() => JSON.parse(text, jsonReviver)));
    }
  });

  it('refuses a body that is not an object or array, as express.json({strict: true}) does', () => {
    for (const text of ['"x"', '1', 'null', 'true', '']) expect(() => parseJsonBody(text)).toThrow(SyntaxError);
  });
});
