/**
 * HTTP benchmark (issue 6, "Performance"): the real server as `npm start` runs it (`bin/start.js`,
 * the build of src/server.ts) in a child process on 127.0.0.1, loaded by this process with 100
 * concurrent keep-alive connections.
 *
 *   - submission throughput and p50/p99 latency with 1,000 and with 100,000 responses stored,
 *     next to a bare node:http server answering "ok" with the same client (a bare round before
 *     every praksis round, the ratio taken per pair), and at 1,000 stored also with the check
 *     worker switched off;
 *   - questionnaire page render p50/p99;
 *   - start-up time and peak RSS of the server with 100,000 stored responses.
 *
 * The load client is a lean one on raw `net` sockets (as autocannon and wrk do): CONCURRENCY
 * keep-alive connections, one request in flight per connection (no pipelining), prebuilt request
 * Buffers, minimal response parsing (status line and Content-Length; chunked or unparsable responses
 * fail the run). Node's http.request + Agent used most of one of this machine's two cores, which
 * showed up as latency of the server measured (even the bare server's p99 was ~47 ms). The same
 * client loads the bare server and praksis.
 *
 * Run: `npx tsx bench/http.ts` (prints a table). Never part of the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateDemoResponses } from '../src/demo/generate.ts';
import { openStore } from '../src/storage/index.ts';
import { loadDefinitions } from '../src/storage/definitions.ts';
import type { TResponse } from '../src/survey/schema.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const CONCURRENCY = 100;
/** Requests per round: 20,000, so that one pause of the server (which delays all 100 requests in flight) is 0.5 % of a round, not the whole p99. */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20000);
/** Requests before the clock starts, per server and kind of request: lets V8 optimise the hot paths (steady state is what is compared). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
/** Every row is measured ROUNDS times (REQUESTS each): the median round's throughput, p50/p99 over all its rounds (rowOf). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Submissions a server gets in its POST row: warm-up, rounds, and one untimed priming request per connection per load. */
const SUBMITTED = WARMUP + ROUNDS * REQUESTS + (ROUNDS + 1) * CONCURRENCY;
/** Stored-response counts to measure; BENCH_STORED=1000 skips the slow 100,000 row while iterating. */
const STORED = (process.env.BENCH_STORED ?? '1000,100000').split(',').map(Number);

interface Result {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  /** Every request's latency (ms), sorted. */
  latencies: Float64Array;
  /** req/s relative to the bare server (median of paired rounds). */
  ratio?: number;
}

/**
 * A row from its rounds: the median round's throughput, and p50/p99 over the requests of ALL rounds
 * (one round's p99 is decided by its 200 slowest requests, so a single pause of the server moves it;
 * over all rounds it is the 1 % slowest of 100,000 requests).
 */
function rowOf(label: string, rounds: Result[]): Result {
  const byRps = [...rounds].sort((a, b) => a.rps - b.rps);
  const all = new Float64Array(rounds.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of rounds) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  return { label, rps: byRps[Math.floor(byRps.length / 2)]!.rps, p50: percentile(all, 0.5), p99: percentile(all, 0.99), latencies: all };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
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
 * in flight per connection (no pipelining); request i is `requests[i % requests.length]`.
 * Responses are parsed minimally: status line and Content-Length; a chunked or unparsable
 * response, a closed connection or a socket error fails the run. Status >= 400 counts as a failure.
 * All connections are established, and each has answered one untimed priming request, before
 * the clock starts: connection set-up and a socket's first request are not steady-state latency
 * (in 5,000 requests, the 100 first ones are 2 % of the sample, so they decided p99).
 */
export async function load(label: string, port: number, count: number, requests: readonly Buffer[]): Promise<Result> {
  const latencies = new Float64Array(count);
  let done = 0;
  let next = 0;
  let failures = 0;
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
  await new Promise<void>((resolveAll, rejectAll) => {
    let finished = false;
    let open = 0;
    const fail = (error: Error) => {
      if (finished) return;
      finished = true;
      for (const s of sockets) s.destroy();
      rejectAll(new Error(`${label}: ${error.message}`));
    };
    const connection = (socket: net.Socket) => {
      open++;
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
          if (--open === 0 && !finished) {
            finished = true;
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
        if (status >= 400) failures++;
        if (priming) {
          priming = false;
          if (--primed === 0) startClock();
          return;
        }
        latencies[done++] = latency;
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
  const seconds = (performance.now() - t0) / 1000;
  if (failures > 0) throw new Error(`${label}: ${failures} requests failed`);
  latencies.sort();
  return { label, rps: count / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), latencies };
}

interface Child {
  child: ChildProcess;
  port: number;
  startupMs: number;
}

function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, command = process.execPath): Promise<Child> {
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
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

/** The praksis server on `dataDir` (rate limit off, fixed credentials; the check worker as configured by default unless `checkWorker` says); `viaNpm`: as `npm start`. */
function startPraksis(dataDir: string, nodeArgs: string[] = [], checkWorker?: 'on' | 'off', viaNpm = false): Promise<Child> {
  const env = {
    PORT: '0',
    PRAKSIS_DATA_DIR: dataDir,
    PRAKSIS_RATE_LIMIT: 'off',
    PRAKSIS_ADMIN_PASSWORD: 'bench-password',
    PRAKSIS_API_KEY: 'bench-api-key-0123456789',
    ...(checkWorker ? { PRAKSIS_CHECK_WORKER: checkWorker } : {}),
  };
  const ready = /running at http:\/\/localhost:(\d+)/;
  if (viaNpm) return startChild(['start'], env, ready, 'npm');
  return startChild([...nodeArgs, 'bin/start.js'], env, ready);
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

const BARE_LABEL = 'bare node:http "ok" (POST same bodies)';
const BARE = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); }).listen(0, '127.0.0.1', function () { console.log('bare on ' + this.address().port); });`;

async function main(): Promise<void> {
  const defs = await loadDefinitions(join(root, 'surveys'));
  const study = defs.studies[0]!;
  const frame = defs.frames.get(study.frame)!;
  const pool: TResponse[] = generateDemoResponses(study, frame, { seed: 7 });
  const submit = pool.map((r) =>
    buildRequest('POST', '/api/v1/responses', JSON.stringify({ study: r.study, questionnaire: r.questionnaire, municipality: r.municipality, answers: r.answers })),
  );

  const results: Result[] = [];
  const extra: string[] = [];

  // The bare server's rate moves the most of all, between runs and between rounds (on two cores
  // it depends on where the scheduler puts it and the client, and on the host). So it runs the
  // whole time, and every round of a praksis row is paired with a bare round just before it: a
  // row's "% of bare" is the median over its rounds of praksis req/s ÷ the paired bare req/s, so
  // both sides of each ratio met the machine in the same state.
  const bare = await startChild(['-e', BARE], {}, /bare on (\d+)/);
  await load('warm-up', bare.port, WARMUP, submit);
  const bareRounds: Result[] = [];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // Each row: ROUNDS rounds (see rowOf). A round lasts about a second against the bare server.
  const measure = async (label: string, port: number, requests: readonly Buffer[]): Promise<Result> => {
    const rounds: Result[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const reference = await load(BARE_LABEL, bare.port, REQUESTS, submit);
      bareRounds.push(reference);
      const r = await load(label, port, REQUESTS, requests);
      rounds.push(r);
      ratios.push(r.rps / reference.rps);
    }
    extra.push(
      `${label}: rounds req/s ${rounds.map((r) => r.rps.toFixed(0)).join(', ')}; paired bare rounds ${bareRounds.slice(-ROUNDS).map((r) => r.rps.toFixed(0)).join(', ')}; p99 ms ${rounds.map((r) => r.p99.toFixed(1)).join(', ')}`,
    );
    return { ...rowOf(label, rounds), ratio: median(ratios) };
  };

  /** A new data directory holding `stored` responses (closed cleanly, so with a snapshot). */
  const storeWith = async (stored: number): Promise<string> => {
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
    return dataDir;
  };

  for (const stored of STORED) {
    const dataDir = await storeWith(stored);

    if (stored === 100_000) {
      // Closing the store wrote responses.snapshot. Without one — a store that was never stopped
      // cleanly and has not reached a background snapshot — the whole log is parsed: measured
      // first (this start's clean stop writes the snapshot again for the measured start below).
      await rm(join(dataDir, 'responses.snapshot'));
      const cold = await startPraksis(dataDir);
      extra.push(`start-up with ${stored.toLocaleString('en')} stored and no snapshot (whole log parsed): ${cold.startupMs.toFixed(0)} ms, peak RSS ${peakRssMb(cold.child.pid!).toFixed(0)} MB`);
      await stop(cold);
      // The same as a user types it (npm's own start-up included; npm start execs node, so the stop reaches the server).
      const npm = await startPraksis(dataDir, [], undefined, true);
      extra.push(`start-up with ${stored.toLocaleString('en')} stored, as "npm start" (spawn of npm to listening; from the snapshot): ${npm.startupMs.toFixed(0)} ms`);
      await stop(npm);
    }
    // BENCH_SERVER_ARGS: extra node flags for the server, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'.
    const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
    const server = await startPraksis(dataDir, serverArgs);
    if (stored === 100_000) extra.push(`start-up with ${stored.toLocaleString('en')} stored: ${server.startupMs.toFixed(0)} ms (process spawn of "node bin/start.js" to listening; from responses.snapshot + the log after it)`);
    await load('warm-up', server.port, WARMUP, submit);
    results.push(await measure(`praksis POST /api/v1/responses, ${stored.toLocaleString('en')} stored`, server.port, submit));
    if (stored === 1_000) {
      const page = `/s/${study.id}/${study.questionnaires[0]!.id}/p/1`;
      const get = [buildRequest('GET', page)];
      await load('warm-up', server.port, WARMUP, get);
      results.push(await measure(`praksis GET questionnaire page ${page}`, server.port, get));
    }
    extra.push(`peak RSS with ${stored.toLocaleString('en')} stored (+${(SUBMITTED).toLocaleString('en')} submitted): ${peakRssMb(server.child.pid!).toFixed(0)} MB`);
    await stop(server);
    await rm(dataDir, { recursive: true, force: true });

    if (stored === 1_000) {
      // The same with the check worker switched off (everything on the event loop), on a store of its own.
      const ownDir = await storeWith(stored);
      const alone = await startPraksis(ownDir, serverArgs, 'off');
      await load('warm-up', alone.port, WARMUP, submit);
      results.push(await measure(`praksis POST /api/v1/responses, ${stored.toLocaleString('en')} stored, PRAKSIS_CHECK_WORKER=off`, alone.port, submit));
      await stop(alone);
      await rm(ownDir, { recursive: true, force: true });
    }
  }

  await stop(bare);
  extra.unshift(`${BARE_LABEL}: all ${bareRounds.length} rounds req/s ${bareRounds.map((r) => r.rps.toFixed(0)).join(', ')}`);
  results.unshift({ ...rowOf(BARE_LABEL, bareRounds), ratio: 1 });
  console.log(
    `\n${CONCURRENCY} concurrent keep-alive connections, 127.0.0.1, ${process.version}, ${availableParallelism()} CPUs; per row ${WARMUP} warm-up requests, then ${ROUNDS} rounds of ${REQUESTS}, each after a paired round of the bare server; req/s of the median round, % of bare = median of the rounds' ratios to their paired bare round, p50/p99 over all rounds' requests\n`,
  );
  console.log('| what | req/s | % of bare | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${(100 * r.ratio!).toFixed(0)} % | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`);
  }
  console.log('');
  for (const line of extra) console.log(line);
}

// Run only as a script (profiling helpers may import `load` and `buildRequest`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
