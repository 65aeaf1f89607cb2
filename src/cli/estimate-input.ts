/**
 * What `praksis estimate` reads: the data file (only the columns used, in 4 MB chunks), targets
 * files, the codebook's category order, and the rows kept by --where. Bad input is an InputError
 * with one clear line.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CsvReader, csvNumber, valuesOf, type CsvColumns } from '../export/csv-parse.ts';
import { selectRows } from '../levels.ts';

export class InputError extends Error {}

/** Bytes read at a time: the next chunk is read while the last one is parsed. */
const CHUNK = 1 << 22;

/** The file's columns named in `columns` (all of them without), coded (src/export/csv-parse.ts). */
export async function readCsv(file: string, columns?: readonly string[]): Promise<CsvColumns> {
  const cannot = (error: unknown) =>
    new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw cannot(error);
  }
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let next = handle.read(buffers[0]!, 0, CHUNK, null);
  try {
    const reader = new CsvReader({ ...(columns ? { columns } : {}), bytes: (await handle.stat()).size });
    for (let k = 0; ; k ^= 1) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await next);
      } catch (error) {
        throw cannot(error);
      }
      if (bytesRead === 0) break;
      next = handle.read(buffers[k ^ 1]!, 0, CHUNK, null);
      reader.push(buffers[k]!.subarray(0, bytesRead));
    }
    return reader.end();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${file}: ${(error as Error).message}`);
  } finally {
    await next.catch(() => undefined);
    await handle.close();
  }
}

export async function readTargets(file: string, column: string, levels: ReadonlySet<string>): Promise<Map<string, number>> {
  const csv = await readCsv(file);
  const li = csv.header.indexOf('level');
  const ti = csv.header.indexOf('total');
  if (li < 0 || ti < 0) throw new InputError(`${file}: the targets file needs the header "level,total"`);
  const targets = new Map<string, number>();
  const names = valuesOf(csv.columns[li]!);
  valuesOf(csv.columns[ti]!).forEach((raw, k) => {
    const total = csvNumber(raw, csv.decimalComma);
    if (!(Number.isFinite(total) && total > 0)) throw new InputError(`${file} row ${k + 2}: total must be a positive number, not "${raw}"`);
    targets.set(names[k]!, total);
  });
  const missing = [...levels].filter((l) => !targets.has(l));
  const extra = [...targets.keys()].filter((l) => !levels.has(l));
  if (missing.length || extra.length) {
    throw new InputError(
      `${file}: the levels do not match column "${column}" of the data` +
        (missing.length ? `; no target for ${missing.map((m) => `"${m}"`).join(', ')}` : '') +
        (extra.length ? `; no rows for ${extra.map((m) => `"${m}"`).join(', ')}` : ''),
    );
  }
  return targets;
}

/**
 * The categories of `variable` in the order of praksis's codebook.csv (option_code of its rows for
 * that question; a question in both questionnaires is listed once).
 */
export async function codebookCategories(file: string, variable: string): Promise<string[]> {
  const csv = await readCsv(file);
  const qi = csv.header.indexOf('question');
  const ci = csv.header.indexOf('option_code');
  if (qi < 0 || ci < 0) throw new InputError(`${file}: not a praksis codebook (it needs the columns "question" and "option_code")`);
  const questions = valuesOf(csv.columns[qi]!);
  const codes = valuesOf(csv.columns[ci]!);
  const categories: string[] = [];
  questions.forEach((q, k) => {
    if (q === variable && codes[k] !== '' && !categories.includes(codes[k]!)) categories.push(codes[k]!);
  });
  if (categories.length === 0) throw new InputError(`--codebook ${file}: no options for "${variable}" in the codebook (a multi-select option is its own 0/1 column, estimated without --codebook)`);
  return categories;
}

/**
 * Keeps the rows that match every --where, before anything else: the design is then made of those
 * rows only (a questionnaire of responses.csv, whose cluster pseudonyms both questionnaires share).
 */
export function keepRows(csv: CsvColumns, where: readonly { column: string; value: string }[], file: string): CsvColumns {
  if (where.length === 0) return csv;
  const tests = where.map((w) => {
    const k = csv.header.indexOf(w.column);
    if (k < 0) throw new InputError(`--where ${w.column}: no such column in ${file} (columns: ${csv.header.join(', ')})`);
    const column = csv.columns[k]!;
    const level = column.byLevel.get(w.value);
    if (level === undefined) throw new InputError(`--where ${w.column}=${w.value}: no row has that value (values: ${column.levels.slice(0, 20).join(', ')})`);
    return { of: column.of, level };
  });
  const kept: number[] = [];
  for (let i = 0; i < csv.count; i += 1) if (tests.every((t) => t.of[i] === t.level)) kept.push(i);
  const rows = Int32Array.from(kept);
  return { ...csv, count: rows.length, columns: csv.columns.map((c) => (c ? selectRows(c, rows) : c)) };
}
