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
  const T = [new Float64Array(K), new Float64Array(K)] as const;
  const S = [new Float64Array(K), new Float64Array(K)] as const;
  const W = [0, 0];
  const Y = [0, 0];
  const mark = new Uint8Array(design.clusters);
  for (let i = 0; i < design.n; i += 1) {
    const s = side[i]! - 1;
    if (s < 0) continue;
    if (w[i] !== 0) mark[design.clusterIndex[i]!] = 2;
    const c = of[i]!;
    S[s]![c]! += w[i]!;
    W[s]! += w[i]!;
    if (y[i]) {
      T[s]![c]! += w[i]!;
      Y[s]! += w[i]!;
    }
  }
  const names = [a, b];
  const parts = [0, 1].map((s) => {
    if (W[s] === 0) throw problems.invalidInput(`compareGroups: the group "${names[s]}" has no rows with an answer`);
    const p = Y[s]! / W[s]!;
    const x = new Float64Array(K);
    for (let c = 0; c < K; c += 1) x[c] = (T[s]![c]! - p * S[s]![c]!) / W[s]!;
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
