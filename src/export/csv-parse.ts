/**
 * The one CSV reader (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes; CRLF, LF
 * or CR; a UTF-8 BOM; `,` or the excel-da `;`). Pure: bytes (or text) in, columns out. The
 * `praksis estimate` CLI feeds it a file chunk by chunk (`CsvReader`); tests and small files use
 * `readCsvColumns` and `parseCsv`, which are the same reader given everything at once.
 *
 * It reads the UTF-8 bytes directly and codes each column it is asked for as `Levels` (src/levels.ts:
 * a level index per row and the distinct values). A field is looked up by its bytes in a small
 * hash table per column and decoded to a string only the first time its value is seen, so a 1M-row
 * file makes one Int32Array per column used and a string per distinct value, not a string per cell.
 * Columns not asked for are only stepped over.
 *
 * The dialect is read from the header: `;` when the header line has semicolons and no commas
 * (outside quotes), else `,`. With `;`, numbers have a decimal comma (excel-da), and `csvNumber`
 * reads them so. Blank lines are skipped. Rows in messages are numbered as records, the header
 * being row 1 (as the CLI's other messages number them).
 */
import { Buffer } from 'node:buffer';
import type { Levels } from '../levels.ts';

export interface CsvColumns {
  header: string[];
  /** Data rows (blank lines are not rows). */
  count: number;
  delimiter: ',' | ';';
  /** Numbers have a decimal comma (the `;` dialect, excel-da): read them with `csvNumber`. */
  decimalComma: boolean;
  /** Per header field: its values coded, or undefined when the column was not asked for. */
  columns: (Levels | undefined)[];
}

export interface ParsedCsv {
  header: string[];
  rows: string[][];
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;

/**
 * The distinct values of one column: a hash table from a field's raw bytes to its level. A key's
 * bytes are copied (the input chunk is reused by the caller) and it has a kind: 0, the bytes are
 * the value; 1, quoted with doubled quotes inside. Several raw forms of one value (`x` and `"x"`)
 * are several keys of one level.
 */
class Dictionary {
  readonly levels: string[] = [];
  readonly byLevel = new Map<string, number>();
  codes: Int32Array;
  bytes = new Uint8Array(256);
  used = 0;
  keyStart = new Int32Array(128);
  keyLength = new Int32Array(128);
  keyHash = new Int32Array(128);
  keyLevel = new Int32Array(128);
  keys = 0;
  slots = new Int32Array(512).fill(-1);
  /** The key found last: an export lists a cluster's rows together, so the next row often has it too. */
  last = -1;

  constructor(rows: number) {
    this.codes = new Int32Array(rows);
  }

  /** The level of a value (decoded already). */
  level(value: string): number {
    let level = this.byLevel.get(value);
    if (level === undefined) {
      level = this.levels.length;
      this.levels.push(value);
      this.byLevel.set(value, level);
    }
    return level;
  }

  set(row: number, level: number): void {
    if (row >= this.codes.length) this.reserve(Math.max(row + 1, this.codes.length * 2));
    this.codes[row] = level;
  }

  reserve(rows: number): void {
    if (rows > this.codes.length) this.codes = grown(this.codes, rows);
  }

  /** The key of bytes b[start, end) with this hash, or −1 (linear probing). */
  find(b: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const key = slots[at]!;
      if (key === -1) return -1;
      if (this.keyHash[key] === hash && this.keyLength[key] === length && sameBytes(b, start, this.bytes, this.keyStart[key]!, length)) return key;
    }
  }

  add(b: Uint8Array, start: number, end: number, hash: number, level: number): number {
    const key = this.keys;
    if (key === this.keyStart.length) {
      this.keyStart = grown(this.keyStart, key * 2);
      this.keyLength = grown(this.keyLength, key * 2);
      this.keyHash = grown(this.keyHash, key * 2);
      this.keyLevel = grown(this.keyLevel, key * 2);
    }
    const length = end - start;
    if (this.used + length > this.bytes.length) this.bytes = grown(this.bytes, Math.max(2 * this.bytes.length, this.used + length));
    this.bytes.set(b.subarray(start, end), this.used);
    this.keyStart[key] = this.used;
    this.keyLength[key] = length;
    this.keyHash[key] = hash;
    this.keyLevel[key] = level;
    this.used += length;
    this.keys = key + 1;
    if (2 * this.keys > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 4).fill(-1);
      for (let k = 0; k < this.keys; k += 1) this.#place(k);
    } else this.#place(key);
    return key;
  }

  #place(key: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let at = this.keyHash[key]! & mask;
    while (slots[at] !== -1) at = (at + 1) & mask;
    slots[at] = key;
  }
}

function grown<T extends Uint8Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (length: number) => T)(length);
  b.set(a);
  return b;
}

/** Whether a[i, i + length) and b[j, j + length) hold the same bytes. */
function sameBytes(a: Uint8Array, i: number, b: Uint8Array, j: number, length: number): boolean {
  for (let q = 0; q < length; q += 1) if (a[i + q] !== b[j + q]) return false;
  return true;
}

/** The value of a field: bytes [start, end) of `kind` 0 (as they are), 1 (quoted, doubled quotes inside) or 2 (text after a closing quote). */
function decode(text: Buffer, b: Uint8Array, start: number, end: number, kind: number): string {
  if (kind === 0) return text.toString('utf8', start, end);
  if (kind === 1) return text.toString('utf8', start, end).replaceAll('""', '"');
  // "ab"c → abc: the quoted part unescaped, then the rest as it is.
  let close = start;
  while (!(b[close] === QUOTE && b[close + 1] !== QUOTE)) close += b[close] === QUOTE ? 2 : 1;
  return text.toString('utf8', start, close).replaceAll('""', '"') + text.toString('utf8', close + 1, end);
}

/** Whether the bytes start with a UTF-8 BOM; undefined when there are too few to tell yet. */
function hasBom(b: Uint8Array, final: boolean): boolean | undefined {
  if (b.length < 3 && !final) return undefined;
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/**
 * `;` when the record starting at `from` has semicolons and no commas outside quotes, else `,`;
 * undefined when the record does not end within the bytes (and more may come).
 */
function sniffDelimiter(b: Uint8Array, from: number, final: boolean): number | undefined {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  let p = from;
  for (; p < b.length; p += 1) {
    const c = b[p]!;
    if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === COMMA) commas += 1;
    else if (c === SEMICOLON) semicolons += 1;
    else if (c === LF || c === CR) break;
  }
  if (p === b.length && !final) return undefined;
  return semicolons > 0 && commas === 0 ? SEMICOLON : COMMA;
}

/**
 * Reads a CSV given in chunks (any split: a record, a field or a line break may span chunks), coding
 * every column or only those named in `columns` (names not in the header are ignored: the caller
 * words that error). A chunk may be reused by the caller once `push` returns.
 */
export class CsvReader {
  #wanted: ReadonlySet<string> | undefined;
  #header: string[] | undefined;
  #dictionaries: (Dictionary | undefined)[] = [];
  #delimiter = COMMA;
  #rows = 0;
  /** Whether the start of the input was checked for a BOM. */
  #bomSeen = false;
  /** The bytes of a record begun in an earlier chunk (copied). */
  #pending: Uint8Array | undefined;

  /** The input's size in bytes, if known: the code arrays are then sized once from the first rows. */
  #bytes: number | undefined;
  #seen = 0;

  constructor(options: { columns?: readonly string[]; bytes?: number } = {}) {
    this.#wanted = options.columns === undefined ? undefined : new Set(options.columns);
    this.#bytes = options.bytes;
  }

  push(chunk: Uint8Array): void {
    let from = 0;
    let pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) {
      // Finish the record begun earlier on the pending bytes and as much of this chunk as it needs.
      for (let take = Math.min(chunk.length, Math.max(1 << 16, 2 * pending.length)); ; take = Math.min(chunk.length, 2 * take)) {
        const joined = new Uint8Array(pending.length + take);
        joined.set(pending);
        joined.set(chunk.subarray(0, take), pending.length);
        const done = this.#read(joined, false, 1);
        if (done > pending.length) {
          from = done - pending.length;
          break;
        }
        if (take === chunk.length) {
          this.#pending = joined.subarray(done);
          return;
        }
        pending = pending.subarray(done);
      }
    }
    const rest = from === 0 ? chunk : chunk.subarray(from);
    const done = this.#read(rest, false, Infinity);
    // A copy (for a Buffer, `slice` would not be one): the caller may reuse the chunk.
    if (done < rest.length) this.#pending = new Uint8Array(rest.subarray(done));
    const seen = this.#seen;
    this.#seen += chunk.length;
    if (seen === 0 && this.#bytes !== undefined && this.#bytes > chunk.length && this.#rows > 0) {
      // Room for the rows expected at the first chunk's bytes per row, and a little more.
      const rows = Math.ceil((this.#rows * this.#bytes * 1.05) / chunk.length) + 1024;
      for (const d of this.#dictionaries) d?.reserve(rows);
    }
  }

  /** The end of the input: the columns read. */
  end(): CsvColumns {
    if (this.#pending !== undefined) this.#read(this.#pending, true, Infinity);
    this.#pending = undefined;
    const header = this.#header;
    if (header === undefined) throw new Error('the CSV is empty');
    const rows = this.#rows;
    return {
      header,
      count: rows,
      delimiter: this.#delimiter === SEMICOLON ? ';' : ',',
      decimalComma: this.#delimiter === SEMICOLON,
      columns: this.#dictionaries.map((d) => (d === undefined ? undefined : { of: d.codes.length === rows ? d.codes : d.codes.slice(0, rows), levels: d.levels, byLevel: d.byLevel })),
    };
  }

  /**
   * Reads up to `most` whole records from `input` (which starts at a record, or at the file's
   * start) and returns where the first record it could not finish starts (input.length when it
   * finished them all). Unless `final`, a record is whole only once its line break is seen.
   */
  #read(input: Uint8Array, final: boolean, most: number): number {
    // A plain Uint8Array view (a Buffer's elements are slower to read) and a Buffer view to decode.
    const b = input instanceof Buffer ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : input;
    const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const n = b.length;
    let p = 0;
    if (!this.#bomSeen) {
      const bom = hasBom(b, final);
      if (bom === undefined) return 0;
      this.#bomSeen = true;
      if (bom) p = 3;
    }
    // Line breaks left at the start (a CRLF split between chunks, blank lines).
    while (p < n && (b[p] === LF || b[p] === CR)) p += 1;
    let done = p;
    if (this.#header === undefined) {
      if (p === n) return done;
      const D = sniffDelimiter(b, p, final);
      if (D === undefined) return done;
      this.#delimiter = D;
    }
    const D = this.#delimiter;
    let dictionaries = this.#dictionaries;
    let width = dictionaries.length;
    let row = this.#rows;
    let c = 0;
    for (let records = 0; p < n && records < most; records += 1) {
      const header: string[] | undefined = this.#header === undefined ? [] : undefined;
      let k = 0;
      // One field per pass: [start, end) of its value bytes, of kind 0 (the bytes are the value),
      // 1 (quoted, with doubled quotes) or 2 (text after a closing quote).
      for (;;) {
        let start = p;
        let end: number;
        let kind = 0;
        if (p < n && b[p] === QUOTE) {
          start = p + 1;
          p = start;
          for (;;) {
            while (p < n && b[p] !== QUOTE) p += 1;
            if (p >= n) {
              if (!final) return done;
              throw new Error(`the CSV has an unterminated quoted field (it starts in row ${row + 2 - (header ? 1 : 0)})`);
            }
            // A quote that is the chunk's last byte may be half of a doubled one: the check after the field waits for more.
            if (p + 1 >= n || b[p + 1] !== QUOTE) break;
            kind = 1;
            p += 2;
          }
          end = p;
          p += 1;
          if (p < n && (c = b[p]!) !== D && c !== LF && c !== CR) {
            kind = 2;
            while (p < n && (c = b[p]!) !== D && c !== LF && c !== CR) p += 1;
            end = p;
          }
        } else {
          while (p < n && (c = b[p]!) !== D && c !== LF && c !== CR) p += 1;
          end = p;
        }
        if (p >= n && !final) return done;
        if (header !== undefined) header.push(decode(text, b, start, end, kind));
        else if (k < width) {
          const d = dictionaries[k];
          if (d !== undefined) {
            const last = d.last;
            let level: number;
            if (kind === 2) level = d.level(decode(text, b, start, end, kind));
            else if (last >= 0 && d.keyLength[last] === end - start && d.keyHash[last]! >>> 31 === kind && sameBytes(b, start, d.bytes, d.keyStart[last]!, end - start)) level = d.keyLevel[last]!;
            else {
              // FNV-1a of the bytes, with the kind as the top bit ("a""b" quoted and a""b bare differ).
              let hash = 0x811c9dc5;
              for (let q = start; q < end; q += 1) hash = Math.imul(hash ^ b[q]!, 0x01000193);
              hash = (hash & 0x7fffffff) | (kind << 31);
              let key = d.find(b, start, end, hash);
              if (key === -1) key = d.add(b, start, end, hash, d.level(decode(text, b, start, end, kind)));
              d.last = key;
              level = d.keyLevel[key]!;
            }
            d.set(row, level);
          }
        }
        k += 1;
        if (p < n && b[p] === D) p += 1;
        else break;
      }
      if (header !== undefined) {
        this.#header = header;
        width = header.length;
        // A first guess at the number of rows (the header's length per row) so the code arrays rarely grow.
        const guess = Math.ceil(n / Math.max(16, p)) + 1024;
        const wanted = this.#wanted;
        dictionaries = this.#dictionaries = header.map((name) => (wanted === undefined || wanted.has(name) ? new Dictionary(guess) : undefined));
      } else {
        if (k !== width) throw new Error(`CSV row ${row + 2} has ${k} fields, the header has ${width}`);
        row += 1;
        this.#rows = row;
      }
      // Past the line break (CRLF, LF or CR) and any blank lines after it.
      while (p < n && (b[p] === LF || b[p] === CR)) p += 1;
      done = p;
    }
    return done;
  }
}

/** The CSV read at once: every column, or only those named in `options.columns`. */
export function readCsvColumns(input: Uint8Array | string, options: { columns?: readonly string[] } = {}): CsvColumns {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const reader = new CsvReader({ ...options, bytes: bytes.length });
  reader.push(bytes);
  return reader.end();
}

/** The CSV as a header and rows of strings (for small files: tests, targets). */
export function parseCsv(input: Uint8Array | string): ParsedCsv {
  const csv = readCsvColumns(input);
  const columns = csv.columns as Levels[];
  const rows: string[][] = new Array(csv.count);
  for (let r = 0; r < csv.count; r += 1) rows[r] = columns.map((c) => c.levels[c.of[r]!]!);
  return { header: csv.header, rows };
}

/** The values of a coded column, one string per row. */
export const valuesOf = (column: Levels): string[] => Array.from(column.of, (k) => column.levels[k]!);

/**
 * A number as a CSV cell writes it: blank is NaN; with a decimal comma (excel-da) "0,25" is 0.25
 * (and "0.25" is refused: in that dialect a point is not a decimal mark).
 */
export function csvNumber(cell: string, decimalComma: boolean): number {
  const text = cell.trim();
  if (text === '') return Number.NaN;
  if (!decimalComma) return Number(text);
  if (text.includes('.')) return Number.NaN;
  return Number(text.replace(',', '.'));
}
