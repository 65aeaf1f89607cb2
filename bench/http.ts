/**
 * HTTP benchmark (issue 13, "Performance after the change"): the server as `npm start` runs it
 * (`node bin/start.js`, the build, on a temporary data directory, PRAKSIS_RATE_LIMIT=off) in a
 * child process on 127.0.0.1, and in the same run, with the same client, a bare node:http server.
 *
 *   - submissions (POST /api/v1/responses, valid leader answers) at CONCURRENCY connections with
 *     1,000 and with 100,000 responses stored: durable submissions/s (answered 201, which the
 *     server sends only after the line is fsync'ed), % of the bare server, p50/p99, p99 ratio;
 *   - the questionnaire's first page (GET /s/<study>/<questionnaire>/p/1): p50/p99;
 *   - start-up with 100,000 stored (spawn of the process to "praksis is running at" printed);
 *   - peak RSS of the server (VmHWM in /proc/<pid>/status) after all its load.
 *
 * The stored responses are written as lines of the data directory's responses.jsonl before the
 * server starts, in the format the store writes (`{"r":{id,study,questionnaire,version,
 * municipality,day,answers}}`), so the start reads a log of that size. The servers with 1,000 and
 * with 100,000 stored run side by side, their rounds interleaved, so the p99 ratio between them
 * compares rounds that met the machine in the same state.
 *
 * The load client is a lean one on raw `net` sockets (as autocannon and wrk do): CONCURRENCY
 * keep-alive connections, one request in flight per connection (no pipelining), prebuilt request
 * Buffers, minimal response parsing (status line and Content-Length). Node's http.request + Agent
 * would spend much of a core of its own, which shows up as latency of the server measured. Every
 * praksis round is paired with a bare round just before it (the bare server's rate moves between
 * rounds with the machine); "% of bare" is the median of the rounds' ratios.
 *
 * Run: `npm run bench` (builds first) or `npx tsx bench/http.ts` after `npm run build`. Prints a
 * table; never part of the tests. BENCH_REQUESTS, BENCH_ROUNDS, BENCH_WARMUP, BENCH_STORED change
 * the sizes (for example BENCH_STORED=1000 while iterating).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateDemoResponses } from '../src/demo/generate.ts';
import { loadDefinitions } from '../src/storage/definitions.ts';
import type { TQuestionnaire, TResponse, TStudy } from '../src/survey/schema.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const CONCURRENCY = 100;
/** Requests per round. */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
/** Requests before the clock starts, per server and kind of request (steady state is what is compared). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);
/** Rounds per row: the median round's throughput, p50/p99 over the requests of all its rounds. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Stored-response counts to measure. */
const STORED = (process.env.BENCH_STORED ?? '1000,100000').split(',').map(Number);
/** No single load (one round) may take longer than this: a stalled server fails the run instead of hanging it. */
const LOAD_TIMEOUT_MS = 300_000;
/** Nor may a start. */
const START_TIMEOUT_MS = 60_000;

export interface Result {
  label: string;
  /** Answers with the expected status per second. */
  rps: number;
  p50: number;
  p99: number;
  /** Every request's latency (ms), sorted. */
  latencies: Float64Array;
  /** Answers with another status than expected, by status. */
  unexpected: Map<number, number>;
  /** Median of the rounds' ratios to their paired bare round. */
  ratio?: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** A row from its rounds: the median round's throughput; p50/p99 over the requests of all rounds. */
export function rowOf(label: string, rounds: Result[]): Result {
  const byRps = [...rounds].sort((a, b) => a.rps - b.rps);
  const all = new Float64Array(rounds.reduce((n, r) => n + r.latencies.length, 0));
  const unexpected = new Map<number, number>();
  let at = 0;
  for (const r of rounds) {
    all.set(r.latencies, at);
    at += r.latencies.length;
    for (const [status, n] of r.unexpected) unexpected.set(status, (unexpected.get(status) ?? 0) + n);
  }
  all.sort();
  return { label, rps: byRps[Math.floor(byRps.length / 2)]!.rps, p50: percentile(all, 0.5), p99: percentile(all, 0.99), latencies: all, unexpected };
}

/** One prebuilt HTTP/1.1 request (head and body in one Buffer). */
export function buildRequest(method: string, path: string, body?: string): Buffer {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8');
  const head =
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n` +
    (body === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n`) +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3}) /;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n)/i;
const TRANSFER_ENCODING = /\r\ntransfer-encoding:/i;

/**
 * Fires `count` requests over CONCURRENCY keep-alive connections on raw `net` sockets, one request
 * in flight per connection; request i is `requests[i % requests.length]`. Every connection is
 * established and has answered one untimed priming request before the clock starts. A chunked or
 * unparsable response, a closed connection, a socket error or LOAD_TIMEOUT_MS fails the run; an
 * answer with another status than `expect` is counted (Result.unexpected), not timed as a success.
 */
export async function load(label: string, port: number, count: number, requests: readonly Buffer[], expect: number): Promise<Result> {
  const latencies = new Float64Array(count);
  const unexpected = new Map<number, number>();
  let timed = 0;
  let answered = 0;
  let next = 0;
  const sockets = await Promise.all(
    Array.from(
      { length: CONCURRENCY },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
          socket.once('connect', () => {
            socket.off('error', reject);
            resolve(socket);
          });
          socket.once('error', reject);
        }),
    ),
  );
  let t0 = 0;
  let t1 = 0;
  await new Promise<void>((resolveAll, rejectAll) => {
    let finished = false;
    let open = sockets.length;
    const timer = setTimeout(() => fail(new Error(`not done after ${LOAD_TIMEOUT_MS} ms (${answered} of ${count} answered)`)), LOAD_TIMEOUT_MS);
    function fail(error: Error) {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      rejectAll(new Error(`${label}: ${error.message}`));
    }
    const connection = (socket: net.Socket) => {
      let buffered: Buffer | undefined;
      let started = 0;
      let inFlight = false;
      /** Length of the whole response once its head is parsed, else -1. */
      let total = -1;
      let status = 0;
      let priming = true;
      const send = () => {
        if (finished) return;
        if (priming) {
          inFlight = true;
          total = -1;
          socket.write(requests[0]!);
          return;
        }
        const i = next++;
        if (i >= count) {
          socket.end();
          if (--open === 0) {
            finished = true;
            t1 = performance.now();
            clearTimeout(timer);
            resolveAll();
          }
          return;
        }
        inFlight = true;
        total = -1;
        started = performance.now();
        socket.write(requests[i % requests.length]!);
      };
      socket.on('data', (chunk: Buffer) => {
        if (!inFlight) return fail(new Error('data received with no request in flight'));
        buffered = buffered === undefined ? chunk : Buffer.concat([buffered, chunk]);
        if (total < 0) {
          const end = buffered.indexOf(HEAD_END);
          if (end < 0) {
            if (buffered.length > 64 * 1024) fail(new Error('response head longer than 64 kB'));
            return;
          }
          const head = buffered.toString('latin1', 0, end + 2);
          const statusMatch = STATUS_LINE.exec(head);
          if (!statusMatch) return fail(new Error(`unparsable status line: ${JSON.stringify(head.slice(0, 80))}`));
          if (TRANSFER_ENCODING.test(head)) return fail(new Error('chunked (Transfer-Encoding) response: this client reads Content-Length only'));
          const length = CONTENT_LENGTH.exec(head);
          if (!length) return fail(new Error(`response without Content-Length: ${JSON.stringify(head.slice(0, 200))}`));
          status = Number(statusMatch[1]);
          total = end + HEAD_END.length + Number(length[1]);
        }
        if (buffered.length < total) return;
        if (buffered.length > total) return fail(new Error('more bytes than the response announced'));
        const latency = performance.now() - started;
        buffered = undefined;
        inFlight = false;
        if (priming) {
          priming = false;
          if (--primed === 0) startClock();
          return;
        }
        answered++;
        if (status === expect) latencies[timed++] = latency;
        else unexpected.set(status, (unexpected.get(status) ?? 0) + 1);
        send();
      });
      socket.on('error', fail);
      socket.on('close', () => {
        if (inFlight) fail(new Error('the server closed a connection with a request in flight'));
      });
      return send;
    };
    const handlers = sockets.map((socket) => connection(socket));
    let primed = handlers.length;
    const startClock = () => {
      t0 = performance.now();
      for (const send of handlers) send();
    };
    for (const send of handlers) send();
  });
  const seconds = (t1 - t0) / 1000;
  const ok = latencies.subarray(0, timed).sort();
  return { label, rps: timed / seconds, p50: percentile(ok, 0.5), p99: percentile(ok, 0.99), latencies: ok, unexpected };
}

export interface Child {
  child: ChildProcess;
  port: number;
  startupMs: number;
  output: () => string;
}

/** Spawns a process and resolves once its stdout matches `ready` (group 1: the port). */
export function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready after ${START_TIMEOUT_MS} ms: ${out}`));
    }, START_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, port: Number(m[1]), startupMs: performance.now() - t0, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready: ${out}`));
    });
  });
}

/** The praksis server as `npm start` runs it, on `dataDir`. */
function startPraksis(dataDir: string): Promise<Child> {
  const env = {
    PORT: '0',
    PRAKSIS_HOST: '127.0.0.1',
    PRAKSIS_DATA_DIR: dataDir,
    PRAKSIS_RATE_LIMIT: 'off',
    PRAKSIS_ADMIN_PASSWORD: 'bench-password',
    PRAKSIS_API_KEY: 'bench-api-key-0123456789',
  };
  return startChild(['bin/start.js'], env, /praksis is running at http:\/\/localhost:(\d+)/);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

export async function stop(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((resolve) => c.child.once('exit', resolve));
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const BARE = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); }).listen(0, '127.0.0.1', function () { console.log('bare on ' + this.address().port); });`;

/** Valid leader answers: the demo generator's, which follows the questionnaire's skip logic and options. */
export function leaderResponses(study: TStudy, definitions: Awaited<ReturnType<typeof loadDefinitions>>): { questionnaire: TQuestionnaire; pool: TResponse[] } {
  const questionnaire = study.questionnaires.find((q) => /leder/i.test(q.group));
  if (!questionnaire) throw new Error(`${study.id} has no leader questionnaire`);
  const frame = definitions.frames.get(study.frame)!;
  const pool: TResponse[] = [];
  for (let seed = 1; seed <= 5; seed++) pool.push(...generateDemoResponses(study, frame, { seed }).filter((r) => r.questionnaire === questionnaire.id));
  return { questionnaire, pool };
}

/**
 * A new data directory whose responses.jsonl holds `stored` responses (the store's own line format),
 * with the empty settings.json and fieldwork.json a first start makes beside it.
 */
async function dataDirWith(stored: number, pool: readonly TResponse[]): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'praksis-bench-'));
  const lines: string[] = [];
  for (let i = 0; i < stored; i++) {
    const { study, questionnaire, version, municipality, day, answers } = pool[i % pool.length]!;
    const r = { id: `bench${String(i).padStart(17, '0')}`, study, questionnaire, version, municipality, day, answers };
    lines.push(JSON.stringify({ r }) + '\n');
  }
  await writeFile(join(dataDir, 'responses.jsonl'), lines.join(''), { mode: 0o600 });
  for (const file of ['settings.json', 'fieldwork.json']) await writeFile(join(dataDir, file), '{}\n', { mode: 0o600 });
  return dataDir;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const met = (ok: boolean) => (ok ? 'yes' : '**no**');
const failures = (r: Result) => [...r.unexpected].map(([status, n]) => `${fmt(n)} × ${status}`).join(', ');

async function main(): Promise<void> {
  const definitions = await loadDefinitions(join(root, 'surveys'));
  const study = definitions.studies.find((s) => s.id === 'integration_2016') ?? definitions.studies[0]!;
  const { questionnaire, pool } = leaderResponses(study, definitions);
  const submit = pool.map((r) =>
    buildRequest('POST', '/api/v1/responses', JSON.stringify({ study: r.study, questionnaire: r.questionnaire, municipality: r.municipality, answers: r.answers })),
  );
  const page = `/s/${study.id}/${questionnaire.id}/p/1`;

  const bare = await startChild(['-e', BARE], {}, /bare on (\d+)/);
  const bareRounds: Result[] = [];
  const notes: string[] = [];
  /** One row under way: its server, what it sends, and its rounds with their paired bare rounds. */
  interface Row {
    label: string;
    port: number;
    requests: readonly Buffer[];
    expect: number;
    rounds: Result[];
    ratios: number[];
  }
  /**
   * ROUNDS rounds of every row, interleaved (round 1 of each row, then round 2 of each, ...), each
   * round right after a round of the bare server: rows compared with each other (the p99 ratio) or
   * with the bare server met the machine in the same state.
   */
  const measure = async (rows: Row[]): Promise<Result[]> => {
    for (const row of rows) await load(`${row.label} (warm-up)`, row.port, WARMUP, row.requests, row.expect);
    for (let round = 0; round < ROUNDS; round++) {
      for (const row of rows) {
        const reference = await load('bare node:http', bare.port, REQUESTS, submit, 200);
        bareRounds.push(reference);
        const r = await load(row.label, row.port, REQUESTS, row.requests, row.expect);
        row.rounds.push(r);
        row.ratios.push(r.rps / reference.rps);
      }
    }
    return rows.map((row) => {
      const result = { ...rowOf(row.label, row.rounds), ratio: [...row.ratios].sort((a, b) => a - b)[Math.floor(row.ratios.length / 2)]! };
      notes.push(`${row.label}: rounds/s ${row.rounds.map((r) => fmt(r.rps)).join(', ')}; ratios to the paired bare rounds ${row.ratios.map((x) => fmt(x, 2)).join(', ')}`);
      if (result.unexpected.size > 0) notes.push(`${row.label}: answers with another status than ${row.expect}: ${failures(result)}`);
      return result;
    });
  };
  const row = (label: string, port: number, requests: readonly Buffer[], expect: number): Row => ({ label, port, requests, expect, rounds: [], ratios: [] });

  const posts = new Map<number, Result>();
  let pageRow: Result | undefined;
  let startup: { stored: number; ms: number } | undefined;
  let rss = { mb: 0, stored: 0 };
  const servers: { stored: number; dataDir: string; server?: Child }[] = [];
  try {
    await load('bare node:http (warm-up)', bare.port, WARMUP, submit, 200);
    // One server per stored count, started one after the other (each start alone on the machine).
    for (const stored of STORED) {
      const entry: (typeof servers)[number] = { stored, dataDir: await dataDirWith(stored, pool) };
      servers.push(entry);
      entry.server = await startPraksis(entry.dataDir);
      notes.push(`start-up with ${fmt(stored)} stored: ${fmt(entry.server.startupMs)} ms`);
      if (startup === undefined || stored > startup.stored) startup = { stored, ms: entry.server.startupMs };
    }
    const results = await measure(servers.map(({ stored, server }) => row(`POST /api/v1/responses, ${fmt(stored)} stored`, server!.port, submit, 201)));
    servers.forEach(({ stored }, i) => posts.set(stored, results[i]!));
    const first = servers[0]!;
    [pageRow] = await measure([row(`GET ${page}, ${fmt(first.stored)} stored`, first.server!.port, [buildRequest('GET', page)], 200)]);
    for (const { stored, server } of servers) {
      const mb = peakRssMb(server!.child.pid!);
      notes.push(`peak RSS with ${fmt(stored)} stored, after its load: ${fmt(mb)} MB`);
      if (mb > rss.mb) rss = { mb, stored };
    }
  } finally {
    for (const { server, dataDir } of servers) {
      if (server) await stop(server);
      await rm(dataDir, { recursive: true, force: true });
    }
    await stop(bare);
  }

  const bareRow = rowOf('bare node:http', bareRounds);
  const rows: [string, string, string, string][] = [];
  rows.push(['bare node:http, same client and bodies (reference)', `${fmt(bareRow.rps)}/s, p50 ${fmt(bareRow.p50, 1)} ms, p99 ${fmt(bareRow.p99, 1)} ms`, '', '']);
  for (const [stored, r] of posts) {
    const clean = r.unexpected.size === 0;
    rows.push([`durable submissions/s, ${fmt(stored)} stored`, `${fmt(r.rps)}/s${clean ? '' : ` (and ${failures(r)})`}`, '≥ 1,000/s', met(clean && r.rps >= 1000)]);
    rows.push([`% of bare, ${fmt(stored)} stored`, `${fmt(100 * r.ratio!, 1)} %`, '≥ 10 %', met(clean && r.ratio! >= 0.1)]);
    rows.push([`p50 / p99, ${fmt(stored)} stored`, `${fmt(r.p50, 1)} / ${fmt(r.p99, 1)} ms`, 'p99 ≤ 100 ms', met(clean && r.p99 <= 100)]);
  }
  const small = posts.get(1_000);
  const large = posts.get(100_000);
  if (small && large) rows.push(['p99 ratio, 100,000 / 1,000 stored', fmt(large.p99 / small.p99, 2), '≤ 1.5', met(large.p99 / small.p99 <= 1.5)]);
  if (pageRow) {
    const clean = pageRow.unexpected.size === 0;
    rows.push([`questionnaire page ${page}, p50 / p99`, `${fmt(pageRow.p50, 1)} / ${fmt(pageRow.p99, 1)} ms${clean ? '' : ` (and ${failures(pageRow)})`}`, 'p99 ≤ 50 ms', met(clean && pageRow.p99 <= 50)]);
  }
  if (startup) rows.push([`start-up, ${fmt(startup.stored)} stored (spawn to "praksis is running at")`, `${fmt(startup.ms)} ms`, '≤ 2,000 ms', met(startup.ms <= 2000)]);
  rows.push([`peak RSS (VmHWM), ${fmt(rss.stored)} stored, after its load`, `${fmt(rss.mb)} MB`, '≤ 300 MB', met(rss.mb <= 300)]);

  console.log(
    `\nnode bin/start.js, PRAKSIS_RATE_LIMIT=off; ${CONCURRENCY} keep-alive connections on 127.0.0.1; ${process.version}, ${availableParallelism()} CPUs; ` +
      `per row ${fmt(WARMUP)} warm-up requests, then ${ROUNDS} rounds of ${fmt(REQUESTS)}, the rows' rounds interleaved, each after a round of the bare server; ` +
      `rate of the median round, % of bare = median of the rounds' ratios, p50/p99 over all rounds' requests\n`,
  );
  console.log('| measure | measured | target | met |');
  console.log('| --- | ---: | ---: | :---: |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
  for (const note of notes) console.log(note);
}

// Run only as a script (profiling helpers may import `load` and `buildRequest`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
