/**
 * A survey design as `svydesign(ids = ~cluster, strata = ~strata, fpc = ~fpc, weights = ~w)`,
 * possibly calibrated (post-stratified or raked), and the linearised variance of estimated
 * totals as `svyrecvar` computes it (../../../shared/statistics-notes.md §1).
 */
import { problems } from '../errors.ts';
import type { Calibration } from '../weighting/index.ts';

export interface DesignInput {
  weights: readonly number[];
  /** Cluster (PSU) of each row, e.g. the municipality. Default: every row its own cluster. */
  cluster?: readonly string[];
  /** Stratum of each row, e.g. the region. Default: one stratum. */
  strata?: readonly string[];
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
}

/**
 * Checks the input and builds the design. Weights must be finite and not negative; a zero weight
 * is allowed (the row counts for nothing, and a cluster whose rows all weigh 0 does not count in
 * the degrees of freedom, as in R). A stratum with one cluster cannot give a variance: error
 * (R's default `survey.lonely.psu = "fail"`). A cluster id in two strata is an error.
 */
export function makeDesign(input: DesignInput): Design {
  const n = input.weights.length;
  if (n === 0) throw problems.invalidInput('makeDesign: the design has no rows');
  for (const [name, column] of [['cluster', input.cluster], ['strata', input.strata], ['fpc', input.fpc]] as const) {
    if (column !== undefined && column.length !== n) throw problems.invalidInput(`makeDesign: ${name} has ${column.length} values for ${n} rows`);
  }
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const w = input.weights[i]!;
    if (typeof w !== 'number' || !Number.isFinite(w)) throw problems.invalidInput(`makeDesign: the weight of row ${i + 1} is missing or not a number (${w})`);
    if (w < 0) throw problems.invalidInput(`makeDesign: the weight of row ${i + 1} is negative (${w})`);
    weights[i] = w;
  }

  const strataIds = new Map<string, number>();
  const clusterIds = new Map<string, number>();
  const clusterStratumList: number[] = [];
  const clusterIndex = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    let h = 0;
    if (input.strata) {
      const s = input.strata[i]!;
      let known = strataIds.get(s);
      if (known === undefined) {
        known = strataIds.size;
        strataIds.set(s, known);
      }
      h = known;
    } else if (strataIds.size === 0) strataIds.set('', 0);
    const cKey = input.cluster ? input.cluster[i]! : `\u0000row${i}`;
    let c = clusterIds.get(cKey);
    if (c === undefined) {
      c = clusterIds.size;
      clusterIds.set(cKey, c);
      clusterStratumList.push(h);
    } else if (clusterStratumList[c] !== h) {
      throw problems.invalidInput(`makeDesign: cluster "${cKey}" appears in two strata; cluster ids must be nested in strata`);
    }
    clusterIndex[i] = c;
  }
  const strata = strataIds.size;
  const clusters = clusterIds.size;
  const clusterStratum = Int32Array.from(clusterStratumList);
  const stratumClusters = new Int32Array(strata);
  for (let c = 0; c < clusters; c += 1) stratumClusters[clusterStratum[c]!]! += 1;
  const stratumNames = [...strataIds.keys()];
  stratumClusters.forEach((count, h) => {
    if (count < 2) {
      const name = input.strata ? `stratum "${stratumNames[h]}"` : 'the design';
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
      if (popSize[h] !== undefined && popSize[h] !== N) throw problems.invalidInput(`makeDesign: the fpc differs within stratum "${stratumNames[h]}"`);
      popSize[h] = N;
    }
    for (let h = 0; h < strata; h += 1) {
      const N = popSize[h]!;
      if (N < stratumClusters[h]!) throw problems.invalidInput(`makeDesign: stratum "${stratumNames[h]}" has ${stratumClusters[h]} sampled clusters but an fpc of ${N}`);
      stratumFraction[h] = stratumClusters[h]! / N;
    }
  }
  return input.calibration === undefined
    ? { n, weights, clusterIndex, clusterStratum, clusters, strata, stratumClusters, stratumFraction }
    : { n, weights, clusterIndex, clusterStratum, clusters, strata, stratumClusters, stratumFraction, calibration: input.calibration };
}

/** Degrees of freedom of the design restricted to the rows in `inDomain`: clusters with a member (and weight) minus strata with one. */
export function domainDf(design: Design, inDomain: (i: number) => boolean): number {
  const seenCluster = new Uint8Array(design.clusters);
  const seenStratum = new Uint8Array(design.strata);
  let clusters = 0;
  let strata = 0;
  for (let i = 0; i < design.n; i += 1) {
    if (!inDomain(i) || design.weights[i] === 0) continue;
    const c = design.clusterIndex[i]!;
    if (!seenCluster[c]) {
      seenCluster[c] = 1;
      clusters += 1;
      const h = design.clusterStratum[c]!;
      if (!seenStratum[h]) {
        seenStratum[h] = 1;
        strata += 1;
      }
    }
  }
  return clusters - strata;
}

/** Group means used by the calibration adjustments, per column. */
function adjustForCalibration(design: Design, x: Float64Array[]): Float64Array[] {
  const cal = design.calibration;
  if (!cal) return x;
  const n = design.n;
  if (cal.kind === 'poststratify') {
    // x_i − psw_i · Σ_g(x_j·oldw_j/psw_j) / Σ_g oldw_j  (svyrecvar, postStrata)
    const psw = design.weights;
    const groupIndex = indexOf(cal.groups);
    const groups = groupIndex.count;
    const oldSum = new Float64Array(groups);
    for (let i = 0; i < n; i += 1) oldSum[groupIndex.of[i]!]! += cal.preWeights[i]!;
    return x.map((col) => {
      const sums = new Float64Array(groups);
      for (let i = 0; i < n; i += 1) {
        const w = psw[i] === 0 && cal.preWeights[i] === 0 ? 1 : psw[i]!;
        sums[groupIndex.of[i]!]! += (col[i]! * cal.preWeights[i]!) / w;
      }
      const out = new Float64Array(n);
      for (let i = 0; i < n; i += 1) out[i] = col[i]! - (sums[groupIndex.of[i]!]! / oldSum[groupIndex.of[i]!]!) * psw[i]!;
      return out;
    });
  }
  // raking: 10 rounds of x ← x − psw_k · ave(x/psw_k, margin k), unweighted means (svyrecvar)
  const margins = cal.margins.map((m) => ({ index: indexOf(m.groups), psw: m.weightsAfterStep }));
  return x.map((col) => {
    const out = Float64Array.from(col);
    // R does exactly 10 rounds; once a round changes nothing (e.g. one margin: from round 2 on)
    // the remaining rounds are no-ops and are skipped.
    for (let round = 0; round < 10; round += 1) {
      let change = 0;
      let size = 0;
      for (const m of margins) {
        const sums = new Float64Array(m.index.count);
        const counts = new Float64Array(m.index.count);
        for (let i = 0; i < n; i += 1) {
          sums[m.index.of[i]!]! += out[i]! / m.psw[i]!;
          counts[m.index.of[i]!]! += 1;
        }
        for (let i = 0; i < n; i += 1) {
          const delta = m.psw[i]! * (sums[m.index.of[i]!]! / counts[m.index.of[i]!]!);
          out[i] = out[i]! - delta;
          change = Math.max(change, Math.abs(delta));
          size = Math.max(size, Math.abs(out[i]!));
        }
      }
      if (round > 0 && change <= 1e-17 * size) break;
    }
    return out;
  });
}

function indexOf(values: readonly string[]): { of: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const of = new Int32Array(values.length);
  values.forEach((v, i) => {
    let k = ids.get(v);
    if (k === undefined) {
      k = ids.size;
      ids.set(v, k);
    }
    of[i] = k;
  });
  return { of, count: ids.size };
}

/**
 * Covariance matrix of the estimated totals of the columns `x` (each of length n; x_i is the
 * row's linearised contribution, e.g. w_i(y_i − p̂)/W, and 0 outside a domain):
 * V = Σ_h (1 − f_h) · C_h/(C_h − 1) · Σ_{c∈h} (X_c − X̄_h)(X_c − X̄_h)ᵀ.
 */
export function totalsCovariance(design: Design, x: Float64Array[]): number[][] {
  const cols = adjustForCalibration(design, x);
  const C = design.clusters;
  const clusterTotals = cols.map((col) => {
    const totals = new Float64Array(C);
    for (let i = 0; i < design.n; i += 1) totals[design.clusterIndex[i]!]! += col[i]!;
    return totals;
  });
  return clusterTotalsCovariance(design, clusterTotals);
}

/** The same from per-cluster totals X_c of each column (the fast path when there is no calibration). */
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
