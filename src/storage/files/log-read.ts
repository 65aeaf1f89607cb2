/**
 * Reading the response log (`responses.jsonl`) at open into a column table: the one read path.
 *
 * The log is read in chunks (memory stays bounded by the chunk, not the file) and parsed line by
 * line. A line is checked cheaply (each was fully validated when written). What is found wrong is
 * reported, not thrown, so the caller words the error:
 *   - a torn or damaged LAST line (`cutAt`: the process died mid-write, so it was never acknowledged);
 *   - a damaged line elsewhere (`damaged`): the store refuses to open rather than lose answers.
 */
import type { FileHandle } from 'node:fs/promises';
import type { TResponse } from '../../survey/schema.ts';
import type { ResponseTable } from '../../survey/table.ts';

/** One line of the log: JSON.stringify of this, then a newline. */
export interface LogLine {
  /** SHA-256 of the submission id, when the submitter gave one. */
  s?: string;
  r: TResponse;
}

export interface LogRead {
  /** Where the log must be cut: a torn or damaged last line starts at this byte. */
  cutAt?: number;
  /** A damaged line that is not the last: its number (1-based) and why. */
  damaged?: { line: number; reason: string };
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/** A cheap structural check for lines read back at open. */
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

/**
 * Reads the first `size` bytes of the log into `table`, and each line's submission hash into
 * `submission`. Stops at the first damaged line. (Measured: decoding whole chunks at once, latin1
 * for ASCII lines, or reading the next chunk while parsing this one gained nothing: JSON.parse
 * and the table's appends are the cost.)
 */
export async function readLog(handle: FileHandle, size: number, table: ResponseTable, submission: (hash: string, id: string) => void): Promise<LogRead> {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size, 1)));
  let carry: Buffer = Buffer.alloc(0);
  /** File offset of carry[0]. */
  let carryAt = 0;
  let offset = 0;
  let lines = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - offset), offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
    const buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let start = 0;
    for (let end = buffer.indexOf(0x0a, start); end !== -1; start = end + 1, end = buffer.indexOf(0x0a, start)) {
      lines += 1;
      // Blank lines are skipped (a line of the log begins with "{").
      if (buffer[start] !== 0x7b && buffer.toString('utf8', start, end).trim() === '') continue;
      let line: LogLine;
      try {
        line = JSON.parse(buffer.toString('utf8', start, end)) as LogLine;
        if (!looksLikeResponse(line.r)) throw new Error('not a response record');
      } catch (error) {
        // The last line is complete but damaged (torn inside a multi-line write): cut it off.
        if (carryAt + end + 1 === size) return { cutAt: carryAt + start };
        return { damaged: { line: lines, reason: (error as Error).message } };
      }
      table.append(line.r);
      if (line.s !== undefined) submission(line.s, line.r.id);
    }
    carryAt += start;
    carry = Buffer.from(buffer.subarray(start));
  }
  // Bytes after the last newline: a torn last line, written when the process died; never acknowledged.
  return carry.length > 0 ? { cutAt: carryAt } : {};
}
