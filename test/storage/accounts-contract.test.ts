/**
 * The accounts contract (UsersPort): what every adapter in ./adapters.ts does with users, keys,
 * sessions, sign-in counters and the activity log, as the app notices it, including across a
 * reopen and, for PostgreSQL, between two stores open on one database at once.
 */
import { describe, expect, it } from 'vitest';
import type { TActivity, TUser } from '../../src/storage/accounts.ts';
import type { Store } from '../../src/storage/index.ts';
import { adapters, storesPerTest } from './adapters.ts';

const HASH = (c: string) => c.repeat(64).slice(0, 64);
const user = (id: string, login: string, overrides: Partial<TUser> = {}): TUser => ({
  id: `user-${id}-0000`,
  name: `Navn ${login}`,
  login,
  role: 'evaluator',
  studies: ['integration'],
  passwordHash: 'scrypt$x',
  createdDay: '2026-12-01',
  ...overrides,
});
const entry = (i: number): TActivity => ({ at: `2026-12-01T10:00:0${i}Z`, who: 'eva', action: 'export', study: 'integration', detail: `fil ${i}` });

describe.each(adapters)('the $name store: accounts', (adapter) => {
  const { open } = storesPerTest(adapter);
  it('adds users (a taken login or id is refused, nothing stored), finds them by id and login, lists them by login', async () => {
    const store = await open();
    expect(await store.users.add(user('b', 'bo'))).toBe(true);
    expect(await store.users.add(user('a', 'anna', { role: 'admin', studies: [] }))).toBe(true);
    expect(await store.users.add(user('c', 'bo'))).toBe(false);
    expect(await store.users.add(user('a', 'carl'))).toBe(false);
    expect((await store.users.list()).map((u) => u.login)).toEqual(['anna', 'bo']);
    expect(await store.users.findByLogin('BO')).toEqual(user('b', 'bo'));
    expect(await store.users.get('user-a-0000')).toEqual(user('a', 'anna', { role: 'admin', studies: [] }));
    expect(await store.users.get('user-z-0000')).toBeUndefined();
  });

  it('updates role, studies and password; refuses an invalid change and keeps the user as it was', async () => {
    const store = await open();
    await store.users.add(user('b', 'bo'));
    expect(await store.users.update('user-b-0000', { role: 'viewer', studies: ['integration', 'andet'] })).toMatchObject({ role: 'viewer', studies: ['integration', 'andet'] });
    await expect(store.users.update('user-b-0000', { role: 'boss' as never })).rejects.toThrow();
    expect((await store.users.get('user-b-0000'))!.role).toBe('viewer');
    expect(await store.users.update('user-z-0000', { role: 'admin' })).toBeUndefined();
    const again = await (async () => (await store.close(), open()))();
    expect((await again.users.get('user-b-0000'))!.studies).toEqual(['integration', 'andet']);
  });

  it('keys: found by hash with their user, last-used day recorded, revoked at once; removed with their user', async () => {
    const store = await open();
    await store.users.add(user('b', 'bo'));
    await store.users.addKey({ id: 'key-1-0000', userId: 'user-b-0000', name: 'R', hash: HASH('a'), createdDay: '2026-12-01', lastUsedDay: null });
    await store.users.addKey({ id: 'key-2-0000', userId: 'user-b-0000', name: 'Python', hash: HASH('b'), createdDay: '2026-12-01', lastUsedDay: null });
    const used = await store.users.useKey(HASH('a'), '2026-12-02');
    expect(used?.user.login).toBe('bo');
    expect((await store.users.keys('user-b-0000')).map((k) => [k.name, k.lastUsedDay])).toEqual([
      ['R', '2026-12-02'],
      ['Python', null],
    ]);
    expect(await store.users.useKey(HASH('c'), '2026-12-02')).toBeUndefined();
    expect(await store.users.revokeKey('user-b-0000', 'key-1-0000')).toBe(true);
    expect(await store.users.revokeKey('user-b-0000', 'key-1-0000')).toBe(false);
    expect(await store.users.useKey(HASH('a'), '2026-12-03')).toBeUndefined();
    expect(await store.users.remove('user-b-0000')).toBe(true);
    expect(await store.users.useKey(HASH('b'), '2026-12-03')).toBeUndefined();
    expect(await store.users.remove('user-b-0000')).toBe(false);
  });

  it('sessions: found until they expire, ended one by one, all of a user (but one), and with a removed user', async () => {
    const store = await open();
    await store.users.add(user('b', 'bo'));
    await store.users.add(user('c', 'carl'));
    const now = Date.now();
    for (const [c, id] of [['1', 'b'], ['2', 'b'], ['3', 'b'], ['4', 'c']] as const) await store.users.addSession({ hash: HASH(c), userId: `user-${id}-0000`, expires: now + 60_000 });
    expect((await store.users.session(HASH('1'), now))?.user.login).toBe('bo');
    expect(await store.users.session(HASH('1'), now + 60_001)).toBeUndefined();
    await store.users.endSession(HASH('1'));
    expect(await store.users.session(HASH('1'), now)).toBeUndefined();
    expect(await store.users.endSessions('user-b-0000', HASH('3'))).toBe(1);
    expect(await store.users.session(HASH('2'), now)).toBeUndefined();
    expect(await store.users.session(HASH('3'), now)).toBeDefined();
    await store.users.remove('user-c-0000');
    expect(await store.users.session(HASH('4'), now)).toBeUndefined();
  });

  it('counts attempts per key within the window, atomically under concurrency, and forgets them when cleared', async () => {
    const store = await open();
    const now = Date.now();
    const counts = await Promise.all(Array.from({ length: 40 }, () => store.users.countAttempts(['k1', 'k2'], now, 60_000)));
    // Each of 40 concurrent attempts sees a different count of k1 (1..40): none slips past a limit.
    expect(counts.map((c) => c[0]).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await store.users.countAttempts(['k1'], now + 60_001, 60_000)).toEqual([1]);
    await store.users.clearAttempts(['k1']);
    expect(await store.users.countAttempts(['k1', 'k2'], now + 60_002, 60_000)).toEqual([1, 1]);
  });

  it('the activity log keeps every entry in order across a reopen, and refuses an invalid one', async () => {
    let store = await open();
    for (let i = 0; i < 3; i++) await store.users.log(entry(i));
    await expect(store.users.log({ ...entry(4), action: 'delete-everything' as never })).rejects.toThrow();
    await store.close();
    store = await open();
    expect(await store.users.activity()).toEqual([entry(0), entry(1), entry(2)]);
  });

  if (adapter.name === 'postgres') {
    it('two stores on one database see each other\'s sessions, removals and counters at once', async () => {
      const [a, b] = [await open(), await open()];
      await a.users.add(user('b', 'bo'));
      const now = Date.now();
      await a.users.addSession({ hash: HASH('1'), userId: 'user-b-0000', expires: now + 60_000 });
      expect((await b.users.session(HASH('1'), now))?.user.login).toBe('bo');
      await b.users.remove('user-b-0000');
      expect(await a.users.session(HASH('1'), now)).toBeUndefined();
      const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).users.countAttempts(['shared'], now, 60_000)));
      expect(counts.map((c) => c[0]).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });
  }
});

describe('the file store: the activity log on disk', () => {
  it('is appended line by line (never rewritten); a torn last line is cut off at the next open, a damaged one refused by number', async () => {
    const { appendFile, readFile, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const place = await adapters.find((a) => a.name === 'files')!.place();
    try {
      let store = await place.open();
      const dir = store.location;
      await store.users.log(entry(0));
      const first = await readFile(join(dir, 'activity.jsonl'), 'utf8');
      await store.users.log(entry(1));
      const second = await readFile(join(dir, 'activity.jsonl'), 'utf8');
      expect(second.startsWith(first)).toBe(true);
      expect(second.split('\n')).toHaveLength(3);
      await store.close();
      await appendFile(join(dir, 'activity.jsonl'), '{"at":"2026-12-01T1');
      store = await place.open();
      expect(await store.users.activity()).toEqual([entry(0), entry(1)]);
      await store.close();
      expect(await readFile(join(dir, 'activity.jsonl'), 'utf8')).toBe(second);
      await writeFile(join(dir, 'activity.jsonl'), second.replace('"export"', '"exp0rt"'));
      await expect(place.open()).rejects.toThrow(/activity\.jsonl line 1 is damaged/);
    } finally {
      await place.remove();
    }
  });
});
