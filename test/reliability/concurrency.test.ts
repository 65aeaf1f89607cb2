/**
 * 5,000 API submissions from 200 concurrent clients against the real server on 127.0.0.1:
 * exactly 5,000 stored, none duplicated, retries with the same submissionId never duplicate,
 * and the store loads afterwards.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.ts';
import { questionnaireByGroup, startApp, theStudy } from '../http/helpers.ts';
import { apiAnswers, fullPlan } from '../http/walk.ts';

const TOTAL = 5000;
const CLIENTS = 200;

describe('concurrency', () => {
  it(`stores exactly ${TOTAL} responses from ${CLIENTS} concurrent clients, retries included`, async () => {
    const app = await startApp({ config: { rateLimit: 'off' } });
    try {
      const study = theStudy(app.definitions);
      const qn = questionnaireByGroup(study, /praktiker/i);
      const { municipality, answers } = apiAnswers(qn, fullPlan('147'));
      const body = (i: number) => JSON.stringify({ study: study.id, questionnaire: qn.id, municipality, answers, submissionId: `load-${String(i).padStart(6, '0')}-xxxxxxxx` });
      const ids = new Map<number, string>();
      let next = 0;
      const statuses: number[] = [];
      async function client(): Promise<void> {
        while (next < TOTAL) {
          const i = next++;
          const res = await fetch(`${app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
          statuses.push(res.status);
          ids.set(i, ((await res.json()) as { id: string }).id);
        }
      }
      await Promise.all(Array.from({ length: CLIENTS }, client));
      // Every tenth submission is sent again, all at once, as a flaky network would: the first response's id, stored once.
      const retried = Array.from({ length: TOTAL / 10 }, (_, k) => k * 10);
      const again = await Promise.all(
        retried.map(async (i) => {
          const res = await fetch(`${app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
          return { status: res.status, id: ((await res.json()) as { id: string }).id, expected: ids.get(i) };
        }),
      );
      expect(again.filter((a) => a.status !== 200)).toEqual([]);
      expect(again.filter((a) => a.id !== a.expected)).toEqual([]);
      expect(statuses.filter((s) => s === 201)).toHaveLength(TOTAL);
      expect(new Set(ids.values()).size).toBe(TOTAL);
      expect(await app.store.responses.count()).toBe(TOTAL);
      await app.store.close();
      const reopened = await openStore(app.dataDir);
      const stored = await reopened.responses.list();
      expect(stored).toHaveLength(TOTAL);
      expect(new Set(stored.map((r) => r.id))).toEqual(new Set(ids.values()));
      await reopened.close();
    } finally {
      await app.close();
    }
  }, 120_000);
});
