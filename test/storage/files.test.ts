/**
 * What only the file adapter does: the response log's line format and recovery, write failures
 * (through the adapter's I/O seam: node:fs with one function replaced), temp files, and the refusal
 * to open when settings.json or fieldwork.json has gone missing. The lock: files-lock.test.ts.
 */
import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashSecret } from '../../src/fieldwork/index.ts';
import { nodeIO, type FileIO } from '../../src/storage/files/io.ts';
import { openStore } from '../../src/storage/index.ts';
import type { TResponse } from '../../src/survey/schema.ts';
import { dataDirPerTest, newResponse, issueLinks } from './adapters.ts';

const data = dataDirPerTest();
const { open, file } = data;
const log = () => file('responses.jsonl');
const linesOf = async () => (await readFile(log(), 'utf8')).split('\n').filter(Boolean);
const tempFiles = async () => (await readdir(data.dir)).filter((name) => name.endsWith('.tmp'));

/** An error like node:fs gives, with its code. */
const fsError = (code: string) => Object.assign(new Error(`${code}: simulated failure`), { code });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the response log', () => {
  it('writes one JSON line per response, with only a hash of the submission id and no time of day', async () => {
    const store = await open();
    const { id } = await store.responses.add(newResponse(), 'sub-1');
    await store.responses.add(newResponse());
    const [first, second] = await linesOf();
    const hash = createHash('sha256').update('praksis-submission:sub-1').digest('base64url');
    expect(JSON.parse(first!)).toEqual({ s: hash, r: { id, ...newResponse(), day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) } });
    expect(Object.keys(JSON.parse(first!).r)).toEqual(['id', 'study', 'questionnaire', 'version', 'municipality', 'day', 'answers']);
    expect(Object.keys(JSON.parse(second!))).toEqual(['r']);
    expect(await readFile(log(), 'utf8')).not.toContain('sub-1');
    expect(await readFile(log(), 'utf8')).not.toMatch(/T\d{2}:\d{2}/);
  });

  it('opens a log written by the previous version, and knows its submission hashes', async () => {
    const r: TResponse = { id: 'oldresponse0000000001', study: 'integration', questionnaire: 'ledere', version: 1, municipality: '147', day: '2016-05-02', answers: { frist: 'altid' } };
    const hash = createHash('sha256').update('praksis-submission:sub-old').digest('base64url');
    await writeFile(log(), `${JSON.stringify({ s: hash, r })}\n${JSON.stringify({ r: { ...r, id: 'oldresponse0000000002' } })}\n`);
    await writeFile(file('settings.json'), '{"sessionSecret":"kept"}\n');
    await writeFile(file('fieldwork.json'), '{"invitations":[],"drafts":[],"windows":{"integration/ledere":{"mode":"auto","openLinks":true}}}\n');
    await writeFile(file('responses.snapshot'), 'PRAKSIS-SNAPSHOT-3\n(an old cache)');
    const store = await open();
    expect(await store.responses.list()).toEqual([r, { ...r, id: 'oldresponse0000000002' }]);
    expect(await store.responses.add(newResponse(), 'sub-old')).toEqual({ id: r.id, created: false });
    expect(await store.settings.read()).toEqual({ sessionSecret: 'kept' });
    expect(await store.fieldwork.window('integration', 'ledere')).toEqual({ mode: 'dates', openLinks: true });
    expect(await readdir(data.dir)).not.toContain('responses.snapshot');
  });

  it('cuts off a torn last line at open, saying only how many bytes, and keeps every complete line', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let store = await open();
    await store.responses.add(newResponse({ municipality: '147' }));
    await store.responses.add(newResponse({ municipality: '851' }));
    await store.close();
    const torn = '{"r":{"id":"abc","study":"secret-study';
    await appendFile(log(), torn);
    store = await open();
    expect(await store.responses.count()).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(new RegExp(`torn last line of ${torn.length} bytes`));
    expect(warn.mock.calls[0]!.join(' ')).not.toContain('secret-study');
    await store.responses.add(newResponse({ municipality: '101' }));
    await store.close();
    store = await open();
    expect((await store.responses.list()).map((r) => r.municipality)).toEqual(['147', '851', '101']);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('cuts off a complete but damaged last line (torn inside one write of several lines)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let store = await open();
    await store.responses.add(newResponse());
    await store.close();
    await appendFile(log(), '{"r":{"id":"x"}}\n');
    store = await open();
    expect(await store.responses.count()).toBe(1);
    expect(await linesOf()).toHaveLength(1);
  });

  it('reads a log larger than its read chunk, across chunk boundaries', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let store = await open();
    const long = 'æ'.repeat(450);
    const batch = Array.from({ length: 12_000 }, (_, i): TResponse => ({ id: `resp${String(i).padStart(12, '0')}`, study: 's', questionnaire: 'ledere', version: 1, municipality: '101', day: '2016-05-01', answers: { tekst: `${i} ${long}` } }));
    await store.responses.addMany(batch);
    await store.close();
    expect((await stat(log())).size).toBeGreaterThan(9 * 1024 * 1024);
    await appendFile(log(), '{"r":{"id":"torn');
    store = await open();
    const listed = await store.responses.list();
    expect(listed).toHaveLength(12_000);
    expect(listed[4_700]!.answers.tekst).toBe(`4700 ${long}`);
    expect(listed[11_999]!.id).toBe('resp000000011999');
  });

  it('refuses to open a log damaged in the middle, naming the line, and leaves it as it was', async () => {
    const store = await open();
    for (const m of ['101', '147', '151']) await store.responses.add(newResponse({ municipality: m }));
    await store.close();
    const lines = await linesOf();
    const damaged = [lines[0], lines[1]!.slice(0, 40), lines[2]].join('\n') + '\n';
    await writeFile(log(), damaged);
    await expect(openStore(data.dir)).rejects.toThrow(/responses\.jsonl line 2 is damaged .*refuses to open rather than lose answers/);
    expect(await readFile(log(), 'utf8')).toBe(damaged);
    await writeFile(log(), 'garbage\n' + lines.join('\n') + '\n');
    await expect(openStore(data.dir)).rejects.toThrow(/line 1 is damaged/);
  });

  it('resolves an add only after its fdatasync', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = await open({ io: { fdatasync: async (fd) => (await gate, nodeIO.fdatasync(fd)) } });
    let done = false;
    const adding = store.responses.add(newResponse()).then(() => (done = true));
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(await store.responses.count()).toBe(0);
    release();
    await adding;
    expect(await store.responses.count()).toBe(1);
  });

  it('serves many concurrent adds with far fewer fdatasyncs (group commit)', async () => {
    let syncs = 0;
    const store = await open({ io: { fdatasync: (fd) => ((syncs += 1), nodeIO.fdatasync(fd)) } });
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.responses.add(newResponse(), `s${i}`)));
    expect(await store.responses.count()).toBe(300);
    expect(syncs).toBeGreaterThan(0);
    expect(syncs).toBeLessThan(30);
  });
});

describe('a failed write of the response log', () => {
  /** node:fs, where `fail` decides per call whether a function fails (with ENOSPC). */
  function failing(which: keyof FileIO, fail: () => boolean): Partial<FileIO> {
    const real = nodeIO[which] as (...args: unknown[]) => Promise<unknown>;
    return { [which]: (...args: unknown[]) => (fail() ? Promise.reject(fsError('ENOSPC')) : real(...args)) };
  }
  const once = () => {
    let left = 1;
    return () => left-- > 0;
  };

  it('fails only the submissions of its batch; the next ones are stored, and a failed one can be sent again', async () => {
    // fdatasync number 3 fails: the one of the batch that gathered while number 2 was held back.
    let calls = 0;
    let release!: () => void;
    let held: Promise<void> = Promise.resolve();
    let store = await open({
      io: {
        fdatasync: async (fd) => {
          calls += 1;
          if (calls === 2) await held;
          return calls === 3 ? Promise.reject(fsError('ENOSPC')) : nodeIO.fdatasync(fd);
        },
      },
    });
    await store.responses.add(newResponse({ municipality: '101' }), 'a');
    held = new Promise((resolve) => (release = resolve));
    const first = store.responses.add(newResponse({ municipality: '147' }), 'x');
    await new Promise((resolve) => setImmediate(resolve));
    const batch = Promise.allSettled([store.responses.add(newResponse({ municipality: '151' }), 'b'), store.responses.add(newResponse({ municipality: '153' }), 'c')]);
    release();
    expect(await first).toMatchObject({ created: true });
    const settled = await batch;
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/could not store the response in .*responses\.jsonl \(ENOSPC/);
    expect(await store.responses.has('b')).toBe(false);
    expect(await store.responses.add(newResponse({ municipality: '155' }), 'd')).toMatchObject({ created: true });
    expect(await store.responses.add(newResponse({ municipality: '151' }), 'b')).toMatchObject({ created: true });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await store.close();
    store = await open();
    expect((await store.responses.list()).map((r) => r.municipality)).toEqual(['101', '147', '155', '151']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('cuts back a write that failed half way', async () => {
    let calls = 0;
    let armed = false;
    const halfThenFail: Partial<FileIO> = {
      write: (fd, buffer, offset, length) => {
        if (armed) calls += 1;
        if (calls === 1) return nodeIO.write(fd, buffer, offset, Math.ceil(length / 2));
        if (calls === 2) return Promise.reject(fsError('ENOSPC'));
        return nodeIO.write(fd, buffer, offset, length);
      },
    };
    let store = await open({ io: halfThenFail });
    await store.responses.add(newResponse({ municipality: '101' }));
    armed = true;
    await expect(store.responses.add(newResponse({ municipality: '147' }))).rejects.toThrow(/ENOSPC/);
    await store.responses.add(newResponse({ municipality: '151' }));
    await store.close();
    expect(await linesOf()).toHaveLength(2);
    store = await open();
    expect((await store.responses.list()).map((r) => r.municipality)).toEqual(['101', '151']);
  });

  it('tries the cut-back again before the next write when it failed, and refuses (saying why) only while it keeps failing', async () => {
    let truncateFails = false;
    let syncFails = false;
    let store = await open({ io: { ...failing('ftruncate', () => truncateFails), ...failing('fdatasync', () => syncFails && !(syncFails = false)) } });
    await store.responses.add(newResponse({ municipality: '101' }));
    truncateFails = true;
    syncFails = true;
    await expect(store.responses.add(newResponse({ municipality: '147' }))).rejects.toThrow(/could not be cut back yet/);
    await expect(store.responses.add(newResponse({ municipality: '151' }))).rejects.toThrow(/takes no responses: a failed write could not be cut back off it \(ENOSPC.*check the disk/);
    truncateFails = false;
    await store.responses.add(newResponse({ municipality: '153' }));
    await store.close();
    store = await open();
    expect((await store.responses.list()).map((r) => r.municipality)).toEqual(['101', '153']);
  });

  it('keeps the link use of a submission whose write may have reached the log', async () => {
    const fail = { truncate: false, sync: false };
    let store = await open({ io: { ...failing('ftruncate', () => fail.truncate && !(fail.truncate = false)), ...failing('fdatasync', () => fail.sync && !(fail.sync = false)) } });
    const [issued] = await issueLinks(store, 'integration', 'ledere', ['851'], 2);
    const hash = hashSecret(issued!.token);
    fail.truncate = fail.sync = true;
    await expect(store.fieldwork.useLink(hash, '2016-05-02', () => store.responses.add(newResponse()))).rejects.toThrow(/could not be cut back yet/);
    expect(await store.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 1 });
    await store.fieldwork.useLink(hash, '2016-05-02', () => store.responses.add(newResponse()));
    await store.close();
    store = await open();
    expect(await store.responses.count()).toBe(1);
    expect(await store.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 2 });
  });

  it('gives the link use back when the write failed and was cut back', async () => {
    const store = await open({ io: failing('fdatasync', once()) });
    const [issued] = await issueLinks(store, 'integration', 'ledere', ['851'], 1);
    const hash = hashSecret(issued!.token);
    // The first fdatasync of the log is this submission's.
    await expect(store.fieldwork.useLink(hash, '2016-05-02', () => store.responses.add(newResponse()))).rejects.toThrow(/ENOSPC/);
    expect(await store.fieldwork.findByTokenHash(hash)).toMatchObject({ used: 0, completions: {} });
  });
});

describe('settings.json and fieldwork.json', () => {
  it('leave no temp file behind when a write fails at any step, and change nothing', async () => {
    for (const which of ['write', 'fsync'] as const) {
      let failNext = false;
      const real = nodeIO[which] as (...args: unknown[]) => Promise<unknown>;
      const io = { [which]: (...args: unknown[]) => (failNext && !(failNext = false) ? Promise.reject(fsError('EIO')) : real(...args)) };
      const store = await open({ io });
      await store.settings.update((s) => void (s.sessionSecret = 'before'));
      failNext = true;
      await expect(store.settings.update((s) => void (s.sessionSecret = 'after'))).rejects.toThrow(/EIO/);
      failNext = true;
      await expect(store.fieldwork.setWindow('integration', 'ledere', { mode: 'closed', openLinks: true })).rejects.toThrow(/EIO/);
      expect(await tempFiles()).toEqual([]);
      expect(await store.settings.read()).toEqual({ sessionSecret: 'before' });
      expect(JSON.parse(await readFile(file('settings.json'), 'utf8'))).toEqual({ sessionSecret: 'before' });
      expect(await store.fieldwork.window('integration', 'ledere')).toBeUndefined();
      expect(await store.settings.update((s) => void (s.sessionSecret = 'after'))).toEqual({ sessionSecret: 'after' });
      await store.close();
      }
  });

  it('are removed of stale temp files at open', async () => {
    let store = await open();
    await store.close();
    await writeFile(file('.settings.json.12345.tmp'), '{"half');
    await writeFile(file('.fieldwork.json.12345.ab12cd34.tmp'), '{"half');
    await writeFile(file('.responses.snapshot.999.tmp'), 'old');
    await writeFile(file('notes.tmp'), 'not ours');
    store = await open();
    expect(await tempFiles()).toEqual(['notes.tmp']);
  });

  it('keep invitations sorted and token hashes only in fieldwork.json', async () => {
    const store = await open();
    const issued = await issueLinks(store, 'integration', 'ledere', ['851', '101', '147'], 1);
    const text = await readFile(file('fieldwork.json'), 'utf8');
    expect(JSON.parse(text).invitations.map((i: { municipality: string }) => i.municipality)).toEqual(['101', '147', '851']);
    for (const { token } of issued) expect(text).not.toContain(token);
  });

  it('refuse to open a file that is not valid, naming it', async () => {
    await writeFile(file('settings.json'), '{"sessionSecret": ');
    await writeFile(file('fieldwork.json'), '{}');
    await expect(openStore(data.dir)).rejects.toThrow(/settings\.json is not valid JSON .*restore it from a backup/);
    await writeFile(file('settings.json'), '{}');
    await writeFile(file('fieldwork.json'), '{"invitations": [{"tokenHash": 1}]}');
    await expect(openStore(data.dir)).rejects.toThrow(/fieldwork\.json does not hold valid fieldwork data: invitations\.0\./);
  });
});

describe('a data directory that lost a file', () => {
  it('opens when brand new, creating settings.json, fieldwork.json, mail.json, accounts.json and activity.jsonl', async () => {
    const store = await open();
    expect((await readdir(data.dir)).sort()).toEqual(['accounts.json', 'activity.jsonl', 'fieldwork.json', 'mail.json', 'praksis.lock', 'responses.jsonl', 'settings.json']);
    await store.close();
    expect((await readdir(data.dir)).sort()).toEqual(['accounts.json', 'activity.jsonl', 'fieldwork.json', 'mail.json', 'responses.jsonl', 'settings.json']);
  });

  it('opens normally after a first open that failed half way', async () => {
    // The fourth fsync of a first open is that of fieldwork.json's temp file (settings.json is written by then).
    let fsyncs = 0;
    const failing = { fsync: (fd: number) => (++fsyncs >= 4 ? Promise.reject(fsError('EIO')) : nodeIO.fsync(fd)) };
    await expect(openStore(data.dir, { io: failing })).rejects.toThrow(/EIO/);
    expect(await readdir(data.dir)).not.toContain('settings.json');
    const store = await open();
    expect(await store.settings.read()).toEqual({});
  });

  it('refuses to open without settings.json when it holds responses, until the file is back or {}', async () => {
    let store = await open();
    await store.settings.update((s) => void (s.exportSecret = 'pseudonyms'));
    await store.responses.add(newResponse());
    await store.close();
    const backup = await readFile(file('settings.json'));
    await rm(file('settings.json'));
    const refused = openStore(data.dir);
    await expect(refused).rejects.toThrow(/settings\.json is missing, but the directory holds stored responses/);
    await expect(refused).rejects.toThrow(/export pseudonyms .* sign-in secrets .*Restore settings\.json from a backup; or, to start with new settings deliberately, create it with the content \{\}/);
    await writeFile(file('settings.json'), backup);
    store = await open();
    expect(await store.settings.read()).toEqual({ exportSecret: 'pseudonyms' });
    await store.close();
    await writeFile(file('settings.json'), '{}');
    store = await open();
    expect(await store.settings.read()).toEqual({});
  });

  it('refuses to open without settings.json when fieldwork.json is there', async () => {
    const store = await open();
    await store.close();
    await rm(file('settings.json'));
    await expect(openStore(data.dir)).rejects.toThrow(/settings\.json is missing, but the directory holds fieldwork data \(fieldwork\.json\)/);
  });

  it('refuses to open without fieldwork.json, saying that every invitation link would stop working', async () => {
    let store = await open();
    const [issued] = await issueLinks(store, 'integration', 'ledere', ['851'], 1);
    await store.close();
    await rm(file('fieldwork.json'));
    await expect(openStore(data.dir)).rejects.toThrow(/fieldwork\.json is missing.*every invitation link stop working.*Restore fieldwork\.json from a backup; or, to start without invitations deliberately, create it with the content \{\}/);
    await writeFile(file('fieldwork.json'), '{}');
    store = await open();
    expect(await store.fieldwork.findByTokenHash(hashSecret(issued!.token))).toBeUndefined();
  });
});
