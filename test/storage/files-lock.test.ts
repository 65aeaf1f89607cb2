/**
 * The data directory lock of the file adapter: one store per directory, a stale lock taken over
 * atomically (real child processes race for it), and messages that say which file, why and what
 * to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.ts';
import { dataDirPerTest } from './adapters.ts';

const data = dataDirPerTest();
const { open, file } = data;

describe('the data directory lock', () => {
  const deadPid = async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('close', resolve));
    return child.pid!;
  };

  it('lets one store at a time open a directory in this process, and frees it at close', async () => {
    const store = await open();
    await expect(openStore(data.dir)).rejects.toThrow(/already open in this process/);
    await store.close();
    await expect(readdir(data.dir)).resolves.not.toContain('praksis.lock');
    await open();
  });

  it('lets only one of two opens at the same moment in this process succeed', async () => {
    const results = await Promise.allSettled([openStore(data.dir), openStore(data.dir)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String(results.map((r) => (r.status === 'rejected' ? r.reason : '')).join(''))).toMatch(/already open in this process/);
    for (const r of results) await (r.status === 'fulfilled' ? r.value.close() : undefined);
  });

  it('refuses a directory locked by a live process, naming its pid', async () => {
    await writeFile(file('praksis.lock'), `${process.ppid}\n`);
    await expect(openStore(data.dir)).rejects.toThrow(new RegExp(`in use by another praksis process \\(pid ${process.ppid}\\); stop it first`));
    expect(await readFile(file('praksis.lock'), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over a lock left by a dead process (also one of an older version, an empty one, or one of an earlier process with our pid, as in a restarted container)', async () => {
    for (const content of [`${await deadPid()} 0123abcd\n`, `${await deadPid()}\n`, '', `${process.pid} 0123abcd\n`, `${process.pid}\n`]) {
      await writeFile(file('praksis.lock'), content);
      const store = await open();
      expect(await readFile(file('praksis.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]+\\n$`));
      await store.close();
    }
  });

  it('takes over a stale lock even when a take-over was cut short by a crash', async () => {
    const stale = `${await deadPid()} 0123abcd\n`;
    await writeFile(file('praksis.lock'), stale);
    const round = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    await writeFile(file(`praksis.lock.takeover.${round}.1`), `${await deadPid()} feedbeef\n`);
    await writeFile(file(`praksis.lock.${await deadPid()}.0badf00d.tmp`), 'left by a crash');
    await open();
    expect((await readdir(data.dir)).filter((n) => n.startsWith('praksis.lock'))).toEqual(['praksis.lock']);
  });

  it('says which file and what to do when the lock cannot be read', async () => {
    await mkdir(file('praksis.lock'));
    const refused = openStore(data.dir);
    await expect(refused).rejects.toThrow(`reading ${file('praksis.lock')} failed (EISDIR`);
    await expect(refused).rejects.toThrow(/if no praksis server uses the directory and .*praksis\.lock is left behind, remove it and start again/);
  });

  it('says what is wrong when the data directory cannot be created', async () => {
    await writeFile(file('a-file'), '');
    await expect(openStore(join(data.dir, 'a-file', 'data'))).rejects.toThrow(/cannot create the data directory .*a-file\/data \(ENOTDIR.*check the path and its permissions/);
  });

  it('lets exactly one of two processes opening at the same moment take a stale lock, in 10 of 10 trials', async () => {
    const child = fileURLToPath(new URL('./child.ts', import.meta.url));
    const start = () => {
      const process_ = spawn(process.execPath, ['--import', 'tsx', child, 'lock', data.dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const next = () => new Promise<unknown>((resolve) => process_.once('message', resolve));
      return { process: process_, next };
    };
    const children = [start(), start()];
    const kill = (c: { process: ChildProcess }) => c.process.kill('SIGKILL');
    try {
      await Promise.all(children.map((c) => c.next()));
      for (let trial = 0; trial < 10; trial += 1) {
        await writeFile(file('praksis.lock'), `${await deadPid()} 0123abcd\n`);
        const answers = children.map((c) => c.next() as Promise<{ ok: boolean; pid: number; message?: string }>);
        for (const c of children) c.process.send('open');
        const results = await Promise.all(answers);
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        const loser = results.find((r) => !r.ok)!;
        expect(loser.message).toContain(`in use by another praksis process (pid ${winners[0]!.pid})`);
        expect(await readFile(file('praksis.lock'), 'utf8')).toMatch(new RegExp(`^${winners[0]!.pid} `));
        const winner = children[results.indexOf(winners[0]!)]!;
        const closed = winner.next();
        winner.process.send('close');
        await closed;
      }
      expect((await readdir(data.dir)).filter((n) => n.startsWith('praksis.lock'))).toEqual([]);
    } finally {
      children.forEach(kill);
    }
  }, 60_000);
});
