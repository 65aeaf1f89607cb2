/**
 * Responses in an append-only JSON-lines log (`responses.jsonl`), one response per line.
 *
 * - Durable: `add` resolves only after its line is written AND fdatasync'ed, so an acknowledged
 *   response survives a crash or power cut.
 * - Group commit: adds that arrive while a write is in progress are written together and share
 *   the next fdatasync, so 200 concurrent submissions cost a handful of syncs, not 200.
 * - Constant cost per write: an append, never a rewrite. The log is read once at open
 *   (./log-read.ts) into a column table in memory (src/survey/table.ts) that list/count/table read.
 * - A failed write (ENOSPC, EIO, EPERM…) fails only the submissions of its batch: its bytes are cut
 *   back off the log, and if that fails too, the cut-back is tried again before the next write;
 *   only a log that cannot be brought back to its durable length refuses writes (saying so).
 * - Crash recovery: a torn last line (the process died mid-write, so it was never acknowledged)
 *   is cut off at open. A damaged line elsewhere is not silently dropped: opening fails and says where.
 * - Idempotent: `submissionId` is kept only as a SHA-256 hash next to the response; the same id
 *   again (a retry, a double click, concurrently or after a restart) returns the first response's id.
 * - Anonymous: a line holds the response (random id, study, questionnaire, version, municipality,
 *   DAY, answers) and the submission hash; no time of day, no address, no token.
 */
import { createHash } from 'node:crypto';
import { open, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NewResponse, ResponsesPort, Stored } from '../ports.ts';
import { ZResponse, type TResponse } from '../../survey/schema.ts';
import { ResponseTable, type RowFilter } from '../../survey/table.ts';
import { ZTallySpec, type TTallySpec } from '../../survey/tallies.ts';
import { randomId } from '../../random.ts';
import { danishDay } from '../../time.ts';
import { fsyncDir } from './durable.ts';
import { checkResponses, MaybeWritten } from '../shared.ts';
import { reason, writeAll, type FileIO } from './io.ts';
import { readLog, type LogLine } from './log-read.ts';

function hashSubmissionId(submissionId: string): string {
  return createHash('sha256').update(`praksis-submission:${submissionId}`).digest('base64url');
}

function lineOf(r: TResponse, hash: string | undefined): string {
  return JSON.stringify(hash === undefined ? ({ r } satisfies LogLine) : ({ s: hash, r } satisfies LogLine)) + '\n';
}

interface Pending {
  text: string;
  /** The rows the text holds, appended to the table once they are durable. */
  rows: TResponse[];
  /** Their submission hash, if any. */
  hash: string | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class FileResponses implements ResponsesPort {
  readonly #file: string;
  readonly #io: FileIO;
  #handle: FileHandle | undefined;
  /** Every stored response, as columns: flat memory, no per-answer objects. */
  readonly #table = new ResponseTable();
  /** Bytes of the log that are fsync'ed AND in the table (the table always equals this prefix). */
  #durableBytes = 0;
  /** Why the log may hold bytes past #durableBytes (a failed write not yet cut back), if it may. */
  #uncut: unknown = undefined;
  /** submission hash → response id (a promise while its line is being written). */
  readonly #submissions = new Map<string, string | Promise<string>>();
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  private constructor(file: string, io: FileIO) {
    this.#file = file;
    this.#io = io;
  }

  static async open(file: string, io: FileIO): Promise<FileResponses> {
    const log = new FileResponses(file, io);
    const cut = await log.#load();
    log.#handle = await open(file, 'a', 0o600);
    // Make the log's directory entry durable (the first open creates the file).
    await fsyncDir(dirname(file), io);
    // A warning without data: only the byte count of the unacknowledged torn line.
    if (cut > 0) console.warn(`praksis: response log recovered: cut off a torn last line of ${cut} bytes (never acknowledged)`);
    return log;
  }

  /** Reads the log into the table; returns how many bytes of a torn last line were cut off. */
  async #load(): Promise<number> {
    let handle: FileHandle;
    try {
      handle = await open(this.#file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw new Error(`cannot read the response log ${this.#file} (${reason(error)}); check its permissions`, { cause: error });
    }
    let size: number;
    let cutAt: number | undefined;
    try {
      size = (await handle.stat()).size;
      const read = await readLog(handle, size, this.#table, (hash, id) => this.#submissions.set(hash, id));
      if (read.damaged) {
        const { line, reason: why } = read.damaged;
        throw new Error(
          `${this.#file} line ${read.damaged.line} is damaged (${why}); the store refuses to open rather than lose answers: ` +
            `restore the file from a backup, or repair line ${line} by hand`,
        );
      }
      cutAt = read.cutAt;
    } finally {
      await handle.close();
    }
    if (cutAt !== undefined) await truncate(this.#file, cutAt);
    this.#durableBytes = cutAt ?? size;
    return size - this.#durableBytes;
  }

  async add(response: NewResponse, submissionId?: string): Promise<Stored> {
    this.#assertOpen();
    const hash = submissionId === undefined ? undefined : hashSubmissionId(submissionId);
    if (hash !== undefined) {
      const existing = this.#submissions.get(hash);
      if (existing !== undefined) return { id: await existing, created: false };
    }
    const { study, questionnaire, version, municipality, answers } = response;
    const stored = ZResponse.parse({ id: randomId(), study, questionnaire, version, municipality, day: danishDay(), answers });
    // Recorded before the first await, so a concurrent add of the same submission finds it.
    const written = this.#append(lineOf(stored, hash), [stored], hash).then(() => stored.id);
    if (hash !== undefined) {
      this.#submissions.set(hash, written);
      written.catch(() => this.#submissions.delete(hash));
    }
    return { id: await written, created: true };
  }

  async has(submissionId: string): Promise<boolean> {
    return this.#submissions.has(hashSubmissionId(submissionId));
  }

  async addMany(responses: readonly TResponse[]): Promise<number> {
    this.#assertOpen();
    const parsed = checkResponses(responses);
    if (parsed.length === 0) return 0;
    await this.#append(parsed.map((r) => lineOf(r, undefined)).join(''), parsed, undefined);
    return parsed.length;
  }

  async count(filter?: RowFilter): Promise<number> {
    return this.#table.count(filter);
  }

  async list(filter?: RowFilter): Promise<TResponse[]> {
    return this.#table.list(filter);
  }

  async table(): Promise<ResponseTable> {
    return this.#table;
  }

  /** The table itself: its tallies are the responses' (nothing to aggregate in memory). */
  async reportTable(spec: TTallySpec): Promise<ResponseTable> {
    ZTallySpec.parse(spec);
    return this.#table;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the response store is closed');
  }

  #append(text: string, rows: TResponse[], hash: string | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, rows, hash, resolve, reject });
      this.#flushing ??= this.#flushLoop();
    });
  }

  /**
   * Group commit: everything queued is written in one write and one fdatasync. Only then are the
   * rows added to the table (so the table always equals the durable prefix of the log) and the
   * callers told. A failed write fails its batch only.
   */
  async #flushLoop(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      const bytes = Buffer.from(batch.map((p) => p.text).join(''), 'utf8');
      try {
        await this.#write(bytes);
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
      this.#durableBytes += bytes.length;
      for (const p of batch) {
        for (const r of p.rows) this.#table.append(r);
        if (p.hash !== undefined) this.#submissions.set(p.hash, p.rows[0]!.id);
      }
      for (const p of batch) p.resolve();
    }
    this.#flushing = undefined;
  }

  /** Appends `bytes` durably after the durable prefix, or throws with the log as it was. */
  async #write(bytes: Buffer): Promise<void> {
    const fd = this.#handle!.fd;
    if (this.#uncut !== undefined && !(await this.#cutBack())) {
      throw new Error(
        `the response log ${this.#file} takes no responses: a failed write could not be cut back off it ` +
          `(${reason(this.#uncut)}), and it is tried again at every submission; check the disk (space, permissions, errors). ` +
          `Its first ${this.#durableBytes} bytes hold every stored response.`,
        { cause: this.#uncut },
      );
    }
    try {
      await writeAll(this.#io, fd, bytes);
      await this.#io.fdatasync(fd);
    } catch (error) {
      this.#uncut = error;
      const message = `could not store the response in ${this.#file} (${reason(error)})`;
      // Cut back at once; if that fails, its lines may still be in the file (and come back at the next open).
      if (await this.#cutBack()) throw new Error(message, { cause: error });
      throw new MaybeWritten(`${message}; the failed write could not be cut back yet`, { cause: error });
    }
  }

  /** Cuts the log back to its durable length (and syncs that); false when that failed (tried again later). */
  async #cutBack(): Promise<boolean> {
    const fd = this.#handle!.fd;
    try {
      await this.#io.ftruncate(fd, this.#durableBytes);
      await this.#io.fdatasync(fd);
      this.#uncut = undefined;
      return true;
    } catch (error) {
      this.#uncut = error;
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#flushing) await this.#flushing;
    if (this.#uncut !== undefined) await this.#cutBack();
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
