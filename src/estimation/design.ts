/**
 * A survey design as `svydesign(ids = ~cluster, strata = ~strata, fpc = ~fpc, weights = ~w)`,
 * possibly calibrated (post-stratified or raked), and the linearised variance of estimated
 * totals as `svyrecvar` computes it (the formulas are in the README's "Estimation" section).
 */
import { problems } from '../errors.ts';
import type { Calibration } from '../weighting/index.ts';
import { asLevels, levelsOf, rowsOf, type Column } from '../levels.ts';

export interface DesignInput {
  weights: readonly number[];
  /** Cluster (PSU) of each row, e.g. the municipality (or the column already coded, see src/levels.ts). Default: every row its own cluster. */
  cluster?: Column;
  /** Stratum of each row, e.g. the region. Default: one stratum. */
  strata?: Column;
  /** Finite population correction: the number of clusters in the row's stratum's population. */
  fpc?: readonly number[];
  calibration?: Calibration;
}

export interface Design {
  readonly n: number;
  readonly weights: Float64Array;
  /** Row → cluster index (0…clusters−1); clusters are numbered within the design, nested in strata. */
  readonly clusterIndex: Int32Array;
  /** Cluster → stratum index. */
  readonly clusterStratum: Int32Array;
  readonly clusters: number;
  readonly strata: number;
  /** Per stratum: number of sampled clusters and the sampling fraction (0 without fpc). */
  readonly stratumClusters: Int32Array;
  readonly stratumFraction: Float64Array;
  readonly calibration?: Calibration;
  /**
   * Rows grouped into cells: rows of one cluster that the variance formula cannot tell apart
   * (without calibration a cell is a cluster; with it, the rows of a cluster that share every
   * calibration group and weight). Estimators sum a linearised column per cell (one pass over the
   * rows) and the calibration residuals are then computed on the cells — exactly the same
   * arithmetic as on rows, since every row of a cell is adjusted by the same amount.
   */
  readonly cells: Cells;
}

export interface Cells {
  readonly count: number;
  /** Row → cell. */
  readonly of: Int32Array;
  /** Cell → cluster. */
  readonly cluster: Int32Array;
  /** Rows per cell (calibrated designs only: the residuals need them). */
  readonly rows?: Float64Array;
  /** The calibration's per-cell groups and weights (absent without calibration). */
  readonly calibration?: CellCalibration;
}

type CellCalibration =
  | { kind: 'poststratify'; group: Int32Array; groups: number; psw: Float64Array; pre: Float64Array }
  | { kind: 'rake'; margins: { group: Int32Array; groups: number; psw: Float64Array }[] };

/**
 * Checks the input and builds the design. Weights must be finite and not negative; a zero weight
 * is allowed (the row counts for nothing, and a cluster whose rows all weigh 0 does not count in
 * the degrees of freedom, as in R). A stratum with one cluster cannot give a variance: error
 * (R's default `survey.lonely.psu = "fail"`). A cluster id in two strata is an error.
 */
export function makeDesign(input: DesignInput): Design {
  const n = input.weights.length;
  if (n === 0) throw problems.invalidInput('makeDesign: the design has no rows');
  for (const [name, column] of [['cluster', input.cluster], ['strata', input.strata]] as const) {
    if (column !== undefined && rowsOf(column) !== n) throw problems.invalidInput(`makeDesign: ${name} has ${rowsOf(column)} values for ${n} rows`);
  }
  if (input.fpc !== undefined && input.fpc.length !== n) throw problems.invalidInput(`makeDesign: fpc has ${input.fpc.length} values for ${n} rows`);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const w = input.weights[i]!;
    if (typeof w !== 'number' || !Number.isFinite(w)) throw problems.invalidInput(`makeDesign: the weight of row ${i + 1} is missing or not a number (${w})`);
    if (w < 0) throw problems.invalidInput(`makeDesign: the weight of row ${i + 1} is negative (${w})`);
    weights[i] = w;
  }

  // Strata and clusters numbered by first appearance; without clusters every row is its own.
  const strataLevels = input.strata === undefined ? undefined : asLevels(input.strata);
  const stratumOf = strataLevels?.of ?? new Int32Array(n);
  const strataNames = strataLevels?.levels ?? [''];
  const clusterLevels = input.cluster === undefined ? undefined : asLevels(input.cluster);
  const clusterIndex = clusterLevels ? clusterLevels.of : Int32Array.from({ length: n }, (_, i) => i);
  const clusters = clusterLevels ? clusterLevels.levels.length : n;
  const clusterStratum = new Int32Array(clusters).fill(-1);
  for (let i = 0; i < n; i += 1) {
    const c = clusterIndex[i]!;
    const h = stratumOf[i]!;
    if (clusterStratum[c] === -1) clusterStratum[c] = h;
    else if (clusterStratum[c] !== h) {
      throw problems.invalidInput(`makeDesign: cluster "${clusterLevels!.levels[c]}" appears in two strata; cluster ids must be nested in strata`);
    }
  }
  const strata = strataNames.length;
  const stratumClusters = new Int32Array(strata);
  for (let c = 0; c < clusters; c += 1) stratumClusters[clusterStratum[c]!]! += 1;
  stratumClusters.forEach((count, h) => {
    if (count < 2) {
      const name = input.strata ? `stratum "${strataNames[h]}"` : 'the design';
      throw problems.invalidInput(`makeDesign: ${name} has only one cluster, so no variance can be estimated (R: lonely PSU)`);
    }
  });

  const stratumFraction = new Float64Array(strata);
  if (input.fpc) {
    const popSize = new Array<number | undefined>(strata);
    for (let i = 0; i < n; i += 1) {
      const N = input.fpc[i]!;
      const h = clusterStratum[clusterIndex[i]!]!;
      if (!(Number.isFinite(N) && N > 0)) throw problems.invalidInput(`makeDesign: the fpc of row ${i + 1} must be a positive number of clusters, not ${N}`);
      if (popSize[h] !== undefined && popSize[h] !== N) throw problems.invalidInput(`makeDesign: the fpc differs within stratum "${strataNames[h]}"`);
      popSize[h] = N;
    }
    for (let h = 0; h < strata; h += 1) {
      const N = popSize[h]!;
      if (N < stratumClusters[h]!) throw problems.invalidInput(`makeDesign: stratum "${strataNames[h]}" has ${stratumClusters[h]} sampled clusters but an fpc of ${N}`);
      stratumFraction[h] = stratumClusters[h]! / N;
    }
  }
  const base = { n, weights, clusterIndex, clusterStratum, clusters, strata, stratumClusters, stratumFraction };
  if (input.calibration === undefined) {
    const cluster = new Int32Array(clusters);
    for (let c = 0; c < clusters; c += 1) cluster[c] = c;
    return { ...base, cells: { count: clusters, of: clusterIndex, cluster } };
  }
  const cal = input.calibration;
  for (const column of cal.kind === 'poststratify' ? [cal.groups, cal.preWeights] : cal.margins.flatMap((m) => [m.groups, m.weightsAfterStep])) {
    if (column.length !== n) throw problems.invalidInput(`makeDesign: the calibration has ${column.length} values for ${n} rows`);
  }
  return { ...base, calibration: cal, cells: calibrationCells(n, clusterIndex, weights, cal) };
}

/** Cells of a calibrated design: rows with the same cluster, calibration groups and weights. */
function calibrationCells(n: number, clusterIndex: Int32Array, weights: Float64Array, cal: Calibration): Cells {
  // What the residuals read of a row, besides its cluster: its group and weight(s) per calibration step.
  const steps =
    cal.kind === 'poststratify'
      ? [{ index: levelsOf(cal.groups), values: [weights, cal.preWeights] as const }]
      : cal.margins.map((m) => ({ index: levelsOf(m.groups), values: [m.weightsAfterStep] as const }));
  // A row joins the first cell of its cluster with the same group and weight(s) in every step
  // (compared as numbers; a cluster has few cells), else opens a new one.
  const cellsOfCluster = new Map<number, number[]>();
  const of = new Int32Array(n);
  const cluster: number[] = [];
  const rows: number[] = [];
  const firstRow: number[] = [];
  const sameCell = (i: number, j: number): boolean => {
    for (const step of steps) {
      if (step.index.of[i] !== step.index.of[j]) return false;
      for (const v of step.values) if (v[i] !== v[j]) return false;
    }
    return true;
  };
  for (let i = 0; i < n; i += 1) {
    const k = clusterIndex[i]!;
    let list = cellsOfCluster.get(k);
    if (!list) {
      list = [];
      cellsOfCluster.set(k, list);
    }
    let c = -1;
    for (const candidate of list) {
      if (sameCell(i, firstRow[candidate]!)) {
        c = candidate;
        break;
      }
    }
    if (c < 0) {
      c = cluster.length;
      list.push(c);
      cluster.push(k);
      rows.push(0);
      firstRow.push(i);
    }
    of[i] = c;
    rows[c]! += 1;
  }
  const groupOf = (step: (typeof steps)[number]) => Int32Array.from(firstRow, (i) => step.index.of[i]!);
  const valueOf = (column: ArrayLike<number>) => Float64Array.from(firstRow, (i) => column[i]!);
  const calibration: CellCalibration =
    cal.kind === 'poststratify'
      ? { kind: 'poststratify', group: groupOf(steps[0]!), groups: steps[0]!.index.levels.length, psw: valueOf(weights), pre: valueOf(cal.preWeights) }
      : { kind: 'rake', margins: steps.map((step, k) => ({ group: groupOf(step), groups: step.index.levels.length, psw: valueOf(cal.margins[k]!.weightsAfterStep) })) };
  return { count: cluster.length, of, cluster: Int32Array.from(cluster), rows: Float64Array.from(rows), calibration };
}


/** Degrees of freedom of a domain: the clusters marked 2 (they have a domain member with non-zero weight) minus the strata they are in. */
export function dfFromClusters(design: Design, mark: Uint8Array): number {
  const seenStratum = new Uint8Array(design.strata);
  let clusters = 0;
  let strata = 0;
  for (let c = 0; c < design.clusters; c += 1) {
    if (mark[c] !== 2) continue;
    clusters += 1;
    const h = design.clusterStratum[c]!;
    if (!seenStratum[h]) {
      seenStratum[h] = 1;
      strata += 1;
    }
  }
  return clusters - strata;
}

/**
 * The calibration residuals of svyrecvar, on cell totals (each cell's rows share group and
 * weights, so every row of a cell is adjusted by the same amount; only totals are needed).
 * Post-stratification: x_i − psw_i · Σ_g(x_j·oldw_j/psw_j) / Σ_g oldw_j.
 * Raking: 10 rounds of x ← x − psw_k · ave(x/psw_k, margin k), unweighted means (R does exactly 10).
 */
function adjustCells(cells: Cells, totals: Float64Array): Float64Array {
  const cal = cells.calibration;
  if (!cal) return totals;
  const K = cells.count;
  const rows = cells.rows!;
  const out = Float64Array.from(totals);
  if (cal.kind === 'poststratify') {
    const sums = new Float64Array(cal.groups);
    const oldSum = new Float64Array(cal.groups);
    for (let c = 0; c < K; c += 1) {
      const w = cal.psw[c] === 0 && cal.pre[c] === 0 ? 1 : cal.psw[c]!;
      sums[cal.group[c]!]! += (out[c]! * cal.pre[c]!) / w;
      oldSum[cal.group[c]!]! += rows[c]! * cal.pre[c]!;
    }
    for (let c = 0; c < K; c += 1) out[c] = out[c]! - rows[c]! * (sums[cal.group[c]!]! / oldSum[cal.group[c]!]!) * cal.psw[c]!;
    return out;
  }
  const counts = cal.margins.map((m) => {
    const k = new Float64Array(m.groups);
    for (let c = 0; c < K; c += 1) k[m.group[c]!]! += rows[c]!;
    return k;
  });
  for (let round = 0; round < 10; round += 1) {
    cal.margins.forEach((m, j) => {
      const sums = new Float64Array(m.groups);
      for (let c = 0; c < K; c += 1) sums[m.group[c]!]! += out[c]! / m.psw[c]!;
      const count = counts[j]!;
      for (let c = 0; c < K; c += 1) out[c] = out[c]! - rows[c]! * m.psw[c]! * (sums[m.group[c]!]! / count[m.group[c]!]!);
    });
  }
  return out;
}


/**
 * Covariance matrix of the estimated totals of the columns `x` (each of length n; x_i is the
 * row's linearised contribution, e.g. w_i(y_i − p̂)/W, and 0 outside a domain):
 * V = Σ_h (1 − f_h) · C_h/(C_h − 1) · Σ_{c∈h} (X_c − X̄_h)(X_c − X̄_h)ᵀ.
 */
export function totalsCovariance(design: Design, x: Float64Array[]): number[][] {
  const { cells } = design;
  return cellTotalsCovariance(
    design,
    x.map((col) => {
      const totals = new Float64Array(cells.count);
      for (let i = 0; i < design.n; i += 1) totals[cells.of[i]!]! += col[i]!;
      return totals;
    }),
  );
}

/** The same from per-cell totals of each column (`design.cells`): calibration residuals, then cluster totals. */
export function cellTotalsCovariance(design: Design, cellTotals: Float64Array[]): number[][] {
  const { cells } = design;
  return clusterTotalsCovariance(
    design,
    cellTotals.map((totals) => {
      const adjusted = adjustCells(cells, totals);
      const clusterTotals = new Float64Array(design.clusters);
      for (let c = 0; c < cells.count; c += 1) clusterTotals[cells.cluster[c]!]! += adjusted[c]!;
      return clusterTotals;
    }),
  );
}

/** The same from per-cluster totals X_c of each column (calibration residuals already applied). */
export function clusterTotalsCovariance(design: Design, clusterTotals: Float64Array[]): number[][] {
  const k = clusterTotals.length;
  const C = design.clusters;
  const H = design.strata;
  const means = clusterTotals.map((totals) => {
    const m = new Float64Array(H);
    for (let c = 0; c < C; c += 1) m[design.clusterStratum[c]!]! += totals[c]!;
    for (let h = 0; h < H; h += 1) m[h]! /= design.stratumClusters[h]!;
    return m;
  });
  const scale = new Float64Array(H);
  for (let h = 0; h < H; h += 1) {
    const ch = design.stratumClusters[h]!;
    scale[h] = ((1 - design.stratumFraction[h]!) * ch) / (ch - 1);
  }
  const V: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let a = 0; a < k; a += 1) {
    for (let b = a; b < k; b += 1) {
      let sum = 0;
      for (let c = 0; c < C; c += 1) {
        const h = design.clusterStratum[c]!;
        sum += scale[h]! * (clusterTotals[a]![c]! - means[a]![h]!) * (clusterTotals[b]![c]! - means[b]![h]!);
      }
      V[a]![b] = sum;
      V[b]![a] = sum;
    }
  }
  return V;
}
