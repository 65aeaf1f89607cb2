/**
 * The response store: an append-only JSON-lines log (`responses.jsonl`), one response per line.
 *
 * - Durable: `add` resolves only after its line is written AND fdatasync'ed, so an acknowledged
 *   (201) response survives a crash or power cut.
 * - Group commit: adds that arrive while a flush is in progress are written together and share
 *   the next fdatasync, so 200 concurrent submissions cost a handful of syncs, not 200.
 * - Constant cost per write: an append, never a rewrite; the log is read once at open (after the
 *   snapshot, if one matches), in chunks, into a columnar in-memory table (src/survey/table.ts)
 *   that list/count/report read; a large log in two halves at once (a worker thread reads one).
 * - Crash recovery: a torn last line (the process died mid-write, so it was never acknowledged)
 *   is cut off at open. A damaged line elsewhere is not silently dropped: opening fails and says where.
 * - Idempotent: `submissionId` is kept only as a SHA-256 hash next to the response; the same id
 *   again (a retry, a double click, concurrently or after a restart) returns the first response's id.
 * - Anonymous: a line holds the response (random id, study, questionnaire, version, municipality,
 *   DAY, answers) and the submission hash; no time of day, no address, no token.
 */
import { createHash } from 'node:crypto';
import { fdatasync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { open, truncate, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDir } from './files.ts';
import { readLogRange, type LogLine, type RangeRead } from './log-read.ts';
import type { LogWorkerInput, LogWorkerOutput } from './log-worker.ts';
import { logIdentity, readSnapshot, removeStaleSnapshotTemps, writeSnapshot, type Snapshot } from './snapshot.ts';
import { ZResponse, type TAnswers, type TResponse } from '../survey/schema.ts';
import { ResponseTable } from '../survey/table.ts';
import { randomId } from '../random.ts';
import { danishDay } from '../time.ts';

/** A response before the store gives it an id and the submission day. */
export interface NewResponse {
  study: string;
  questionnaire: string;
  version: number;
  municipality: string;
  answers: TAnswers;
}

export interface ResponseFilter {
  study?: string;
  questionnaire?: string;
}

/**
 * One line of the log: JSON.stringify({s: hash, r: response}) + newline (without `s` when there is
 * no hash). Given the answers' JSON text, the line is put together around it, with the same result.
 */
export function logLine(r: TResponse, hash: string | undefined, answersJson?: string): string {
  if (answersJson === undefined) return JSON.stringify(hash === undefined ? { r } : ({ s: hash, r } satisfies LogLine)) + '\n';
  const head = hash === undefined ? '{"r":{"id":' : `{"s":${JSON.stringify(hash)},"r":{"id":`;
  return (
    `${head}${JSON.stringify(r.id)},"study":${JSON.stringify(r.study)},"questionnaire":${JSON.stringify(r.questionnaire)},` +
    `"version":${JSON.stringify(r.version)},"municipality":${JSON.stringify(r.municipality)},"day":${JSON.stringify(r.day)},"answers":${answersJson}}}\n`
  );
}

function hashSubmissionId(submissionId: string): string {
  return createHash('sha256').update(`praksis-submission:${submissionId}`).digest('base64url');
}

interface Pending {
  /** The log lines (UTF-8 encoded per group, not per line). */
  text: string;
  /** The rows the bytes hold, appended to the table once they are durable. */
  rows: TResponse[];
  /** Their submission hash, if any (recorded with the rows). */
  hash: string | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A background snapshot is due after this many new rows (and written at every clean close), or
 * after an open that had to read this many lines of the log. It is taken at the first quiet moment
 * (no write for QUIET_MS), so it does not add to the latency of a burst of submissions; under load
 * that never pauses it is taken anyway at 2 × SNAPSHOT_EVERY. So a server killed at any moment
 * leaves at most ~2 × SNAPSHOT_EVERY lines (~0.5 s of reading here) for the next start to parse.
 */
export const SNAPSHOT_EVERY = 25_000;
const QUIET_MS = 250;

export interface RecoveryReport {
  responses: number;
  /** Bytes of a torn last line that were cut off at open. */
  truncatedBytes: number;
  /** Rows taken from the snapshot (0 when there was none or it did not match the log). */
  fromSnapshot: number;
  /** Why a snapshot file was ignored, if it was. */
  snapshotIgnored?: string;
  /** Rows read by the log-reading worker (0 when the whole log was read on this thread). */
  readByWorker: number;
}

/**
 * Logs with more than this many bytes to read at open (~20,000 lines) are read in two halves at
 * once, the second by a worker thread (on a machine with two or more CPUs).
 */
export const PARALLEL_READ_BYTES = 16 * 1024 * 1024;

/**
 * The share of such a log this thread reads; the worker reads the rest. More than half, because
 * the worker starts ~0.1–0.2 s later (a thread and its code to load): measured on 100,000 lines,
 * an even split had this thread waiting 150–330 ms for the worker.
 */
const MAIN_SHARE = 0.58;

export interface ResponseLogOptions {
  snapshotEvery?: number;
  /** Read the log at open in two halves at once from this many bytes on (default PARALLEL_READ_BYTES). */
  parallelBytes?: number;
}

/**
 * Reads a range of the log in a worker thread (log-worker.ts, bundled like the check worker).
 * Undefined when the worker cannot start or fails: the caller then reads the range itself (and meets
 * the same error, if it is the file's).
 */
async function readLogInWorker(input: LogWorkerInput): Promise<Extract<LogWorkerOutput, { read: unknown }> | undefined> {
  try {
    const { startWorker } = await import('../bundle.ts');
    const { worker, first } = await startWorker('log-worker', input);
    void worker.terminate();
    const output = first as LogWorkerOutput;
    return 'error' in output ? undefined : output;
  } catch {
    return undefined;
  }
}

export class ResponseLog {
  readonly #file: string;
  #handle: FileHandle | undefined;
  readonly #snapshotFile: string;
  /** Every stored response, held as columns (src/survey/table.ts): flat memory, no per-answer objects. */
  #table = new ResponseTable();
  /** Bytes of the log that are fsync'ed AND in the table (the table always equals this prefix). */
  #durableBytes = 0;
  /** Table rows when the last snapshot was written or read (0 when none matches the log). */
  #snapshotRows = 0;
  #snapshotting: Promise<void> | undefined;
  /** A snapshot write failed: try again at close. */
  #snapshotStale = false;
  readonly #snapshotEvery: number;
  readonly #parallelBytes: number;
  #snapshotTimer: NodeJS.Timeout | undefined;
  /** performance.now() of the last durable write. */
  #lastWrite = 0;
  /** Set when a failed write could not be undone: the log then refuses further writes. */
  #broken: Error | undefined;
  /** submission hash → response id (a promise while its line is being written). */
  readonly #submissions = new Map<string, string | Promise<string>>();
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;
  /** Number of fdatasync calls so far (the bench reports it). */
  syncs = 0;
  recovery: RecoveryReport = { responses: 0, truncatedBytes: 0, fromSnapshot: 0, readByWorker: 0 };

  private constructor(file: string, options: ResponseLogOptions) {
    this.#file = file;
    this.#snapshotEvery = options.snapshotEvery ?? SNAPSHOT_EVERY;
    this.#parallelBytes = options.parallelBytes ?? PARALLEL_READ_BYTES;
    this.#snapshotFile = join(dirname(file), 'responses.snapshot');
  }

  static async open(file: string, options: ResponseLogOptions = {}): Promise<ResponseLog> {
    const log = new ResponseLog(file, options);
    await removeStaleSnapshotTemps(log.#snapshotFile);
    await log.#load();
    log.#handle = await open(file, 'a', 0o600);
    // Make the log's directory entry durable (first open creates the file; a recovery truncated it).
    await fsyncDir(dirname(file));
    if (log.recovery.truncatedBytes > 0) {
      // A warning without data: only the byte count of the unacknowledged torn line.
      console.warn(`praksis: response log recovered: cut off a torn last line of ${log.recovery.truncatedBytes} bytes (never acknowledged)`);
    }
    if (log.recovery.snapshotIgnored !== undefined) {
      console.warn(`praksis: ignored responses.snapshot (${log.recovery.snapshotIgnored}); read the whole response log instead`);
    }
    // Many lines were read (no snapshot, or an old one): write one soon, so the next start need not.
    if (log.#rowsSinceSnapshot >= log.#snapshotEvery) log.#snapshotWhenQuiet();
    return log;
  }

  /** The snapshot, if one exists, is intact and describes a prefix of the log as it is now. */
  async #matchingSnapshot(handle: FileHandle, size: number): Promise<Snapshot | undefined> {
    let snapshot: Snapshot | undefined;
    try {
      snapshot = await readSnapshot(this.#snapshotFile);
      if (!snapshot) return undefined;
      const { logBytes } = snapshot.identity;
      if (logBytes > size) throw new Error(`it covers ${logBytes} bytes, the log has ${size}`);
      const now = await logIdentity(handle, logBytes);
      if (now.head !== snapshot.identity.head || now.tail !== snapshot.identity.tail) throw new Error('the log does not begin as it did when the snapshot was written');
      if (logBytes > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, logBytes - 1);
        if (last[0] !== 0x0a) throw new Error('it does not end at a line end');
      }
      const table = ResponseTable.fromImage(snapshot.image);
      this.#table = table;
      for (const [hash, id] of snapshot.submissions) this.#submissions.set(hash, id);
      return snapshot;
    } catch (error) {
      this.recovery.snapshotIgnored = (error as Error).message;
      return undefined;
    }
  }

  /**
   * Reads the log after the snapshot (all of it without one) into the table (log-read.ts), a large
   * one in two halves at once. A torn or damaged LAST line is cut off; a damaged line elsewhere
   * stops the open.
   */
  async #load(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.#file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let cutAt: number | undefined;
    let size = 0;
    try {
      size = (await handle.stat()).size;
      const snapshot = await this.#matchingSnapshot(handle, size);
      const from = snapshot?.identity.logBytes ?? 0;
      if (snapshot) {
        this.recovery.fromSnapshot = this.#table.length;
        this.#snapshotRows = this.#table.length;
      }
      const read = await this.#readRest(handle, from, size);
      if (read.damaged) {
        const { line, at, reason } = read.damaged;
        throw new Error(`${this.#file} ${from === 0 ? `line ${line}` : `the line at byte ${at}`} is damaged (${reason}); the store refuses to open rather than lose answers`);
      }
      cutAt = read.cutAt;
      if (cutAt !== undefined) this.recovery.truncatedBytes = size - cutAt;
    } finally {
      await handle.close();
    }
    if (cutAt !== undefined) await truncate(this.#file, cutAt);
    this.#durableBytes = cutAt ?? size;
    this.recovery.responses = this.#table.length;
  }

  /**
   * Reads the log from `from` to its end into the table; a large rest in two halves at once, the
   * second by a worker thread (readLogInWorker). A damaged line is numbered from `from`.
   */
  async #readRest(handle: FileHandle, from: number, size: number): Promise<RangeRead> {
    const record = (hash: string, id: string) => this.#submissions.set(hash, id);
    const split = await this.#splitPoint(handle, from, size);
    if (split === undefined) return readLogRange(this.#file, from, size, size, this.#table, record);
    const second = readLogInWorker({ file: this.#file, from: split, to: size, size });
    // Settles only once the worker is done too (it never rejects), so none is left running.
    const first = await readLogRange(this.#file, from, split, size, this.#table, record).finally(() => second);
    if (first.damaged) return first;
    // The first half ends at a line end before the log's end: nothing there can be cut off.
    if (first.cutAt !== undefined) throw new Error(`${this.#file} changed while it was being read; the store refuses to open rather than lose answers`);
    const done = await second;
    let rest: RangeRead;
    if (done) {
      this.#table.appendImage(done.image);
      this.recovery.readByWorker = done.image.rows;
      for (const [hash, id] of done.submissions) record(hash, id);
      rest = done.read;
    } else {
      // The worker could not do it: this thread reads the second half too.
      rest = await readLogRange(this.#file, split, size, size, this.#table, record);
    }
    return rest.damaged ? { ...rest, damaged: { ...rest.damaged, line: first.lines + rest.damaged.line } } : rest;
  }

  /**
   * Where to split the reading of the log from `from` on in two (the start of the first line after
   * MAIN_SHARE of it), or undefined when it is too short to be worth a worker, or there is one CPU.
   */
  async #splitPoint(handle: FileHandle, from: number, size: number): Promise<number | undefined> {
    if (size - from < this.#parallelBytes || availableParallelism() < 2) return undefined;
    const middle = from + Math.floor((size - from) * MAIN_SHARE);
    const probe = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(probe, 0, probe.length, middle);
    const newline = probe.subarray(0, bytesRead).indexOf(0x0a);
    if (newline < 0 || middle + newline + 1 >= size) return undefined;
    return middle + newline + 1;
  }

  /**
   * Stores a response durably; with a submissionId seen before, returns that response instead.
   * `answersJson`, when given, must be JSON.stringify(response.answers) (the check worker makes it
   * off the main thread); the log line is then put together around it instead of serialised again.
   */
  add(response: NewResponse, submissionId?: string, answersJson?: string): Promise<{ id: string; created: boolean }> {
    try {
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    const hash = submissionId === undefined ? undefined : hashSubmissionId(submissionId);
    if (hash !== undefined) {
      const existing = this.#submissions.get(hash);
      if (existing !== undefined) return Promise.resolve(existing).then((id) => ({ id, created: false }));
    }
    // The caller validated the answers against the questionnaire (validateSubmission); the id and
    // the day are made here. A second zod pass over every answer would only repeat that work.
    const stored: TResponse = {
      id: randomId(),
      study: response.study,
      questionnaire: response.questionnaire,
      version: response.version,
      municipality: response.municipality,
      day: danishDay(),
      answers: response.answers,
    };
    const written = this.#append(logLine(stored, hash, answersJson), [stored], hash).then(() => stored.id);
    if (hash !== undefined) {
      this.#submissions.set(hash, written);
      written.catch(() => this.#submissions.delete(hash));
    }
    return written.then((id) => ({ id, created: true }));
  }

  /** Whether a response with this submission id is stored or being stored (retries, double clicks). */
  knows(submissionId: string): boolean {
    return this.#submissions.has(hashSubmissionId(submissionId));
  }

  /** Stores already complete responses (the demo loader, imports) in one durable write. */
  async addMany(responses: TResponse[]): Promise<number> {
    this.#assertOpen();
    const parsed = responses.map((r) => ZResponse.parse(r));
    if (parsed.length === 0) return 0;
    await this.#append(parsed.map((r) => JSON.stringify({ r } satisfies LogLine) + '\n').join(''), parsed, undefined);
    return parsed.length;
  }

  /** The stored responses matching the filter, as objects (materialised from the table). */
  async list(filter?: ResponseFilter): Promise<TResponse[]> {
    return this.#table.list(filter);
  }

  count(filter?: ResponseFilter): number {
    return this.#table.count(filter);
  }

  /**
   * Every stored response as a read-only column table (the report reads it without building
   * objects). Rows are only ever appended; callers must not keep column views across awaits.
   */
  get table(): ResponseTable {
    return this.#table;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the response store is closed');
    if (this.#broken) throw new Error(`the response store cannot write after a failed write (${this.#broken.message}); restart the server`);
  }

  #append(text: string, rows: TResponse[], hash: string | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, rows, hash, resolve, reject });
      if (!this.#flushing) this.#flushing = this.#flushLoop();
    });
  }

  /**
   * Group commit: everything queued is written in one write and one fdatasync. Only then are the
   * rows added to the table (so the table always equals the durable prefix of the log) and the
   * callers told. A failed write is cut back off the log, so no half batch stays behind.
   */
  async #flushLoop(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      let text = batch[0]!.text;
      for (let i = 1; i < batch.length; i++) text += batch[i]!.text;
      const bytes = Buffer.from(text, 'utf8');
      try {
        const handle = this.#handle;
        if (!handle) throw new Error('the response store is not open');
        if (this.#broken) throw this.#broken;
        for (let done = 0; done < bytes.length; ) done += writeSync(handle.fd, bytes, done, bytes.length - done);
        await new Promise<void>((resolve, reject) => fdatasync(handle.fd, (error) => (error ? reject(error) : resolve())));
        this.syncs += 1;
      } catch (error) {
        await this.#undoFailedWrite();
        for (const p of batch) p.reject(error);
        continue;
      }
      this.#durableBytes += bytes.length;
      for (const p of batch) {
        for (const r of p.rows) this.#table.append(r);
        if (p.hash !== undefined) this.#submissions.set(p.hash, p.rows[0]!.id);
      }
      for (const p of batch) p.resolve();
      this.#lastWrite = performance.now();
      if (this.#rowsSinceSnapshot >= this.#snapshotEvery) this.#snapshotWhenQuiet();
    }
    this.#flushing = undefined;
  }

  async #undoFailedWrite(): Promise<void> {
    try {
      await this.#handle?.truncate(this.#durableBytes);
    } catch (error) {
      this.#broken = error as Error;
    }
  }

  /** Writes the snapshot of the table as it is now (the durable prefix of the log). */
  async #writeSnapshot(): Promise<void> {
    const handle = this.#handle;
    if (!handle) return;
    const rows = this.#table.length;
    const image = this.#table.toImage();
    const submissions: [string, string][] = [];
    for (const [hash, id] of this.#submissions) if (typeof id === 'string') submissions.push([hash, id]);
    const logBytes = this.#durableBytes;
    // The append handle is write-only: read the identity through a handle of its own.
    const reader = await open(this.#file, 'r');
    let identity;
    try {
      identity = await logIdentity(reader, logBytes);
    } finally {
      await reader.close();
    }
    // (#durableBytes was read together with the image, before any await: they describe the same rows.)
    await writeSnapshot(this.#snapshotFile, { image, identity, submissions });
    this.#snapshotRows = rows;
    this.#snapshotStale = false;
  }

  get #rowsSinceSnapshot(): number {
    return this.#table.length - this.#snapshotRows;
  }

  #snapshotWhenQuiet(): void {
    if (this.#snapshotTimer || this.#snapshotting || this.#closed) return;
    const check = () => {
      this.#snapshotTimer = undefined;
      if (this.#closed) return;
      const quiet = performance.now() - this.#lastWrite >= QUIET_MS;
      const overdue = this.#rowsSinceSnapshot >= 2 * this.#snapshotEvery;
      if (quiet || overdue) this.#snapshotInBackground();
      else this.#snapshotTimer = setTimeout(check, QUIET_MS).unref();
    };
    this.#snapshotTimer = setTimeout(check, QUIET_MS).unref();
  }

  #snapshotInBackground(): void {
    if (this.#snapshotting) return;
    this.#snapshotRows = this.#table.length; // no second trigger while this one runs
    this.#snapshotting = this.#writeSnapshot()
      .catch((error: unknown) => {
        this.#snapshotStale = true;
        console.warn(`praksis: could not write responses.snapshot (${(error as Error).message}); the log is complete, only the next start is slower`);
      })
      .finally(() => {
        this.#snapshotting = undefined;
      });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = undefined;
    if (this.#flushing) await this.#flushing;
    if (this.#snapshotting) await this.#snapshotting;
    if (!this.#broken && (this.#snapshotStale || this.#rowsSinceSnapshot > 0)) {
      await this.#writeSnapshot().catch((error: unknown) => console.warn(`praksis: could not write responses.snapshot (${(error as Error).message})`));
    }
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
