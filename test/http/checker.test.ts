/**
 * The check worker (src/http/checker.ts): it decides "the plain valid case" exactly as
 * checkSubmission does on the main thread, answers each body in order under concurrency, and once
 * it is gone every check (waiting or new) is handed back to the caller — so no request waits on a
 * dead worker and no submission is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubmissionChecker } from '../../src/http/checker.ts';
import { checkSubmission } from '../../src/http/submission.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { logLine } from '../../src/storage/responses.ts';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { questionnaireByGroup, startApp, surveysDir, theStudy, type Definitions } from './helpers.ts';
import { apiAnswers, fullPlan } from './walk.ts';

let defs: Definitions;
let checker: SubmissionChecker;
let bodies: string[];

beforeAll(async () => {
  defs = await loadDefinitions(surveysDir);
  checker = await SubmissionChecker.start(defs);
  const study = theStudy(defs);
  const demo = generateDemoResponses(study, defs.frames.get(study.frame)!, { seed: 11 });
  bodies = demo.map((r) => JSON.stringify({ study: r.study, questionnaire: r.questionnaire, municipality: r.municipality, answers: r.answers }));
});
afterAll(async () => {
  await checker.close();
});

describe('the check worker', () => {
  it('passes every valid body with what checkSubmission makes of it, the answers as their JSON text', async () => {
    expect(bodies.length).toBeGreaterThan(100);
    for (const text of bodies.slice(0, 60)) {
      const verdict = await checker.check(text);
      const { response, submissionId } = checkSubmission(defs, JSON.parse(text));
      expect(verdict).toEqual({
        study: response.study,
        questionnaire: response.questionnaire,
        version: response.version,
        municipality: response.municipality,
        submissionId,
        answers: JSON.stringify(response.answers),
      });
    }
    const withId = JSON.stringify({ ...JSON.parse(bodies[0]!), submissionId: 'worker-test-0123456789' });
    expect((await checker.check(withId))?.submissionId).toBe('worker-test-0123456789');
  });

  it('hands back everything that is not the plain valid case', async () => {
    const valid = JSON.parse(bodies[0]!) as Record<string, unknown>;
    const faulty = [
      '',
      '{"study": "x", ',
      '"hello"',
      'null',
      '[]',
      '{}',
      '['.repeat(30_000) + ']'.repeat(30_000),
      bodies[0]!.replace('"answers":{', '"answers":{"__proto__":{"polluted":true},'),
      JSON.stringify({ ...valid, study: '../../etc/passwd' }),
      JSON.stringify({ ...valid, questionnaire: 'nope' }),
      JSON.stringify({ ...valid, extra: 1 }),
      JSON.stringify({ ...valid, municipality: '999' }),
      JSON.stringify({ ...valid, answers: { nope: 1 } }),
      JSON.stringify({ ...valid, token: 'x'.repeat(22) }),
    ];
    for (const text of faulty) expect(await checker.check(text), text.slice(0, 50)).toBeUndefined();
  });

  it('answers 3,000 concurrent checks, valid and faulty mixed, each with its own verdict', async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => (i % 7 === 3 ? `{"broken": ${i}` : bodies[i % bodies.length]!));
    const before = checker.passed;
    const verdicts = await Promise.all(texts.map((text) => checker.check(text)));
    verdicts.forEach((verdict, i) => {
      if (i % 7 === 3) expect(verdict).toBeUndefined();
      else expect(verdict?.answers).toBe(JSON.stringify(checkSubmission(defs, JSON.parse(texts[i]!)).response.answers));
    });
    expect(checker.passed - before).toBe(texts.filter((_, i) => i % 7 !== 3).length);
  });

  it('after it is closed, waiting and new checks are handed back (undefined), never left pending', async () => {
    const own = await SubmissionChecker.start(defs);
    const waiting = Array.from({ length: 200 }, (_, i) => own.check(bodies[i % bodies.length]!));
    await own.close();
    expect(own.alive).toBe(false);
    const settled = await Promise.all(waiting);
    expect(settled.every((v) => v === undefined || typeof v.answers === 'string')).toBe(true);
    expect(await own.check(bodies[0]!)).toBeUndefined();
  });
});

describe('the log line made around the worker\'s answers text', () => {
  it('is the same text as serialising the whole line', () => {
    const r = {
      id: 'AbCdEfGhIjKlMnOpQrStUv',
      study: 'integration_2016',
      questionnaire: 'ledere',
      version: 3,
      municipality: '147',
      day: '2026-11-29',
      answers: { a: 'x', b: ['y', 'z'], c: 12.5, d: 'med "citat", \\ og \n linjeskift og «æøå» </script>' },
    };
    for (const hash of [undefined, 'aGFzaC1vZi1hLXN1Ym1pc3Npb24taWQ']) {
      expect(logLine(r, hash, JSON.stringify(r.answers))).toBe(logLine(r, hash));
      expect(JSON.parse(logLine(r, hash))).toEqual(hash === undefined ? { r } : { s: hash, r });
    }
  });
});

describe('an app whose check worker goes away under load', () => {
  it('answers and stores every submission: those waiting on the worker and those after it are checked on the main thread', async () => {
    const app = await startApp({ config: { rateLimit: 'off' }, checkWorker: true });
    try {
      const study = theStudy(app.definitions);
      const qn = questionnaireByGroup(study, /leder/i);
      const { municipality, answers } = apiAnswers(qn, fullPlan('147'));
      const body = JSON.stringify({ study: study.id, questionnaire: qn.id, municipality, answers });
      const post = () => fetch(`${app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const first = await Promise.all(Array.from({ length: 100 }, post));
      const during = Array.from({ length: 300 }, post);
      await app.checker!.close();
      const rest = await Promise.all([...during, ...Array.from({ length: 100 }, post)]);
      const statuses = [...first, ...rest].map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(500);
      expect(app.store.responses.count()).toBe(500);
      expect(app.checker!.passed).toBeGreaterThanOrEqual(100);
      expect(app.checker!.passed).toBeLessThan(500);
    } finally {
      await app.close();
    }
  });
});
