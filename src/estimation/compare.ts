/**
 * A category (or merged category) of one group minus the same in another, on ONE pooled design
 * clustered by municipality — leaders and caseworkers of a municipality are correlated — as
 * `svyby(~I(x %in% cats), ~group, des, svymean, covmat = TRUE)` followed by
 * `svycontrast(..., c(1, -1))`. df = the pooled design's clusters with members of either group
 * minus strata; the p-value is two-sided from t with those df.
 */
import { problems } from '../errors.ts';
import { cellTotalsCovariance, dfFromClusters, type Design } from './design.ts';
import { tCdf } from './quantiles.ts';

export interface GroupDifference {
  a: string;
  b: string;
  estimateA: number;
  estimateB: number;
  /** estimateA − estimateB */
  estimate: number;
  se: number;
  df: number;
  p: number;
}

export function compareGroups(
  design: Design,
  values: readonly (string | null | undefined)[],
  group: readonly (string | null | undefined)[],
  a: string,
  b: string,
  categories: readonly string[],
): GroupDifference {
  if (values.length !== design.n || group.length !== design.n) throw problems.invalidInput('compareGroups: values and group must have one entry per design row');
  if (a === b) throw problems.invalidInput('compareGroups: compare two different groups');
  const wanted = new Set(categories);
  const side = new Int8Array(design.n);
  const y = new Uint8Array(design.n);
  for (let i = 0; i < design.n; i += 1) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    side[i] = group[i] === a ? 1 : group[i] === b ? 2 : 0;
    y[i] = wanted.has(v) ? 1 : 0;
  }
  return compareCoded(design, side, y, a, b);
}

/**
 * The same on coded rows: `side[i]` is 1 for a row of group a in the domain, 2 for group b, 0
 * otherwise (no answer, other group); `y[i]` is 1 when the row's answer is one of the categories.
 */
export function compareCoded(design: Design, side: Int8Array, y: Uint8Array, a: string, b: string): GroupDifference {
  if (side.length !== design.n || y.length !== design.n) throw problems.invalidInput('compareCoded: side and y must have one entry per design row');
  const K = design.cells.count;
  const of = design.cells.of;
  const w = design.weights;
  // Σ w and Σ w·y per (side, cell); side 0 (outside the domain) is summed too and never read, so
  // the loop has no data-dependent branch (rows of the two sides come in no order).
  const S = new Float64Array(3 * K);
  const T = new Float64Array(3 * K);
  for (let i = 0; i < design.n; i += 1) {
    const s = side[i]!;
    const yi = y[i]!;
    if (s < 0 || s > 2 || yi > 1) throw problems.invalidInput(`compareCoded: row ${i + 1} has side ${s} and y ${yi} (side must be 0, 1 or 2 and y 0 or 1)`);
    const at = s * K + of[i]!;
    const wi = w[i]!;
    S[at]! += wi;
    T[at]! += wi * yi;
  }
  // A cluster counts for df when a row of either side in it has a non-zero weight (weights are never negative).
  const mark = new Uint8Array(design.clusters);
  for (let c = 0; c < K; c += 1) if (S[K + c]! > 0 || S[2 * K + c]! > 0) mark[design.cells.cluster[c]!] = 2;
  const names = [a, b];
  const parts = [0, 1].map((s) => {
    const St = S.subarray((s + 1) * K, (s + 2) * K);
    const Tt = T.subarray((s + 1) * K, (s + 2) * K);
    let W = 0;
    let Y = 0;
    for (let c = 0; c < K; c += 1) {
      W += St[c]!;
      Y += Tt[c]!;
    }
    if (W === 0) throw problems.invalidInput(`compareGroups: the group "${names[s]}" has no rows with an answer`);
    const p = Y / W;
    const x = new Float64Array(K);
    for (let c = 0; c < K; c += 1) x[c] = (Tt[c]! - p * St[c]!) / W;
    return { p, x };
  });
  const [pa, pb] = parts as [(typeof parts)[0], (typeof parts)[0]];
  const V = cellTotalsCovariance(design, [pa.x, pb.x]);
  const variance = Math.max(V[0]![0]! + V[1]![1]! - 2 * V[0]![1]!, 0);
  const se = Math.sqrt(variance);
  const df = dfFromClusters(design, mark);
  const estimate = pa.p - pb.p;
  const p = se === 0 ? (estimate === 0 ? 1 : 0) : df > 0 ? 2 * tCdf(-Math.abs(estimate / se), df) : NaN;
  return { a, b, estimateA: pa.p, estimateB: pb.p, estimate, se, df, p };
}
