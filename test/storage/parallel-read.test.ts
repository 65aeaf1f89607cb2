/**
 * A large response log is read at open in two halves at once, the second by a worker thread
 * (parallelBytes makes "large" small here). The result must be exactly that of reading it line by line.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../../src/storage/index.ts';
import type { TResponse } from '../../src/survey/schema.ts';

let dir: string;
let store: Store | undefined;
const log = () => join(dir, 'responses.jsonl');
const PARALLEL = { parallelBytes: 1 };

/** A line as the store writes it; later lines bring answer keys and values the first half never saw. */
const line = (i: number, submission?: string): string => {
  const r: TResponse = {
    id: `row${String(i).padStart(8, '0')}`,
    study: 's',
    questionnaire: i % 3 === 0 ? 'praktikere' : 'ledere',
    version: 1 + (i > 150 ? 1 : 0),
    municipality: String(101 + (i % 40)),
    day: i < 100 ? '2016-05-02' : '2016-05-03',
    answers: { frist: ['altid', 'aldrig', 'ved_ikke'][i % 3]!, grunde: i % 2 ? ['tolk', 'andet'] : ['tolk'], antal: i / 4, ...(i > 120 ? { sent: `ny ${i}` } : {}) },
  };
  return JSON.stringify(submission ? { s: submission, r } : { r }) + '\n';
};
const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i, i % 5 === 0 ? `hash-${i}` : undefined)).join('');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'praksis-parallel-'));
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function openBoth(): Promise<{ serial: TResponse[]; parallel: TResponse[]; store: Store }> {
  const text = await readFile(log());
  store = await openStore(dir, { parallelBytes: Number.POSITIVE_INFINITY });
  const serial = await store.responses.list();
  await store.close();
  await writeFile(log(), text);
  await rm(join(dir, 'responses.snapshot'), { force: true });
  store = await openStore(dir, PARALLEL);
  return { serial, parallel: await store.responses.list(), store };
}

describe('reading a large log in two halves at once', () => {
  it('gives the same responses, in the same order, and the same submission ids as reading it line by line', async () => {
    // Written by the store itself (so the submission hashes are real), in groups of concurrent adds.
    store = await openStore(dir);
    for (let group = 0; group < 10; group += 1) {
      await Promise.all(
        Array.from({ length: 30 }, (_, k) => {
          const { r } = JSON.parse(line(group * 30 + k)) as { r: TResponse };
          return store!.responses.add(r, `submission-${group * 30 + k}`);
        }),
      );
    }
    await store.close();
    await rm(join(dir, 'responses.snapshot'));
    const { serial, parallel } = await openBoth();
    expect(serial).toHaveLength(300);
    expect(parallel).toEqual(serial);
    expect(store!.responses.recovery).toMatchObject({ responses: 300, fromSnapshot: 0, truncatedBytes: 0 });
    expect(store!.responses.recovery.readByWorker).toBeGreaterThan(100);
    expect(store!.responses.count({ questionnaire: 'praktikere' })).toBe(100);
    // Submission ids from both halves are known: a retry gets the stored response back.
    for (const i of [3, 297]) {
      const { r } = JSON.parse(line(i)) as { r: TResponse };
      expect(await store!.responses.add(r, `submission-${i}`)).toEqual({ id: parallel.find((x) => x.answers.antal === i / 4)!.id, created: false });
    }
    const table = store!.responses.table;
    expect(table.answers('sent')!.values).toContain('ny 299');
    expect(table.days().values.length).toBe(1); // the store stamps today's date
  });

  it('cuts a torn last line off (it is in the second half)', async () => {
    await writeFile(log(), lines(200) + '{"r":{"id":"torn');
    store = await openStore(dir, PARALLEL);
    expect(store.responses.recovery).toMatchObject({ responses: 200, truncatedBytes: '{"r":{"id":"torn'.length });
    expect(store.responses.recovery.readByWorker).toBeGreaterThan(50);
    expect((await readFile(log(), 'utf8')).endsWith('\n')).toBe(true);
  });

  it('names the damaged line by its number in the whole log, in either half', async () => {
    const good = lines(200).split('\n');
    for (const bad of [10, 170]) {
      const copy = [...good];
      copy[bad - 1] = '{"r":{"id":"broken"';
      await writeFile(log(), copy.join('\n'));
      await expect(openStore(dir, PARALLEL)).rejects.toThrow(new RegExp(`line ${bad} is damaged`));
    }
  });

  it('adds the lines after a snapshot in two halves too', async () => {
    await writeFile(log(), lines(50));
    store = await openStore(dir);
    await store.close();
    const rest = Array.from({ length: 250 }, (_, i) => line(50 + i)).join('');
    await appendFile(log(), rest);
    store = await openStore(dir, PARALLEL);
    expect(store.responses.recovery).toMatchObject({ responses: 300, fromSnapshot: 50 });
    expect(store.responses.recovery.readByWorker).toBeGreaterThan(100);
    expect((await store.responses.list()).map((r) => r.id)).toEqual(Array.from({ length: 300 }, (_, i) => `row${String(i).padStart(8, '0')}`));
  });
});
