/**
 * A column of strings coded by first appearance: `of[i]` is the index of `values[i]` in `levels`.
 * Weights, raking and the design all group rows by such a column (a cluster, a stratum, a margin);
 * this is the one place that codes one. A caller that needs the same column twice codes it once and
 * passes the `Levels` (`equalWeights(levels)`, `makeDesign({ cluster: levels })`): on 1,000,000 rows
 * each coding is a hash lookup per row.
 */
export interface Levels {
  /** Row → level index. */
  readonly of: Int32Array;
  /** The distinct values, in order of first appearance. */
  readonly levels: readonly string[];
  /** Value → level index. */
  readonly byLevel: ReadonlyMap<string, number>;
}

export function levelsOf(values: readonly string[]): Levels {
  const byLevel = new Map<string, number>();
  const levels: string[] = [];
  const of = new Int32Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i]!;
    let k = byLevel.get(v);
    if (k === undefined) {
      k = levels.length;
      byLevel.set(v, k);
      levels.push(v);
    }
    of[i] = k;
  }
  return { of, levels, byLevel };
}

/** The rows `keep` of a coded column, its levels numbered again by first appearance among them. */
export function selectRows(column: Levels, keep: Int32Array): Levels {
  const renumber = new Int32Array(column.levels.length).fill(-1);
  const levels: string[] = [];
  const byLevel = new Map<string, number>();
  const of = new Int32Array(keep.length);
  for (let j = 0; j < keep.length; j += 1) {
    const old = column.of[keep[j]!]!;
    if (renumber[old] === -1) {
      renumber[old] = levels.length;
      byLevel.set(column.levels[old]!, levels.length);
      levels.push(column.levels[old]!);
    }
    of[j] = renumber[old]!;
  }
  return { of, levels, byLevel };
}

/** A column as given (strings) or already coded. */
export type Column = readonly string[] | Levels;

export function asLevels(column: Column): Levels {
  return isLevels(column) ? column : levelsOf(column);
}

function isLevels(column: Column): column is Levels {
  return !Array.isArray(column) && (column as Levels).of instanceof Int32Array;
}

/** The number of rows of a column. */
export function rowsOf(column: Column): number {
  return isLevels(column) ? column.of.length : column.length;
}
