/**
 * The report's coding of answers (pure): a group of respondents (one questionnaire's rows with their
 * design) and, per question, each row's category in the base (−1 outside it), read from the
 * response table's columns in one pass. tables.ts estimates from these codes.
 */
import { problems } from '../errors.ts';
import type { Design } from '../estimation/index.ts';
import type { TAnswerValue, TQuestion, TQuestionnaire } from '../survey/schema.ts';
import type { ColumnView, ResponseTable } from '../survey/table.ts';
import { danishList, questionIn } from './versions.ts';

export interface Group {
  /** The latest published version: its questions, options and figure settings are the report's. */
  questionnaire: TQuestionnaire;
  /** Every published version of the questionnaire, oldest first (the latest last); the rows answered any of them. */
  versions: readonly TQuestionnaire[];
  /** The group's rows in the table. */
  rows: Int32Array;
  /** Municipality of each of the group's rows. */
  municipality: string[];
  /** Respondents per municipality (the municipalities with any). */
  perMunicipality: Map<string, number>;
  /** Undefined with no responses or fewer than two municipalities: then everything is suppressed. */
  design?: Design;
  weights: number[];
  /** Base codes of choice questions already computed (a figure's summary and its difference share them). */
  choice: Map<string, Int32Array>;
  /** Categories of choice questions already worked out (by question and base rule). */
  categories: Map<string, Categories>;
}

/** The table's codes of one answer column for the group's rows (0 = no answer), with the column's values. */
export function columnOf(table: ResponseTable, g: Group, id: string): { codes: Int32Array; values: readonly TAnswerValue[] } {
  const column: ColumnView<TAnswerValue> | undefined = table.answers(id);
  const codes = new Int32Array(g.rows.length);
  if (!column) return { codes, values: [] };
  for (let k = 0; k < g.rows.length; k += 1) codes[k] = column.codes[g.rows[k]!]!;
  return { codes, values: column.values };
}

export type ChoiceQuestion = Extract<TQuestion, { type: 'single' | 'scale' }>;
export type MultiQuestion = Extract<TQuestion, { type: 'multi' }>;

/** The options a figure shows (all, or all but the non-substantive ones such as "Ved ikke"), and the codes it leaves out. */
export function baseOptions<Q extends ChoiceQuestion | MultiQuestion>(q: Q, includeNonSubstantive: boolean): { options: Q['options']; excluded: Set<string> } {
  return {
    options: q.options.filter((o) => includeNonSubstantive || !o.nonSubstantive) as Q['options'],
    excluded: new Set(q.options.filter((o) => o.nonSubstantive && !includeNonSubstantive).map((o) => o.code)),
  };
}

/** A category of a figure: an option of the latest version, or one only earlier versions had (`onlyIn`: those versions). */
export interface Category {
  code: string;
  label: string;
  nonSubstantive: boolean;
  onlyIn?: number[];
}

export interface Categories {
  options: Category[];
  /** Codes outside the base (non-substantive ones the figure leaves out). */
  excluded: Set<string>;
}

/** The option codes the group's stored answers to `id` hold (a multi-select's each). */
function answeredCodes(table: ResponseTable, g: Group, id: string): Set<string> {
  const column = table.answers(id);
  const out = new Set<string>();
  if (!column) return out;
  const seen = new Uint8Array(column.values.length + 1);
  for (const i of g.rows) seen[column.codes[i]!] = 1;
  column.values.forEach((v, k) => {
    if (seen[k + 1] !== 1) return;
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) for (const c of v) out.add(c);
  });
  return out;
}

/**
 * The categories of a figure question for a group: the latest version's options (without the
 * non-substantive ones unless the figure includes them), then every option the latest version no
 * longer has but the group's answers hold. Such an answer is neither dropped nor recoded: it stays
 * in the base as a category of its own, labelled as the latest version that had it labels it, with
 * "(kun version 1)" (the versions that had it); a figure showing one says so in a note. A removed
 * option that was non-substantive in its version is left out of the base like "Ved ikke". Extra
 * categories follow the versions (newest first) and their option order, never the storage order.
 */
export function categories(table: ResponseTable, q: ChoiceQuestion | MultiQuestion, g: Group, includeNonSubstantive: boolean): Categories {
  const key = `${q.id}\u0000${includeNonSubstantive}`;
  const cached = g.categories.get(key);
  if (cached) return cached;
  const { options, excluded } = baseOptions(q, includeNonSubstantive);
  const out: Categories = { options: options.map((o) => ({ code: o.code, label: o.label, nonSubstantive: o.nonSubstantive })), excluded };
  if (g.versions.length <= 1) {
    g.categories.set(key, out);
    return out;
  }
  const known = new Set(q.options.map((o) => o.code));
  const answered = answeredCodes(table, g, q.id);
  const earlier = [...g.versions].reverse();
  for (const version of earlier) {
    const old = questionIn(version, q.id);
    if (!old || !('options' in old)) continue;
    for (const o of old.options) {
      if (known.has(o.code) || !answered.has(o.code)) continue;
      known.add(o.code);
      if (o.nonSubstantive && !includeNonSubstantive) {
        excluded.add(o.code);
        continue;
      }
      const had = g.versions.filter((v) => {
        const x = questionIn(v, q.id);
        return x !== undefined && 'options' in x && x.options.some((y) => y.code === o.code);
      });
      const onlyIn = had.map((v) => v.version);
      out.options.push({ code: o.code, label: `${o.label} (kun version ${danishList(onlyIn)})`, nonSubstantive: o.nonSubstantive, onlyIn });
    }
  }
  g.categories.set(key, out);
  return out;
}

/** Per group row: `mapValue` of its answer (worked out once per distinct stored value), or −1 without an answer; one pass. */
export function mappedColumn(table: ResponseTable, g: Group, id: string, mapValue: (v: TAnswerValue) => number): Int32Array {
  const column = table.answers(id);
  if (!column) return new Int32Array(g.rows.length).fill(-1);
  // Indexed by the column's code: code 0 (no answer) gives −1.
  const map = new Int32Array(column.values.length + 1);
  map[0] = -1;
  column.values.forEach((v, k) => (map[k + 1] = mapValue(v)));
  const { codes } = column;
  const rows = g.rows;
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k += 1) out[k] = map[codes[rows[k]!]!]!;
  return out;
}

/**
 * Base codes of a single/scale question: per group row, the index of its answer in the figure's
 * categories, or −1 outside the base (not shown, no answer, a non-substantive answer left out, an
 * answer of a version that asked it as a multi-select).
 */
export function choiceCodes(table: ResponseTable, q: ChoiceQuestion, g: Group, includeNonSubstantive: boolean): Int32Array {
  const key = `${q.id}\u0000${includeNonSubstantive}`;
  const cached = g.choice.get(key);
  if (cached) return cached;
  const { options, excluded } = categories(table, q, g, includeNonSubstantive);
  const out = mappedColumn(table, g, q.id, (v) => {
    if (typeof v !== 'string' || excluded.has(v)) return -1;
    const index = options.findIndex((o) => o.code === v);
    if (index < 0) throw problems.invalidInput(`question "${q.id}": the stored answer "${v}" is not one of the categories of any version (${options.map((o) => o.code).join(', ')})`);
    return index;
  });
  g.choice.set(key, out);
  return out;
}

/** Base entries of a multi-select question: per group row −1 or an index into `entries` (the category indices chosen). */
export function multiCodes(table: ResponseTable, q: MultiQuestion, g: Group, includeNonSubstantive: boolean): { code: Int32Array; entries: number[][] } {
  const { options, excluded } = categories(table, q, g, includeNonSubstantive);
  const entries: number[][] = [];
  const code = mappedColumn(table, g, q.id, (v) => {
    if (!Array.isArray(v) || v.length === 0 || v.some((c) => excluded.has(c))) return -1;
    const chosen = new Set<number>();
    for (const c of v) {
      const k = options.findIndex((o) => o.code === c);
      if (k < 0) throw problems.invalidInput(`question "${q.id}": the stored option "${c}" is not one of any version's (${options.map((o) => o.code).join(', ')})`);
      chosen.add(k);
    }
    return entries.push([...chosen]) - 1;
  });
  return { code, entries };
}

export function countBase(code: Int32Array): number {
  let n = 0;
  for (let i = 0; i < code.length; i += 1) n += 1 + (code[i]! >> 31); // 1 for a code ≥ 0, 0 for −1
  return n;
}
