/**
 * Reading a byte range of the response log (`responses.jsonl`) into a column table: the one loop
 * both the store's open (responses.ts) and the log-reading worker (log-worker.ts) run, so a large
 * log can be read in two halves at once.
 *
 * The range is read in chunks (memory stays bounded by the chunk, not the file). A line is checked
 * cheaply (each was fully validated when written). What is found wrong is reported, not thrown, so
 * the caller words the error with the line's number in the whole log:
 *   - a damaged or torn LAST line of the log (`cutAt`: the process died mid-write, never acknowledged);
 *   - a damaged line elsewhere (`damaged`): the store refuses to open rather than lose answers.
 */
import { open } from 'node:fs/promises';
import type { TResponse } from '../survey/schema.ts';
import type { ResponseTable } from '../survey/table.ts';

/** One line of the log (see logLine in responses.ts). */
export interface LogLine {
  /** sha256 of the submission id, when the submitter gave one. */
  s?: string;
  r: TResponse;
}

export interface RangeRead {
  /** Complete lines read (blank ones included), up to a damaged or cut-off one. */
  lines: number;
  /** Where the log must be cut: a torn or damaged last line starts here. */
  cutAt?: number;
  /** A damaged line that is not the last: its number within the range (1-based), its byte offset and why. */
  damaged?: { line: number; at: number; reason: string };
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

/**
 * Reads the lines of `file` from byte `from` (a line start) to byte `to` (a line end + 1, or the
 * end of the log) into `table`, and each line's submission hash into `submissions`. `size` is the
 * log's length: a line ending there is the log's last line.
 */
export async function readLogRange(file: string, from: number, to: number, size: number, table: ResponseTable, submissions: (hash: string, id: string) => void): Promise<RangeRead> {
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(4 * 1024 * 1024);
    let carry: Buffer = Buffer.alloc(0);
    /** File offset of carry[0]. */
    let carryAt = from;
    let offset = from;
    let lines = 0;
    while (offset < to) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, to - offset), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let end = buffer.indexOf(0x0a, start); end !== -1; end = buffer.indexOf(0x0a, start)) {
        const lineAt = carryAt + start;
        const text = buffer.toString('utf8', start, end);
        if (text.trim() !== '') {
          let line: LogLine;
          try {
            line = JSON.parse(text) as LogLine;
            if (!looksLikeResponse(line.r)) throw new Error('not a response record');
          } catch (error) {
            // The last line is complete but damaged (torn inside a multi-line batch): cut it off.
            if (end + 1 + carryAt === size) return { lines, cutAt: lineAt };
            return { lines, damaged: { line: lines + 1, at: lineAt, reason: (error as Error).message } };
          }
          table.append(line.r);
          if (line.s !== undefined) submissions(line.s, line.r.id);
        }
        lines += 1;
        start = end + 1;
      }
      carryAt += start;
      carry = Buffer.from(buffer.subarray(start));
    }
    // Bytes after the last newline: a torn last line, written when the process died; never acknowledged.
    return carry.length > 0 ? { lines, cutAt: carryAt } : { lines };
  } finally {
    await handle.close();
  }
}
