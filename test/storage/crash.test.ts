/**
 * Link uses across crashes: a child process (child.ts, mode "links") uses invitation links in a
 * loop, each use storing one response, and is killed with SIGKILL at a random moment, again and
 * again on the same data directory. Afterwards, for every link, the responses stored for it never
 * exceed the uses recorded for it (a use is recorded durably before its response is stored).
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.ts';
import { tempDir, issueLinks } from './adapters.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const KILLS = 6;
const municipalities = Array.from({ length: 20 }, (_, i) => String(101 + i));

/** Runs the writer until it is running, then kills it after a random 50–400 ms. */
function runAndKill(dataDir: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'links', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the writer did not start: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!out.includes('running')) return;
      child.stdout.off('data', onData);
      setTimeout(() => child.kill('SIGKILL'), 50 + Math.random() * 350);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the writer ended by itself: ${out}`));
    });
  });
}

describe('link uses across SIGKILLs', () => {
  it(`never store more responses for a link than its recorded uses, after ${KILLS} kills at random moments`, async () => {
    const dataDir = await tempDir('praksis-link-crash-');
    try {
      const setup = await openStore(dataDir);
      await issueLinks(setup, 'crash', 'linked', municipalities, 100);
      await setup.close();
      for (let kill = 0; kill < KILLS; kill += 1) await runAndKill(dataDir);
      const store = await openStore(dataDir);
      const invitations = await store.fieldwork.invitations('crash');
      const stored = await store.responses.list({ study: 'crash' });
      const over = invitations
        .map((i) => ({ municipality: i.municipality, used: i.used, stored: stored.filter((r) => r.municipality === i.municipality).length }))
        .filter((l) => l.stored > l.used);
      expect(over).toEqual([]);
      expect(stored.length).toBeGreaterThan(KILLS);
      await store.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
