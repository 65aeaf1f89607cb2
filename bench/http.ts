/**
 * HTTP benchmark (issue 6, "Performance"): the real server (`src/server.ts`) in a child process on
 * 127.0.0.1, loaded by this process with 100 concurrent keep-alive connections.
 *
 *   - submission throughput and p50/p99 latency with 1,000 and with 100,000 responses stored,
 *     next to a bare node:http server answering "ok" with the same client;
 *   - questionnaire page render p50/p99;
 *   - start-up time and peak RSS of the server with 100,000 stored responses.
 *
 * Run: `npx tsx bench/http.ts` (prints a table). Never part of the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoResponses } from '../src/demo/generate.ts';
import { openStore } from '../src/storage/index.ts';
import { loadDefinitions } from '../src/storage/definitions.ts';
import type { TResponse } from '../src/survey/schema.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const CONCURRENCY = 100;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const WARMUP = 500;

interface Result {
  label: string;
  rps: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Fires `count` requests from CONCURRENCY workers; returns throughput and latency percentiles. */
async function load(label: string, port: number, count: number, request: (i: number) => { method: string; path: string; body?: string }): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const { method, path, body } = request(i);
      const started = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port, path, method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} },
        (res) => {
          res.resume();
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 400) failures++;
            latencies.push(performance.now() - started);
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await one(i);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  if (failures > 0) throw new Error(`${label}: ${failures} requests failed`);
  latencies.sort((a, b) => a - b);
  return { label, rps: count / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

interface Child {
  child: ChildProcess;
  port: number;
  startupMs: number;
}

function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, port: Number(m[1]), startupMs: performance.now() - t0 });
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${out}`)));
  });
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function stop(c: Child): Promise<void> {
  const exited = new Promise((resolve) => c.child.once('exit', resolve));
  c.child.kill('SIGTERM');
  await exited;
}

const BARE = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); }).listen(0, '127.0.0.1', function () { console.log('bare on ' + this.address().port); });`;

async function main(): Promise<void> {
  const defs = await loadDefinitions(join(root, 'surveys'));
  const study = defs.studies[0]!;
  const frame = defs.frames.get(study.frame)!;
  const pool: TResponse[] = generateDemoResponses(study, frame, { seed: 7 });
  const bodies = pool.map((r) => JSON.stringify({ study: r.study, questionnaire: r.questionnaire, municipality: r.municipality, answers: r.answers }));
  const submit = (i: number) => ({ method: 'POST', path: '/api/v1/responses', body: bodies[i % bodies.length]! });

  const results: Result[] = [];
  const extra: string[] = [];

  const bare = await startChild(['-e', BARE], {}, /bare on (\d+)/);
  await load('warm-up', bare.port, WARMUP, submit);
  results.push(await load('bare node:http "ok" (POST same bodies)', bare.port, REQUESTS, submit));
  await stop(bare);

  for (const stored of [1_000, 100_000]) {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-bench-'));
    const store = await openStore(dataDir);
    const batch: TResponse[] = [];
    for (let i = 0; i < stored; i++) {
      const r = pool[i % pool.length]!;
      batch.push({ ...r, id: `bench${String(i).padStart(12, '0')}` });
      if (batch.length === 10_000) await store.responses.addMany(batch.splice(0));
    }
    if (batch.length > 0) await store.responses.addMany(batch.splice(0));
    await store.close();

    const server = await startChild(['--import', 'tsx', 'src/server.ts'], {
      PORT: '0',
      PRAKSIS_DATA_DIR: dataDir,
      PRAKSIS_RATE_LIMIT: 'off',
      PRAKSIS_ADMIN_PASSWORD: 'bench-password',
      PRAKSIS_API_KEY: 'bench-api-key-0123456789',
    }, /running at http:\/\/localhost:(\d+)/);
    if (stored === 100_000) extra.push(`start-up with ${stored.toLocaleString('en')} stored: ${server.startupMs.toFixed(0)} ms (process spawn to listening, tsx included)`);
    await load('warm-up', server.port, WARMUP, submit);
    results.push(await load(`praksis POST /api/v1/responses, ${stored.toLocaleString('en')} stored`, server.port, REQUESTS, submit));
    if (stored === 1_000) {
      const page = `/s/${study.id}/${study.questionnaires[0]!.id}/p/1`;
      await load('warm-up', server.port, WARMUP, () => ({ method: 'GET', path: page }));
      results.push(await load(`praksis GET questionnaire page ${page}`, server.port, REQUESTS, () => ({ method: 'GET', path: page })));
    }
    extra.push(`peak RSS with ${stored.toLocaleString('en')} stored (+${(REQUESTS + WARMUP).toLocaleString('en')} submitted): ${peakRssMb(server.child.pid!).toFixed(0)} MB`);
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  }

  const bareRps = results[0]!.rps;
  console.log(`\n${REQUESTS} requests per row, ${CONCURRENCY} concurrent keep-alive connections, 127.0.0.1, ${process.version}\n`);
  console.log('| what | req/s | % of bare | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${((100 * r.rps) / bareRps).toFixed(0)} % | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`);
  }
  console.log('');
  for (const line of extra) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
