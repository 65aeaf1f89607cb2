/**
 * Weights, as R's `survey` package builds them (the README's "Estimation" section gives the formulas):
 * equal per cluster, size measure, post-stratification (`postStratify`) and raking (`rake`).
 * Pure functions on arrays. Calibrated weights carry what the variance needs
 * (`Calibration`), because after calibration the variance is NOT that of fixed weights.
 *
 * @example equalWeights(['m1', 'm1', 'm2']) // [0.5, 0.5, 1]
 */
import { problems } from '../errors.ts';
import { asLevels, levelsOf, type Column, type Levels } from '../levels.ts';

/** What the variance needs to account for calibration (see src/estimation/design.ts). */
export type Calibration =
  | { kind: 'poststratify'; groups: string[]; preWeights: number[] }
  | { kind: 'rake'; margins: { groups: string[]; weightsAfterStep: number[] }[] };

export interface Calibrated {
  weights: number[];
  calibration: Calibration;
}

export type Targets = Map<string, number> | Record<string, number>;

function targetEntries(targets: Targets): [string, number][] {
  return targets instanceof Map ? [...targets.entries()] : Object.entries(targets);
}

/** w = 1/n_c: every cluster (municipality) weighs the same, whatever its number of respondents. */
export function equalWeights(cluster: Column): number[] {
  const { of, levels } = asLevels(cluster);
  const counts = new Int32Array(levels.length);
  for (let i = 0; i < of.length; i += 1) counts[of[i]!]! += 1;
  const weights = new Array<number>(of.length);
  for (let i = 0; i < of.length; i += 1) weights[i] = 1 / counts[of[i]!]!;
  return weights;
}

/** w = S_c/n_c: a cluster weighs its size measure (e.g. population), shared by its respondents. */
export function sizeWeights(cluster: Column, size: Targets): number[] {
  const { of, levels } = asLevels(cluster);
  const sizes = new Map(targetEntries(size));
  const counts = new Int32Array(levels.length);
  for (let i = 0; i < of.length; i += 1) counts[of[i]!]! += 1;
  // Per cluster (in order of first appearance): its size measure shared by its rows.
  const perRow = levels.map((c, k) => {
    const s = sizes.get(c);
    if (s === undefined) throw problems.invalidInput(`sizeWeights: no size measure for cluster "${c}"`);
    if (!(Number.isFinite(s) && s > 0)) throw problems.invalidInput(`sizeWeights: the size measure of cluster "${c}" must be a positive number, not ${s}`);
    return s / counts[k]!;
  });
  return Array.from(of, (k) => perRow[k]!);
}

function checkWeights(fn: string, weights: readonly number[]): void {
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0) throw problems.invalidInput(`${fn}: weight ${i + 1} is ${w}; weights must be finite and not negative`);
  });
}

/** One post-stratification step: w' = w · N_g / Σ_{j∈g} w_j (sums in row order, as before). */
function poststratifyStep(fn: string, weights: readonly number[], index: Levels, targets: Targets): number[] {
  if (index.of.length !== weights.length) throw problems.invalidInput(`${fn}: ${index.of.length} group values for ${weights.length} weights`);
  const totals = new Float64Array(index.levels.length);
  for (let i = 0; i < weights.length; i += 1) totals[index.of[i]!]! += weights[i]!;
  const wanted = new Map(targetEntries(targets));
  for (const [level, total] of wanted) {
    if (!(Number.isFinite(total) && total > 0)) throw problems.invalidInput(`${fn}: the target for "${level}" must be a positive number, not ${total}`);
    const k = index.byLevel.get(level);
    if (k === undefined) throw problems.invalidInput(`${fn}: the margin level "${level}" has no rows in the data`);
    if (totals[k]! <= 0) throw problems.invalidInput(`${fn}: the rows of margin level "${level}" all have weight 0`);
  }
  const target = new Float64Array(index.levels.length);
  index.levels.forEach((level, k) => {
    const t = wanted.get(level);
    if (t === undefined) throw problems.invalidInput(`${fn}: the data has level "${level}", which has no target`);
    target[k] = t;
  });
  const out = new Array<number>(weights.length);
  for (let i = 0; i < weights.length; i += 1) out[i] = (weights[i]! * target[index.of[i]!]!) / totals[index.of[i]!]!;
  return out;
}

/** As `postStratify(design, ~group, targets)`: weights scaled so each group's total is its target. */
export function postStratify(weights: readonly number[], groups: readonly string[], targets: Targets): Calibrated {
  checkWeights('postStratify', weights);
  const adjusted = poststratifyStep('postStratify', weights, levelsOf(groups), targets);
  return { weights: adjusted, calibration: { kind: 'poststratify', groups: [...groups], preWeights: [...weights] } };
}

export interface RakeOptions {
  /**
   * Stop when no cell of the cross-table of all margins moves more than this between passes.
   * As in R: a value ≥ 1 is absolute (weight units); below 1 it is relative to the sum of the
   * starting weights. Default 1e-12 (relative), so weights converge far below 1e-10.
   */
  epsilon?: number;
  /** Most passes before giving up with an error. Default 1000. */
  maxit?: number;
}

export interface Margin {
  groups: readonly string[];
  targets: Targets;
}

/**
 * As `rake(design, margins, targets, control = list(epsilon, maxit))`: iterative proportional
 * fitting, post-stratifying on each margin in order, until the full cross-table of the margins
 * stops moving. Throws if it does not converge within `maxit` passes (R only warns).
 */
export function rake(weights: readonly number[], margins: readonly Margin[], options: RakeOptions = {}): Calibrated & { iterations: number } {
  checkWeights('rake', weights);
  if (margins.length === 0) throw problems.invalidInput('rake: give at least one margin');
  const sums = margins.map((m) => targetEntries(m.targets).reduce((sum, [, t]) => sum + t, 0));
  sums.forEach((sum, k) => {
    if (Math.abs(sum - sums[0]!) > 1e-9 * Math.max(1, Math.abs(sums[0]!)))
      throw problems.invalidInput(`rake: the targets of margin ${k + 1} add up to ${sum} but those of margin 1 to ${sums[0]}; margins must describe the same population`);
  });
  const epsilon = options.epsilon ?? 1e-12;
  const maxit = options.maxit ?? 1000;
  const start = weights.reduce((s, w) => s + w, 0);
  const tolerance = epsilon >= 1 ? epsilon : epsilon * start;
  const indexes = margins.map((m) => {
    if (m.groups.length !== weights.length) throw problems.invalidInput(`rake: ${m.groups.length} group values for ${weights.length} weights`);
    return levelsOf(m.groups);
  });
  // The cell of the margins' cross-table each row is in (cells numbered by first appearance), keyed
  // by the row's levels as one mixed-radix number (exact: far below 2^53 for any real margins).
  const cellIds = new Map<number, number>();
  const cellOf = new Int32Array(weights.length);
  for (let i = 0; i < weights.length; i += 1) {
    let key = 0;
    for (const x of indexes) key = key * x.levels.length + x.of[i]!;
    let c = cellIds.get(key);
    if (c === undefined) {
      c = cellIds.size;
      cellIds.set(key, c);
    }
    cellOf[i] = c;
  }
  const crossTable = (w: readonly number[]) => {
    const t = new Float64Array(cellIds.size);
    for (let i = 0; i < w.length; i += 1) t[cellOf[i]!]! += w[i]!;
    return t;
  };
  let current = [...weights];
  let before = crossTable(current);
  let after: number[][] = [];
  for (let iteration = 1; iteration <= maxit; iteration += 1) {
    after = [];
    margins.forEach((m, k) => {
      current = poststratifyStep('rake', current, indexes[k]!, m.targets);
      after.push(current);
    });
    const table = crossTable(current);
    let change = 0;
    for (let c = 0; c < table.length; c += 1) change = Math.max(change, Math.abs(table[c]! - before[c]!));
    before = table;
    if (change < tolerance) {
      return {
        weights: current,
        iterations: iteration,
        calibration: { kind: 'rake', margins: margins.map((m, k) => ({ groups: [...m.groups], weightsAfterStep: after[k]! })) },
      };
    }
  }
  throw problems.invalidInput(
    `rake: the weights did not converge in ${maxit} passes (tolerance ${tolerance}); the margins may contradict each other — check that their totals agree`,
  );
}
