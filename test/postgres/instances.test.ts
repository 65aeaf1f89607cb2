/**
 * Two praksis server processes (npm start's build) on one PostgreSQL database, as behind a proxy:
 * load spread over both, a single-use link and a retried submission raced across both, one
 * instance killed mid-stream, a password change and the export secret seen by both. Nothing is
 * kept per process that would make the two disagree.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, API_KEY, Client, signIn } from '../http/helpers.ts';
import type { Started } from '../http/process.ts';
import { createDatabase, post, startOn, storedIds, submissions, withSql, type TestDatabase } from './helpers.ts';

let database: TestDatabase | undefined;
const servers: Started[] = [];

/** A fresh database and two instances on it (started at once: they migrate it once between them). */
async function pair(): Promise<[Started, Started]> {
  database = await createDatabase();
  const started = await Promise.all([startOn(database.url), startOn(database.url)]);
  servers.push(...started);
  return started;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await database?.drop();
  database = undefined;
});

const auth = { authorization: `Bearer ${API_KEY}` };

describe('two instances on one database', () => {
  it('stores exactly 4,000 submissions from 100 concurrent clients spread over both', async () => {
    const [a, b] = await pair();
    const { body } = await submissions();
    const TOTAL = 4000;
    const acknowledged: string[] = [];
    const statuses: number[] = [];
    let next = 0;
    const client = async (k: number) => {
      const base = k % 2 === 0 ? a.url : b.url;
      while (next < TOTAL) {
        const i = next++;
        const { status, json } = await post(base, body(`spread-${String(i).padStart(6, '0')}-xxxxxxxx`));
        statuses.push(status);
        if (json.id) acknowledged.push(json.id);
      }
    };
    await Promise.all(Array.from({ length: 100 }, (_, k) => client(k)));
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const stored = await storedIds(database!.url);
    expect(stored).toHaveLength(TOTAL);
    expect(new Set(stored)).toEqual(new Set(acknowledged));
  }, 120_000);

  it('lets 50 concurrent submissions of one single-use link, split over both, store exactly one response', async () => {
    const [a, b] = await pair();
    const { study, leaders, tokenBody } = await submissions();
    const issued = await fetch(`${a.url}/api/v1/studies/${study.id}/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ questionnaire: leaders.id, municipalities: ['147'], uses: 1 }),
    });
    expect(issued.status).toBe(201);
    const token = ((await issued.json()) as { url: string }[])[0]!.url.split('/').at(-1)!;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(i % 2 === 0 ? a.url : b.url, tokenBody(token))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).map((r) => r.json.error?.code)).toEqual(Array.from({ length: 49 }, () => 410.4));
    await withSql(database!.url, async (c) => {
      expect((await c.query('SELECT count(*)::integer AS n FROM responses WHERE questionnaire = $1', [leaders.id])).rows[0].n).toBe(1);
      expect((await c.query('SELECT used FROM invitations WHERE NOT revoked')).rows).toEqual([{ used: 1 }]);
    });
  }, 60_000);

  it('stores a submission retried on both instances once, answering every retry with its id', async () => {
    const [a, b] = await pair();
    const { body } = await submissions();
    const same = body('one-submission-retried-everywhere');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 === 0 ? a.url : b.url, same)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    const ids = new Set(results.map((r) => r.json.id));
    expect(ids.size).toBe(1);
    expect(await storedIds(database!.url)).toEqual([...ids]);
  }, 60_000);

  it('keeps every acknowledged response when one instance is killed mid-stream, and the other keeps serving', async () => {
    const [a, b] = await pair();
    const { body } = await submissions();
    const acknowledged: string[] = [];
    const fromB: number[] = [];
    let ackedByBAfterKill = 0;
    let killed = false;
    let next = 0;
    let running = true;
    const client = async (k: number) => {
      const onA = k % 2 === 0;
      while (running) {
        const sent = body(`kill-${String(next++).padStart(6, '0')}-xxxxxxxx`);
        try {
          const { status, json } = await post(onA ? a.url : b.url, sent);
          if (status === 201) acknowledged.push(json.id!);
          if (!onA) {
            fromB.push(status);
            if (killed && status === 201) ackedByBAfterKill += 1;
          }
        } catch (error) {
          // Only the killed instance's connections may fail; its clients stop.
          if (!onA || !killed) throw error;
          return;
        }
      }
    };
    const clients = Array.from({ length: 20 }, (_, k) => client(k));
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    try {
      await until(() => acknowledged.length >= 300);
      killed = true;
      const finished = await a.kill();
      expect(finished.code).toBeNull();
      await until(() => ackedByBAfterKill >= 300);
    } finally {
      running = false;
      await Promise.all(clients);
    }
    expect(fromB.filter((s) => s !== 201)).toEqual([]);
    const stored = new Set(await storedIds(database!.url));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  }, 120_000);

  it('signs every session out on both instances when the password changes', async () => {
    const [a, b] = await pair();
    const onA = new Client(a.url);
    expect((await signIn(onA)).status).toBe(303);
    // The same session cookie is good on the other instance.
    const onB = new Client(b.url);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    expect((await onA.get('/admin')).status).toBe(200);
    expect((await onB.get('/admin')).status).toBe(200);
    // An operator changes the password: a third instance started with the new one stores its hash.
    const changed = await startOn(database!.url, { PRAKSIS_ADMIN_PASSWORD: 'a-new-password-456' });
    await changed.stop();
    for (const client of [onA, onB]) {
      const res = await client.get('/admin');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/admin\/login/);
    }
    expect((await signIn(new Client(b.url), ADMIN_PASSWORD)).status).toBe(401);
    const fresh = new Client(b.url);
    expect((await signIn(fresh, 'a-new-password-456')).status).toBe(303);
    expect((await fresh.get('/admin')).status).toBe(200);
    expect((await new Client(a.url).get('/admin')).status).toBe(303);
  }, 60_000);

  it('creates the export secret once when both instances export at the same moment', async () => {
    const [a, b] = await pair();
    const { study, body } = await submissions();
    for (let i = 0; i < 5; i += 1) expect((await post(a.url, body())).status).toBe(201);
    const exports = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await fetch(`${i % 2 === 0 ? a.url : b.url}/api/v1/studies/${study.id}/exports/responses.csv`, { headers: auth });
        expect(res.status).toBe(200);
        return res.text();
      }),
    );
    // The cluster pseudonyms (from the secret) and everything else are the same in every export.
    expect(new Set(exports).size).toBe(1);
    const secret = await withSql(database!.url, async (c) => (await c.query('SELECT document ->> $1 AS s FROM settings', ['exportSecret'])).rows[0].s as string);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  }, 60_000);
});
