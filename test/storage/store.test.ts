import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/storage/index.ts';

let dir: string;
let store: Store | undefined;
const response = (municipality = '851') => ({ study: 's', questionnaire: 'ledere', version: 1, municipality, answers: { frist: 'altid', tekst: 'æøå "x"\n' } });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'praksis-store-'));
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the response store', () => {
  it('keeps responses across a reopen, with a random id and only the Danish day', async () => {
    store = await openStore(dir);
    const { id, created } = await store.responses.add(response());
    expect(created).toBe(true);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await store.close();
    store = await openStore(dir);
    const [stored] = await store.responses.list();
    expect(stored).toMatchObject({ id, municipality: '851', answers: { tekst: 'æøå "x"\n' } });
    expect(stored!.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const text = await readFile(join(dir, 'responses.jsonl'), 'utf8');
    expect(text).not.toMatch(/T\d{2}:\d{2}/);
  });

  it('stores one response for a submission id sent twice, also concurrently and after a reopen', async () => {
    store = await openStore(dir);
    const results = await Promise.all([store.responses.add(response(), 'sub-1'), store.responses.add(response(), 'sub-1'), store.responses.add(response(), 'sub-1')]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    await store.close();
    store = await openStore(dir);
    const again = await store.responses.add(response(), 'sub-1');
    expect(again).toEqual({ id: results[0]!.id, created: false });
    expect(store.responses.count()).toBe(1);
    expect(await readFile(join(dir, 'responses.jsonl'), 'utf8')).not.toContain('sub-1');
  });

  it('serves many concurrent adds with far fewer fsyncs (group commit)', async () => {
    store = await openStore(dir);
    await Promise.all(Array.from({ length: 300 }, (_, i) => store!.responses.add(response(), `s${i}`)));
    expect(store.responses.count()).toBe(300);
    expect(store.responses.syncs).toBeLessThan(300);
  });

  it('recovers from a torn last line and keeps every complete one', async () => {
    store = await openStore(dir);
    await store.responses.add(response('147'));
    await store.responses.add(response('851'));
    await store.close();
    await appendFile(join(dir, 'responses.jsonl'), '{"r":{"id":"abc","stu');
    store = await openStore(dir);
    expect(store.responses.count()).toBe(2);
    expect(store.responses.recovery.truncatedBytes).toBeGreaterThan(0);
    await store.responses.add(response('101'));
    await store.close();
    store = await openStore(dir);
    expect((await store.responses.list()).map((r) => r.municipality)).toEqual(['147', '851', '101']);
  });

  it('reads a log larger than its read buffer, line by line across chunk boundaries, and cuts only a torn end', async () => {
    store = await openStore(dir);
    const long = 'x'.repeat(900);
    const batch = Array.from({ length: 12_000 }, (_, i) => ({ id: `resp${String(i).padStart(12, '0')}`, study: 's', questionnaire: 'ledere', version: 1, municipality: '101', day: '2016-05-01', answers: { tekst: `${i} ${long}` } }));
    await store.responses.addMany(batch);
    await store.close();
    const file = join(dir, 'responses.jsonl');
    expect((await readFile(file)).length).toBeGreaterThan(9 * 1024 * 1024);
    await appendFile(file, '{"r":{"id":"torn');
    store = await openStore(dir);
    expect(store.responses.count()).toBe(12_000);
    expect(store.responses.recovery.truncatedBytes).toBe('{"r":{"id":"torn'.length);
    const listed = await store.responses.list();
    expect(listed[4_700]!.answers.tekst).toBe(`4700 ${long}`);
    expect(listed[11_999]!.id).toBe('resp000000011999');
  });

  it('refuses to open a log damaged in the middle instead of dropping answers', async () => {
    store = await openStore(dir);
    await store.responses.add(response());
    await store.close();
    store = undefined;
    const file = join(dir, 'responses.jsonl');
    await writeFile(file, 'garbage\n' + (await readFile(file, 'utf8')));
    await expect(openStore(dir)).rejects.toThrow(/line 1 is damaged/);
  });

  it('filters and counts by study and questionnaire', async () => {
    store = await openStore(dir);
    await store.responses.add(response());
    await store.responses.add({ ...response(), questionnaire: 'praktikere' });
    expect(store.responses.count({ questionnaire: 'praktikere' })).toBe(1);
    expect(await store.responses.list({ study: 'other' })).toEqual([]);
  });

  it('lets one process at a time open a data directory', async () => {
    store = await openStore(dir);
    await expect(openStore(dir)).rejects.toThrow(/already open/);
  });

  it('takes over the lock of a dead process', async () => {
    await writeFile(join(dir, 'praksis.lock'), '999999999\n');
    store = await openStore(dir);
    expect(store.responses.count()).toBe(0);
  });

  it('keeps settings durable and validated', async () => {
    store = await openStore(dir);
    await store.settings.update((s) => {
      s.sessionSecret = 'x';
    });
    await store.close();
    store = await openStore(dir);
    expect(store.settings.read().sessionSecret).toBe('x');
    await expect(store.settings.update((s) => {
      (s as Record<string, unknown>).apiKeyHash = 42;
    })).rejects.toThrow();
    expect(store.settings.read().apiKeyHash).toBeUndefined();
  });
});
