/**
 * Crash safety: a child process running the server as `npm start` does (`bin/start.js`) is killed with SIGKILL at a
 * random moment during a stream of submissions, 20 times on the same data directory. After each
 * kill the store loads and every submission that was acknowledged (201) is present.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { openStore } from '../../src/storage/index.ts';
import { questionnaireByGroup, repoRoot, surveysDir, theStudy } from '../http/helpers.ts';
import { apiAnswers, fullPlan } from '../http/walk.ts';

const TRIALS = 20;
const WRITERS = 16;

function startChild(dataDir: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PRAKSIS_') && k !== 'PORT'));
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'start.js')], {
    cwd: repoRoot,
    env: { ...env, PORT: '0', PRAKSIS_DATA_DIR: dataDir, PRAKSIS_RATE_LIMIT: 'off', PRAKSIS_ADMIN_PASSWORD: 'crash-test-password', PRAKSIS_API_KEY: 'crash-test-api-key-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running at http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => reject(new Error(`server exited (${code}) before starting: ${out}`)));
  });
  return { child, url, exited };
}

describe('crash safety', () => {
  it(`keeps every acknowledged submission across ${TRIALS} SIGKILLs`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-crash-'));
    const defs = await loadDefinitions(surveysDir);
    const study = theStudy(defs);
    const qn = questionnaireByGroup(study, /praktiker/i);
    const { municipality, answers } = apiAnswers(qn, fullPlan('147'));
    const acknowledged = new Map<string, string>();
    let counter = 0;
    let torn = 0;
    try {
      for (let trial = 0; trial < TRIALS; trial += 1) {
        const { child, url, exited } = startChild(dataDir);
        const base = await url;
        let killed = false;
        const writer = async () => {
          while (!killed) {
            const submissionId = `crash-${String(counter++).padStart(7, '0')}-xxxxxxx`;
            try {
              const res = await fetch(`${base}/api/v1/responses`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ study: study.id, questionnaire: qn.id, municipality, answers, submissionId }),
              });
              if (res.status === 201) acknowledged.set(submissionId, ((await res.json()) as { id: string }).id);
            } catch {
              // the server died mid-request: not acknowledged, nothing to check
            }
          }
        };
        const writers = Array.from({ length: WRITERS }, writer);
        await new Promise((r) => setTimeout(r, 150 + Math.random() * 600));
        child.kill('SIGKILL');
        killed = true;
        await exited;
        await Promise.all(writers);
        const store = await openStore(dataDir);
        if (store.responses.recovery.truncatedBytes > 0) torn += 1;
        const ids = new Set((await store.responses.list()).map((r) => r.id));
        for (const [submissionId, id] of acknowledged) expect(ids.has(id), `acknowledged ${submissionId} missing after trial ${trial}`).toBe(true);
        await store.close();
      }
      expect(acknowledged.size).toBeGreaterThan(TRIALS * 5);
      console.log(`crash test: ${TRIALS} kills, ${acknowledged.size} acknowledged submissions all present, torn last line recovered ${torn} times`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
