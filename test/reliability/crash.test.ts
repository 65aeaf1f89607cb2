/**
 * Crash safety: the server, started as `npm start` does (test/http/process.ts), is killed with
 * SIGKILL at a random moment during a stream of submissions, 20 times on the same data directory:
 * open-link API submissions and submissions through three-use invitation links at once. After
 * each kill the store opens, every acknowledged (201) submission is present, and no link has
 * more responses than the uses it recorded (a use is recorded before its response is stored).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { openStore } from '../../src/storage/index.ts';
import { questionnaireByGroup, surveysDir, theStudy } from '../http/helpers.ts';
import { startServer, type Started } from '../http/process.ts';
import { apiAnswers, fullPlan } from '../http/walk.ts';

const TRIALS = 20;
const WRITERS = 12;
const LINK_WRITERS = 8;
const API_KEY = 'crash-test-api-key-0123456789';
const env = (dataDir: string) => ({ PRAKSIS_DATA_DIR: dataDir, PRAKSIS_RATE_LIMIT: 'off', PRAKSIS_ADMIN_PASSWORD: 'crash-test-password', PRAKSIS_API_KEY: API_KEY });

describe('crash safety', () => {
  it(`keeps every acknowledged submission and never over-uses a link across ${TRIALS} SIGKILLs`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-crash-'));
    const defs = await loadDefinitions(surveysDir);
    const study = theStudy(defs);
    const eligible = defs.frames.get(study.frame)!.municipalities.filter((m) => m.eligible).map((m) => m.code);
    let round = 0;
    const open = questionnaireByGroup(study, /praktiker/i);
    const linked = questionnaireByGroup(study, /leder/i);
    const openBody = apiAnswers(open, fullPlan('147'));
    const linkAnswers = apiAnswers(linked, fullPlan('147')).answers;
    const acknowledged = new Map<string, string>();
    let counter = 0;
    /** Open-link and link writers until a SIGKILL at a random moment (after fresh three-use links). */
    const submitUntilKilled = async (server: Started) => {
      // Three-use links for four municipalities without one each round (links are never replaced by creating them).
      const invited = eligible.slice((4 * round) % (eligible.length - 3), ((4 * round) % (eligible.length - 3)) + 4);
      round += 1;
      const made = await fetch(`${server.url}/api/v1/studies/${study.id}/invitations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ questionnaire: linked.id, municipalities: invited, uses: 3 }),
      });
      expect(made.status).toBe(201);
      const tokens = ((await made.json()) as { url: string }[]).map((l) => new URL(l.url).pathname.split('/').pop()!);
      let killed = false;
      const post = async (body: object, submissionId: string) => {
        try {
          const res = await fetch(`${server.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, submissionId }) });
          if (res.status === 201) acknowledged.set(submissionId, ((await res.json()) as { id: string }).id);
        } catch {
          // the server died mid-request: not acknowledged, nothing to check
        }
      };
      const writer = async () => {
        while (!killed) await post({ study: study.id, questionnaire: open.id, ...openBody }, `crash-${String(counter++).padStart(7, '0')}-xxxxxxx`);
      };
      const linkWriter = async (k: number) => {
        while (!killed) await post({ token: tokens[k % tokens.length]!, answers: linkAnswers }, `link-${String(counter++).padStart(7, '0')}-xxxxxxxx`);
      };
      const writers = [...Array.from({ length: WRITERS }, writer), ...Array.from({ length: LINK_WRITERS }, (_, k) => linkWriter(k))];
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 600));
      await server.kill();
      killed = true;
      await Promise.all(writers);
    };
    try {
      for (let trial = 0; trial < TRIALS; trial += 1) {
        const server = await startServer([], env(dataDir));
        try {
          await submitUntilKilled(server);
        } finally {
          await server.kill(); // also when an assertion failed: no server is left running
        }

        const store = await openStore(dataDir);
        const ids = new Set((await store.responses.list()).map((r) => r.id));
        for (const [submissionId, id] of acknowledged) expect(ids.has(id), `acknowledged ${submissionId} missing after trial ${trial}`).toBe(true);
        const linkResponses = await store.responses.count({ study: study.id, questionnaire: linked.id });
        const usesRecorded = (await store.fieldwork.invitations(study.id, linked.id)).reduce((sum, i) => sum + i.used, 0);
        expect(linkResponses, `after trial ${trial}`).toBeLessThanOrEqual(usesRecorded);
        await store.close();
      }
      expect(acknowledged.size).toBeGreaterThan(TRIALS * 5);
      expect([...acknowledged.keys()].some((k) => k.startsWith('link-'))).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
