/**
 * The response store: an append-only JSON-lines log (`responses.jsonl`), one response per line.
 *
 * - Durable: `add` resolves only after its line is written AND fdatasync'ed, so an acknowledged
 *   (201) response survives a crash or power cut.
 * - Group commit: adds that arrive while a flush is in progress are written together and share
 *   the next fdatasync, so 200 concurrent submissions cost a handful of syncs, not 200.
 * - Constant cost per write: an append, never a rewrite; the whole log is read once at open
 *   into memory (list/count answer from memory).
 * - Crash recovery: a torn last line (the process died mid-write, so it was never acknowledged)
 *   is cut off at open. A damaged line elsewhere is not silently dropped: opening fails and says where.
 * - Idempotent: `submissionId` is kept only as a SHA-256 hash next to the response; the same id
 *   again (a retry, a double click, concurrently or after a restart) returns the first response's id.
 * - Anonymous: a line holds the response (random id, study, questionnaire, version, municipality,
 *   DAY, answers) and the submission hash; no time of day, no address, no token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir } from './files.ts';
import { ZResponse, type TAnswers, type TResponse } from '../survey/schema.ts';

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

interface LogLine {
  /** sha256 of the submission id, when the submitter gave one. */
  s?: string;
  r: TResponse;
}

/** A cheap structural check for lines read back at open (each line was fully validated when written). */
function looksLikeResponse(r: unknown): r is TResponse {
  if (r === null || typeof r !== 'object') return false;
  const x = r as Record<string, unknown>;
  return (
    typeof x.id === 'string' &&
    typeof x.study === 'string' &&
    typeof x.questionnaire === 'string' &&
    typeof x.version === 'number' &&
    typeof x.municipality === 'string' &&
    typeof x.day === 'string' &&
    x.answers !== null &&
    typeof x.answers === 'object' &&
    !Array.isArray(x.answers)
  );
}

export function newResponseId(): string {
  return randomBytes(16).toString('base64url');
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Denmark as YYYY-MM-DD: the only time a response carries. */
export function danishDay(now: Date = new Date()): string {
  return dayFormat.format(now);
}

function hashSubmissionId(submissionId: string): string {
  return createHash('sha256').update(`praksis-submission:${submissionId}`).digest('base64url');
}

function matches(response: TResponse, filter: ResponseFilter | undefined): boolean {
  if (!filter) return true;
  return (filter.study === undefined || response.study === filter.study) && (filter.questionnaire === undefined || response.questionnaire === filter.questionnaire);
}

interface Pending {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface RecoveryReport {
  responses: number;
  /** Bytes of a torn last line that were cut off at open. */
  truncatedBytes: number;
}

export class ResponseLog {
  readonly #file: string;
  #handle: FileHandle | undefined;
  readonly #responses: TResponse[] = [];
  /** submission hash → response id, for stored responses and those being written. */
  readonly #submissions = new Map<string, Promise<string>>();
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;
  /** Number of fdatasync calls so far (the bench reports it). */
  syncs = 0;
  recovery: RecoveryReport = { responses: 0, truncatedBytes: 0 };

  private constructor(file: string) {
    this.#file = file;
  }

  static async open(file: string): Promise<ResponseLog> {
    const log = new ResponseLog(file);
    await log.#load();
    log.#handle = await open(file, 'a', 0o600);
    // Make the log's directory entry durable (first open creates the file; a recovery truncated it).
    await fsyncDir(dirname(file));
    if (log.recovery.truncatedBytes > 0) {
      // A warning without data: only the byte count of the unacknowledged torn line.
      console.warn(`praksis: response log recovered: cut off a torn last line of ${log.recovery.truncatedBytes} bytes (never acknowledged)`);
    }
    return log;
  }

  async #load(): Promise<void> {
    let buffer: Buffer;
    try {
      buffer = await readFile(this.#file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let start = 0;
    let lineNo = 0;
    while (start < buffer.length) {
      const end = buffer.indexOf(0x0a, start);
      lineNo += 1;
      if (end === -1) {
        // Torn last line: written without its newline when the process died; never acknowledged.
        this.recovery.truncatedBytes = buffer.length - start;
        await truncate(this.#file, start);
        break;
      }
      const text = buffer.toString('utf8', start, end);
      if (text.trim() !== '') {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
          if (!looksLikeResponse(line.r)) throw new Error('not a response record');
        } catch (error) {
          if (buffer.indexOf(0x0a, end + 1) === -1 && buffer.length === end + 1) {
            // The last line is complete but damaged (torn inside a multi-line batch): cut it off.
            this.recovery.truncatedBytes = buffer.length - start;
            await truncate(this.#file, start);
            break;
          }
          throw new Error(`${this.#file} line ${lineNo} is damaged (${(error as Error).message}); the store refuses to open rather than lose answers`);
        }
        this.#responses.push(line.r);
        if (line.s !== undefined) this.#submissions.set(line.s, Promise.resolve(line.r.id));
      }
      start = end + 1;
    }
    this.recovery.responses = this.#responses.length;
  }

  /** Stores a response durably; with a submissionId seen before, returns that response instead. */
  async add(response: NewResponse, submissionId?: string): Promise<{ id: string; created: boolean }> {
    this.#assertOpen();
    const hash = submissionId === undefined ? undefined : hashSubmissionId(submissionId);
    if (hash !== undefined) {
      const existing = this.#submissions.get(hash);
      if (existing) return { id: await existing, created: false };
    }
    const stored: TResponse = ZResponse.parse({ id: newResponseId(), ...response, day: danishDay() });
    const line: LogLine = hash === undefined ? { r: stored } : { s: hash, r: stored };
    const written = this.#append(JSON.stringify(line) + '\n').then(() => {
      this.#responses.push(stored);
      return stored.id;
    });
    if (hash !== undefined) {
      this.#submissions.set(hash, written);
      written.catch(() => this.#submissions.delete(hash));
    }
    return { id: await written, created: true };
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
    await this.#append(parsed.map((r) => JSON.stringify({ r } satisfies LogLine) + '\n').join(''));
    this.#responses.push(...parsed);
    return parsed.length;
  }

  async list(filter?: ResponseFilter): Promise<TResponse[]> {
    return this.#responses.filter((r) => matches(r, filter));
  }

  count(filter?: ResponseFilter): number {
    if (!filter) return this.#responses.length;
    let n = 0;
    for (const r of this.#responses) if (matches(r, filter)) n += 1;
    return n;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the response store is closed');
  }

  #append(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, resolve, reject });
      if (!this.#flushing) this.#flushing = this.#flushLoop();
    });
  }

  async #flushLoop(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const handle = this.#handle;
        if (!handle) throw new Error('the response store is not open');
        await handle.write(batch.map((p) => p.text).join(''));
        await handle.datasync();
        this.syncs += 1;
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.#flushing = undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#flushing) await this.#flushing;
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
