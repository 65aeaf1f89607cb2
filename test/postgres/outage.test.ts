/**
 * The database stopped and started again under load, with a real server process on a PostgreSQL of
 * the test's own: no 201 without a commit (every acknowledged id is in the database afterwards),
 * clear 503s (code 503.1) while it is down, and 201s again once it is back, without restarting the
 * app. Every submission answered 503 and sent again afterwards is then stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownPostgres, post, startOn, storedIds, submissions, type OwnPostgres } from './helpers.ts';

let database: OwnPostgres;
beforeAll(async () => {
  database = await ownPostgres();
}, 60_000);
afterAll(async () => {
  await database.remove();
});

const CLIENTS = 20;

describe('the database going away while serving', () => {
  it('answers 503 while it is down, never a 201 without a commit, and recovers without a restart', async () => {
    const { body } = await submissions();
    const server = await startOn(database.url, { PRAKSIS_DATABASE_TIMEOUT_MS: '1000' });
    type Outcome = { submissionId: string; status: number; id?: string; code?: number; phase: Phase };
    /** `crossing`: sent in one phase and answered in another. */
    type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'after' | 'crossing';
    let phase: Phase = 'before';
    const outcomes: Outcome[] = [];
    const counts = (p: Phase, status: number) => outcomes.filter((o) => o.phase === p && o.status === status).length;
    let running = true;
    let next = 0;
    async function client(): Promise<void> {
      while (running) {
        const submissionId = `outage-${String(next++).padStart(6, '0')}-xxxxxxxx`;
        const sentIn = phase;
        const { status, json } = await post(server.url, body(submissionId));
        outcomes.push({ submissionId, status, phase: sentIn === phase ? sentIn : 'crossing', ...(json.id ? { id: json.id } : {}), ...(json.error ? { code: json.error.code } : {}) });
      }
    }
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const clients = Array.from({ length: CLIENTS }, client);
    try {
      await until(() => counts('before', 201) >= 200);
      phase = 'stopping';
      await database.stop();
      phase = 'down';
      await until(() => counts('down', 503) >= 50);
      phase = 'starting';
      await database.start();
      phase = 'after';
      await until(() => counts('after', 201) >= 200);
    } finally {
      running = false;
      await Promise.all(clients);
    }
    try {
      // Only 201 and 503 were ever answered; every 503 is the database problem.
      expect(outcomes.filter((o) => o.status !== 201 && o.status !== 503)).toEqual([]);
      expect(outcomes.filter((o) => o.status === 503 && o.code !== 503.1)).toEqual([]);
      // While the database was down nothing was acknowledged.
      expect(counts('down', 201)).toBe(0);
      // Every 201's id is in the database.
      const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.id!);
      const stored = new Set(await storedIds(database.url));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // Sent again now, every submission answered 503 is stored (201) or found (200: it had committed), once.
      const unanswered = outcomes.filter((o) => o.status === 503);
      const again = await Promise.all(unanswered.map((o) => post(server.url, body(o.submissionId))));
      expect(again.filter((a) => a.status !== 201 && a.status !== 200)).toEqual([]);
      expect((await storedIds(database.url)).length).toBe(outcomes.length);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
