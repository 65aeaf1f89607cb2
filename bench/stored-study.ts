/**
 * Submissions to a stored study next to the template they were copied from (issue 19): a stored
 * study is looked up in the store on every request (its settings and published versions; nothing
 * is cached per process, so every instance sees a new version at once), a template is in memory.
 * On each store (files, then a throwaway PostgreSQL with fsync on): one server as `npm start` runs
 * it, the template integration_2016 and its copy published through the API; then
 * POST /api/v1/responses of the same valid leader answers to each, rounds interleaved.
 *
 * Run: `npm run bench -- stored-study`, or `npx tsx bench/stored-study.ts` after `npm run build`.
 * BENCH_REQUESTS, BENCH_ROUNDS, BENCH_WARMUP change the sizes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinitions } from '../src/storage/definitions.ts';
import { buildRequest, leaderResponses, load, rowOf, startChild, stop, type Result } from './http.ts';
import { startEmbeddedPostgres } from '../test/embedded-postgres.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEY = 'bench-api-key-0123456789';
const COPY = 'bench_copy';

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function api(port: number, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

async function runOn(storeName: string, database: string | undefined): Promise<void> {
  const definitions = await loadDefinitions(join(root, 'surveys'));
  const study = definitions.studies.find((s) => s.id === 'integration_2016')!;
  const { pool } = leaderResponses(study, definitions);
  const requests = (id: string) =>
    pool.map((r) => buildRequest('POST', '/api/v1/responses', JSON.stringify({ study: id, questionnaire: r.questionnaire, municipality: r.municipality, answers: r.answers })));
  const dataDir = await mkdtemp(join(tmpdir(), 'praksis-bench-'));
  const server = await startChild(
    ['bin/start.js'],
    { PORT: '0', PRAKSIS_HOST: '127.0.0.1', PRAKSIS_DATA_DIR: dataDir, PRAKSIS_RATE_LIMIT: 'off', PRAKSIS_ADMIN_PASSWORD: 'bench-password', PRAKSIS_API_KEY: KEY, ...(database ? { PRAKSIS_DATABASE_URL: database } : {}) },
    /praksis is running at http:\/\/localhost:(\d+)/,
  );
  try {
    await api(server.port, 'POST', `/studies/${study.id}/copy`, { id: COPY, title: 'Kopi til benchmark' });
    for (const qn of study.questionnaires) await api(server.port, 'POST', `/studies/${COPY}/questionnaires/${qn.id}/publish`, {});
    const rows = [
      { label: `template ${study.id}`, requests: requests(study.id), rounds: [] as Result[] },
      { label: `stored copy ${COPY} (version 1)`, requests: requests(COPY), rounds: [] as Result[] },
    ];
    for (const row of rows) await load(`${row.label} (warm-up)`, server.port, WARMUP, row.requests, 201);
    for (let round = 0; round < ROUNDS; round++) for (const row of rows) row.rounds.push(await load(row.label, server.port, REQUESTS, row.requests, 201));
    const results = rows.map((row) => rowOf(row.label, row.rounds));
    console.log(`\nPOST /api/v1/responses, 100 keep-alive connections, ${ROUNDS} × ${fmt(REQUESTS)} per study after ${fmt(WARMUP)} warm-up; store: ${storeName}`);
    console.log('| study | submissions/s | p50 ms | p99 ms | other statuses |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const r of results) console.log(`| ${r.label} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${[...r.unexpected].map(([s, n]) => `${n} × ${s}`).join(', ') || 'none'} |`);
    console.log(`stored copy / template: ${fmt(results[1]!.rps / results[0]!.rps, 2)} of the throughput`);
  } finally {
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await runOn('files', undefined);
  const postgres = await startEmbeddedPostgres({ prefix: 'praksis-bench-pg-', password: 'bench', durable: true, maxConnections: 100 });
  try {
    await runOn('PostgreSQL (embedded, fsync on, pool 10)', postgres.url('postgres'));
  } finally {
    await postgres.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
