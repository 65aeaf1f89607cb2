/**
 * `ResponseTable`: the responses held in memory as columns, not as objects.
 *
 * Every field (study, questionnaire, version, municipality, day, and each answer key) is one
 * dictionary-coded column: an `Int32Array` of codes (0 = no value, k = the k-th distinct value)
 * plus the list of distinct values. 100,000 responses of ~30 answers are then ~15 MB of typed
 * arrays instead of ~3 million small heap objects, so memory stays flat, garbage collection has
 * almost nothing to trace, and the report reads a question as one array of small integers.
 *
 * Pure: no disk, no Express. The store (src/storage/files/responses.ts) appends to one; callers that
 * hold plain responses build one with `ResponseTable.from`. `row(i)` gives back the response
 * exactly as appended (arrays are copies; key order follows the columns).
 */
import type { TAnswerValue, TResponse } from './schema.ts';

/** One dictionary-coded column. `codes[i]` is 0 (no value) or 1 + the index of the value in `values`. */
export interface ColumnView<V> {
  /** Codes of rows 0…length−1 (a view: valid until the next append). */
  readonly codes: Int32Array;
  /** The distinct values; code k stands for values[k − 1]. */
  readonly values: readonly V[];
}

interface ArrayNode {
  code?: number;
  next?: Map<string, ArrayNode>;
}

class Column<V extends TAnswerValue> {
  codes: Int32Array;
  readonly values: V[] = [];
  /** Strings and numbers (a Map keeps 1 and "1" apart). */
  readonly #scalars = new Map<string | number, number>();
  /**
   * Arrays (multi-select answers) in a trie keyed by element: exact for any strings, and no key
   * string to build per row (this runs for every stored answer).
   */
  readonly #arrays: ArrayNode = {};

  constructor(capacity: number) {
    this.codes = new Int32Array(capacity);
  }

  codeOf(value: V): number {
    if (typeof value !== 'object') {
      const code = this.#scalars.get(value);
      if (code !== undefined) return code;
      this.values.push(value);
      this.#scalars.set(value, this.values.length);
      return this.values.length;
    }
    const list = value as readonly string[];
    let node = this.#arrays;
    for (const element of list) {
      node.next ??= new Map();
      let child = node.next.get(element);
      if (!child) {
        child = {};
        node.next.set(element, child);
      }
      node = child;
    }
    if (node.code !== undefined) return node.code;
    this.values.push(Object.freeze([...list]) as unknown as V);
    node.code = this.values.length;
    return node.code;
  }

  grow(capacity: number): void {
    const next = new Int32Array(capacity);
    next.set(this.codes);
    this.codes = next;
  }
}

export interface RowFilter {
  study?: string;
  questionnaire?: string;
}

export class ResponseTable {
  #length = 0;
  #capacity: number;
  /**
   * Response ids, ASCII (the schema allows letters, digits, - and _), as one byte buffer with an end
   * offset per row: no string object per response for the garbage collector to trace.
   */
  #idBytes = new Uint8Array(16 * 1024);
  #idEnd: Int32Array;
  readonly #study: Column<string>;
  readonly #questionnaire: Column<string>;
  readonly #version: Column<number>;
  readonly #municipality: Column<string>;
  readonly #day: Column<string>;
  readonly #answers = new Map<string, Column<TAnswerValue>>();

  constructor(capacity = 1024) {
    this.#capacity = Math.max(16, capacity);
    this.#idEnd = new Int32Array(this.#capacity);
    this.#study = new Column(this.#capacity);
    this.#questionnaire = new Column(this.#capacity);
    this.#version = new Column(this.#capacity);
    this.#municipality = new Column(this.#capacity);
    this.#day = new Column(this.#capacity);
  }

  static from(responses: readonly TResponse[]): ResponseTable {
    const table = new ResponseTable(responses.length);
    for (const r of responses) table.append(r);
    return table;
  }

  get length(): number {
    return this.#length;
  }

  /** Appends a response (already validated) and returns its row index. */
  append(r: TResponse): number {
    const i = this.#length;
    if (i === this.#capacity) this.#grow(this.#capacity * 2);
    this.#pushId(i, r.id);
    this.#study.codes[i] = this.#study.codeOf(r.study);
    this.#questionnaire.codes[i] = this.#questionnaire.codeOf(r.questionnaire);
    this.#version.codes[i] = this.#version.codeOf(r.version);
    this.#municipality.codes[i] = this.#municipality.codeOf(r.municipality);
    this.#day.codes[i] = this.#day.codeOf(r.day);
    const answers = r.answers;
    for (const key in answers) {
      if (!Object.hasOwn(answers, key)) continue;
      const value = answers[key];
      if (value === undefined) continue;
      let column = this.#answers.get(key);
      if (!column) {
        column = new Column<TAnswerValue>(this.#capacity);
        this.#answers.set(key, column);
      }
      column.codes[i] = column.codeOf(value);
    }
    this.#length = i + 1;
    return i;
  }

  /**
   * Appends `count` rows with these study, questionnaire, version, municipality and day and no
   * answers yet (row k's id is `idOf(k)`); returns the first new row's index. With `fill`, this
   * builds a table from cell tallies (./tallies.ts) without an object per row.
   */
  appendRows(meta: Omit<TResponse, 'id' | 'answers'>, count: number, idOf: (k: number) => string): number {
    const first = this.#length;
    if (first + count > this.#capacity) this.#grow(Math.max(this.#capacity * 2, first + count));
    const codes = [this.#study.codeOf(meta.study), this.#questionnaire.codeOf(meta.questionnaire), this.#version.codeOf(meta.version), this.#municipality.codeOf(meta.municipality), this.#day.codeOf(meta.day)];
    this.#meta.forEach((column, k) => column.codes.fill(codes[k]!, first, first + count));
    for (let k = 0; k < count; k += 1) this.#pushId(first + k, idOf(k));
    this.#length = first + count;
    return first;
  }

  /** Gives rows from…to−1 (already appended) the answer `value` under `key`. */
  fill(key: string, from: number, to: number, value: TAnswerValue): void {
    if (!(from >= 0 && from <= to && to <= this.#length)) throw new RangeError(`rows ${from}…${to - 1} are outside the table (0…${this.#length - 1})`);
    let column = this.#answers.get(key);
    if (!column) {
      column = new Column<TAnswerValue>(this.#capacity);
      this.#answers.set(key, column);
    }
    column.codes.fill(column.codeOf(value), from, to);
  }

  #pushId(i: number, id: string): void {
    const start = i === 0 ? 0 : this.#idEnd[i - 1]!;
    this.#idRoom(start, id.length);
    for (let k = 0; k < id.length; k += 1) {
      const c = id.charCodeAt(k);
      if (c > 0x7f) throw new Error(`response id "${id}" is not ASCII`);
      this.#idBytes[start + k] = c;
    }
    this.#idEnd[i] = start + id.length;
  }

  /** The id bytes hold at least `start + bytes` (the ids up to `start` are kept). */
  #idRoom(start: number, bytes: number): void {
    if (start + bytes <= this.#idBytes.length) return;
    const next = new Uint8Array(Math.max(2 * this.#idBytes.length, start + bytes));
    next.set(this.#idBytes.subarray(0, start));
    this.#idBytes = next;
  }

  /** The five meta columns: study, questionnaire, version, municipality, day. */
  get #meta(): Column<TAnswerValue>[] {
    return [this.#study, this.#questionnaire, this.#version, this.#municipality, this.#day] as Column<TAnswerValue>[];
  }

  #grow(capacity: number): void {
    this.#capacity = capacity;
    const idEnd = new Int32Array(capacity);
    idEnd.set(this.#idEnd);
    this.#idEnd = idEnd;
    for (const c of this.#meta) c.grow(capacity);
    for (const c of this.#answers.values()) c.grow(capacity);
  }

  /** Row i as a response object (a fresh object; arrays are copies). */
  row(i: number): TResponse {
    if (!(i >= 0 && i < this.#length)) throw new RangeError(`row ${i} is outside the table (0…${this.#length - 1})`);
    const answers: Record<string, TAnswerValue> = {};
    for (const [key, column] of this.#answers) {
      const code = column.codes[i]!;
      if (code === 0) continue;
      const value = column.values[code - 1]!;
      answers[key] = Array.isArray(value) ? [...value] : value;
    }
    return {
      id: this.id(i),
      study: this.#study.values[this.#study.codes[i]! - 1]!,
      questionnaire: this.#questionnaire.values[this.#questionnaire.codes[i]! - 1]!,
      version: this.#version.values[this.#version.codes[i]! - 1]!,
      municipality: this.#municipality.values[this.#municipality.codes[i]! - 1]!,
      day: this.#day.values[this.#day.codes[i]! - 1]!,
      answers,
    };
  }

  /** Indices of the rows of a study / questionnaire, in the order they were appended. */
  rows(filter: RowFilter = {}): Int32Array {
    const study = filter.study === undefined ? -1 : this.#study.values.indexOf(filter.study) + 1;
    const questionnaire = filter.questionnaire === undefined ? -1 : this.#questionnaire.values.indexOf(filter.questionnaire) + 1;
    if (study === 0 || questionnaire === 0) return new Int32Array(0);
    const s = this.#study.codes;
    const q = this.#questionnaire.codes;
    let count = 0;
    for (let i = 0; i < this.#length; i += 1) if ((study < 0 || s[i] === study) && (questionnaire < 0 || q[i] === questionnaire)) count += 1;
    const out = new Int32Array(count);
    let k = 0;
    for (let i = 0; i < this.#length; i += 1) if ((study < 0 || s[i] === study) && (questionnaire < 0 || q[i] === questionnaire)) out[k++] = i;
    return out;
  }

  count(filter: RowFilter = {}): number {
    if (filter.study === undefined && filter.questionnaire === undefined) return this.#length;
    return this.rows(filter).length;
  }

  /** The responses matching a filter, as objects (materialised now). */
  list(filter: RowFilter = {}): TResponse[] {
    return Array.from(this.rows(filter), (i) => this.row(i));
  }

  id(i: number): string {
    const start = i === 0 ? 0 : this.#idEnd[i - 1]!;
    return Buffer.from(this.#idBytes.buffer, this.#idBytes.byteOffset + start, this.#idEnd[i]! - start).toString('latin1');
  }

  /** The municipality column (codes of every row; values are municipality codes such as "101"). */
  municipalities(): ColumnView<string> {
    return { codes: this.#municipality.codes.subarray(0, this.#length), values: this.#municipality.values };
  }

  /** The submission-day column (values are YYYY-MM-DD). */
  days(): ColumnView<string> {
    return { codes: this.#day.codes.subarray(0, this.#length), values: this.#day.values };
  }

  /** The non-blank text answers of `key` in the given rows (free text, "Andet, angiv"), in row order. */
  texts(key: string, rows: Int32Array): string[] {
    const column = this.#answers.get(key);
    if (!column) return [];
    const texts: string[] = [];
    for (const i of rows) {
      const code = column.codes[i]!;
      const v = code === 0 ? undefined : column.values[code - 1];
      if (typeof v === 'string' && v.trim() !== '') texts.push(v);
    }
    return texts;
  }

  /** The column of an answer key (question id or `<id>_other`); undefined when no row has it. */
  answers(key: string): ColumnView<TAnswerValue> | undefined {
    const column = this.#answers.get(key);
    return column ? { codes: column.codes.subarray(0, this.#length), values: column.values } : undefined;
  }
}
