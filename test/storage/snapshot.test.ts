import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../../src/storage/index.ts';
import type { TResponse } from '../../src/survey/schema.ts';

let dir: string;
let store: Store | undefined;
const log = () => join(dir, 'responses.jsonl');
const snap = () => join(dir, 'responses.snapshot');
const response = (i: number) => ({
  study: 's',
  questionnaire: i % 3 === 0 ? 'praktikere' : 'ledere',
  version: 1,
  municipality: String(101 + (i % 40)),
  answers: { frist: ['altid', 'aldrig', 'ved_ikke'][i % 3]!, grunde: i % 2 ? ['tolk', 'andet'] : ['tolk'], antal: i / 4, tekst: `svar ${i} æøå "x"` },
});
const line = (i: number): string => {
  const r: TResponse = { id: `direct${String(i).padStart(12, '0')}`, day: '2016-05-02', ...response(i) };
  return JSON.stringify({ r }) + '\n';
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'praksis-snapshot-'));
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function fill(n: number, options: { snapshotEvery?: number } = {}): Promise<TResponse[]> {
  store = await openStore(dir, options);
  for (let i = 0; i < n; i += 1) await store.responses.add(response(i), `submission-${String(i).padStart(8, '0')}`);
  const listed = await store.responses.list();
  await store.close();
  store = undefined;
  return listed;
}

/** Opens a copy of the log and snapshot as they are now, as the next start after a kill would (the open store is not closed). */
async function asIfKilled(check: (other: Store) => Promise<void>): Promise<void> {
  const copy = await mkdtemp(join(tmpdir(), 'praksis-snapshot-copy-'));
  try {
    await writeFile(join(copy, 'responses.jsonl'), await readFile(log()));
    await writeFile(join(copy, 'responses.snapshot'), await readFile(snap()));
    const other = await openStore(copy);
    await check(other);
    await other.close();
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

describe('the response snapshot (a cache of the table for fast starts)', () => {
  it('is written at close and used at the next open, with every response and submission id', async () => {
    const before = await fill(30);
    expect((await stat(snap())).size).toBeGreaterThan(0);
    store = await openStore(dir);
    expect(store.responses.recovery).toMatchObject({ responses: 30, fromSnapshot: 30, truncatedBytes: 0 });
    expect(await store.responses.list()).toEqual(before);
    // A retry of an old submission is still recognised after a start from the snapshot.
    expect(await store.responses.add(response(7), 'submission-00000007')).toEqual({ id: before[7]!.id, created: false });
    expect(store.responses.count({ questionnaire: 'praktikere' })).toBe(10);
  });

  it('reads the lines written after the snapshot (a server killed before it could close)', async () => {
    const before = await fill(10);
    await appendFile(log(), line(10) + line(11));
    await appendFile(log(), '{"r":{"id":"torn'); // and a torn last line
    store = await openStore(dir);
    expect(store.responses.recovery).toMatchObject({ responses: 12, fromSnapshot: 10, truncatedBytes: '{"r":{"id":"torn'.length });
    const after = await store.responses.list();
    expect(after.slice(0, 10)).toEqual(before);
    expect(after.slice(10).map((r) => r.id)).toEqual(['direct000000000010', 'direct000000000011']);
  });

  it('is ignored (with a warning, no data) when it does not match the log, and the whole log is read', async () => {
    await fill(10);
    // Another log in the same place (e.g. a restored backup) of a different length and content.
    await writeFile(log(), line(0) + line(1) + line(2));
    store = await openStore(dir);
    expect(store.responses.recovery.fromSnapshot).toBe(0);
    expect(store.responses.recovery.snapshotIgnored).toMatch(/covers \d+ bytes, the log has \d+/);
    expect((await store.responses.list()).map((r) => r.id)).toEqual(['direct000000000000', 'direct000000000001', 'direct000000000002']);
    expect(String(vi.mocked(console.warn).mock.calls.at(-1)?.[0])).toMatch(/ignored responses\.snapshot/);
    await store.close();
    // Closing wrote a fresh snapshot that matches again.
    store = await openStore(dir);
    expect(store.responses.recovery.fromSnapshot).toBe(3);
  });

  it('leaves no temp file of a snapshot write that a killed process left behind', async () => {
    await fill(3);
    await writeFile(join(dir, '.responses.snapshot.4242.tmp'), 'half a snapshot');
    store = await openStore(dir);
    expect(store.responses.recovery.fromSnapshot).toBe(3);
    expect((await readdir(dir)).sort()).toEqual(['praksis.lock', 'responses.jsonl', 'responses.snapshot']);
  });

  it('is ignored when the log was rewritten to the same length, or the snapshot is damaged', async () => {
    const before = await fill(12);
    const text = await readFile(log(), 'utf8');
    await writeFile(log(), text.replace('svar 0 ', 'svar X '));
    store = await openStore(dir);
    expect(store.responses.recovery.snapshotIgnored).toMatch(/does not begin as it did/);
    expect((await store.responses.list())[0]!.answers.tekst).toBe('svar X æøå "x"');
    await store.close();
    store = undefined;

    await writeFile(log(), text);
    const bytes = await readFile(snap());
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    await writeFile(snap(), bytes);
    store = await openStore(dir);
    expect(store.responses.recovery.snapshotIgnored).toMatch(/checksum mismatch/);
    expect(await store.responses.list()).toEqual(before);
  });

  it('is also written in the background after `snapshotEvery` rows (at the first quiet moment), so a killed server starts from it', async () => {
    store = await openStore(dir, { snapshotEvery: 20 });
    for (let i = 0; i < 25; i += 1) await store.responses.add(response(i));
    // Wait for the background write, then simulate a kill: no close, the lock file is left behind.
    await vi.waitFor(async () => expect((await stat(snap())).size).toBeGreaterThan(0));
    await asIfKilled(async (other) => {
      expect(other.responses.recovery.fromSnapshot).toBeGreaterThanOrEqual(20);
      expect(other.responses.recovery.responses).toBe(25);
      expect(await other.responses.list()).toEqual(await store!.responses.list());
    });
  });

  it('is written in the background after an open that read many lines (no snapshot), so the next start need not read them again', async () => {
    await writeFile(log(), Array.from({ length: 30 }, (_, i) => line(i)).join(''));
    store = await openStore(dir, { snapshotEvery: 20 });
    expect(store.responses.recovery).toMatchObject({ responses: 30, fromSnapshot: 0 });
    await vi.waitFor(async () => expect((await stat(snap())).size).toBeGreaterThan(0));
    // A kill now (no close): the next open starts from the snapshot.
    await asIfKilled(async (other) => expect(other.responses.recovery).toMatchObject({ responses: 30, fromSnapshot: 30 }));
  });

  it('is not rewritten after an open that read only a few lines', async () => {
    await fill(10);
    await appendFile(log(), line(10));
    const written = (await stat(snap())).mtimeMs;
    store = await openStore(dir, { snapshotEvery: 20 });
    await new Promise((resolve) => setTimeout(resolve, 600)); // longer than the quiet period
    expect((await stat(snap())).mtimeMs).toBe(written);
  });
});
