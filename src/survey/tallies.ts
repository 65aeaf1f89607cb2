/**
 * Cell tallies: what the report's estimation needs of the stored responses, and no more. For one
 * study, per questionnaire and municipality (a cell): how many responded, and per answer key how
 * many gave each value (a multi-select's value is its whole answer combination). Keys the report
 * only counts (free text) are tallied as present ("" for any text), so no text leaves the store.
 *
 * Every estimate of the report uses one question at a time within the design (clusters are
 * municipalities, weights are the same for every respondent of a questionnaire in a municipality),
 * so any rows with these tallies give the report the same numbers as the responses themselves.
 * `tableOfTallies` builds such rows, in one canonical order, as the column table the report reads:
 * PostgreSQL computes the tallies with GROUP BY (src/storage/postgres/responses.ts) and hands the
 * report these rows; the file store hands its own table, whose tallies are the responses' by
 * definition. `tallyTable` computes the tallies of any table (the contract test compares both
 * stores' report tables with it).
 *
 * Pure: no disk, no Express.
 */
import { z } from 'zod';
import { ZAnswerValue, type TAnswerValue } from './schema.ts';
import { ResponseTable } from './table.ts';

export const ZTallySpec = z
  .object({
    study: z.string().min(1),
    questionnaires: z.array(z.string().min(1)),
    /** Keys tallied by value. */
    values: z.array(z.string().min(1)),
    /** Keys only counted: every string answer is tallied as "". */
    present: z.array(z.string().min(1)),
  })
  .strict();
export type TTallySpec = z.infer<typeof ZTallySpec>;

export const ZCellTallies = z
  .object({
    study: z.string(),
    cells: z.array(z.object({ questionnaire: z.string(), municipality: z.string(), n: z.number().int().positive() }).strict()),
    values: z.array(
      z.object({ questionnaire: z.string(), municipality: z.string(), key: z.string(), value: ZAnswerValue, count: z.number().int().positive() }).strict(),
    ),
  })
  .strict();
export type TCellTallies = z.infer<typeof ZCellTallies>;

const cellKey = (questionnaire: string, municipality: string) => `${questionnaire}\u0000${municipality}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The tallies of `spec` over a column table. */
export function tallyTable(table: ResponseTable, spec: TTallySpec): TCellTallies {
  const municipalities = table.municipalities();
  const present = new Set(spec.present);
  const keys = [...new Set([...spec.values, ...spec.present])];
  const cells: TCellTallies['cells'] = [];
  const values: TCellTallies['values'] = [];
  for (const questionnaire of spec.questionnaires) {
    const rows = table.rows({ study: spec.study, questionnaire });
    // Per municipality code: respondents, and per key: value code (−1: any text) → count.
    const n = new Map<number, number>();
    for (const i of rows) n.set(municipalities.codes[i]!, (n.get(municipalities.codes[i]!) ?? 0) + 1);
    for (const [m, count] of n) cells.push({ questionnaire, municipality: municipalities.values[m - 1]!, n: count });
    for (const key of keys) {
      const column = table.answers(key);
      if (!column) continue;
      const counts = new Map<number, Map<number, number>>();
      for (const i of rows) {
        let code = column.codes[i]!;
        if (code === 0) continue;
        if (present.has(key)) {
          if (typeof column.values[code - 1] !== 'string') continue;
          code = -1;
        }
        const m = municipalities.codes[i]!;
        const perValue = counts.get(m) ?? new Map<number, number>();
        perValue.set(code, (perValue.get(code) ?? 0) + 1);
        counts.set(m, perValue);
      }
      for (const [m, perValue] of counts) {
        for (const [code, count] of perValue) {
          values.push({ questionnaire, municipality: municipalities.values[m - 1]!, key, value: code === -1 ? '' : column.values[code - 1]!, count });
        }
      }
    }
  }
  return { study: spec.study, cells, values };
}

/**
 * Rows with exactly these tallies, as a column table for the report: per cell (sorted by
 * questionnaire and municipality) `n` rows, and per key (sorted) its values (sorted by their JSON)
 * given to the cell's first rows, `count` each. These are not the responses (their ids are
 * made up, their day is empty): only what the report counts is theirs.
 * @throws Error when a key has more answers in a cell than the cell has respondents
 */
export function tableOfTallies(tallies: TCellTallies): ResponseTable {
  const cells = [...tallies.cells].sort((a, b) => compare(a.questionnaire, b.questionnaire) || compare(a.municipality, b.municipality));
  const byCell = new Map<string, { key: string; json: string; value: TAnswerValue; count: number }[]>();
  for (const v of tallies.values) {
    const id = cellKey(v.questionnaire, v.municipality);
    let list = byCell.get(id);
    if (!list) byCell.set(id, (list = []));
    list.push({ key: v.key, json: JSON.stringify(v.value), value: v.value, count: v.count });
  }
  const table = new ResponseTable(cells.reduce((sum, c) => sum + c.n, 0));
  for (const cell of cells) {
    if (!(Number.isInteger(cell.n) && cell.n > 0)) throw new Error(`the tallies of ${cell.questionnaire}/${cell.municipality} have ${cell.n} respondents`);
    const first = table.appendRows({ study: tallies.study, questionnaire: cell.questionnaire, version: 1, municipality: cell.municipality, day: '' }, cell.n, (k) => `tally-${String(table.length + k).padStart(12, '0')}`);
    const entries = (byCell.get(cellKey(cell.questionnaire, cell.municipality)) ?? []).sort((a, b) => compare(a.key, b.key) || compare(a.json, b.json));
    const filled = new Map<string, number>();
    for (const e of entries) {
      const from = filled.get(e.key) ?? 0;
      if (!(Number.isInteger(e.count) && e.count > 0) || from + e.count > cell.n) {
        throw new Error(`the tallies of ${cell.questionnaire}/${cell.municipality} have more answers to "${e.key}" (${from + e.count}) than respondents (${cell.n})`);
      }
      table.fill(e.key, first + from, first + from + e.count, e.value);
      filled.set(e.key, from + e.count);
    }
  }
  return table;
}
