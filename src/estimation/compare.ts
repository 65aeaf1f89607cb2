/**
 * A category (or merged category) of one group minus the same in another, on ONE pooled design
 * clustered by municipality — leaders and caseworkers of a municipality are correlated — as
 * `svyby(~I(x %in% cats), ~group, des, svymean, covmat = TRUE)` followed by
 * `svycontrast(..., c(1, -1))`. df = the pooled design's clusters with members of either group
 * minus strata; the p-value is two-sided from t with those df.
 */
import { problems } from '../errors.ts';
import { domainDf, totalsCovariance, type Design } from './design.ts';
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
  const N = design.n;
  const w = design.weights;
  const parts = [a, b].map((g) => {
    const inDomain = (i: number) => group[i] === g && values[i] !== null && values[i] !== undefined;
    let W = 0;
    let T = 0;
    for (let i = 0; i < N; i += 1) {
      if (!inDomain(i)) continue;
      W += w[i]!;
      if (wanted.has(values[i]!)) T += w[i]!;
    }
    if (W === 0) throw problems.invalidInput(`compareGroups: the group "${g}" has no rows with an answer`);
    const p = T / W;
    const x = new Float64Array(N);
    for (let i = 0; i < N; i += 1) if (inDomain(i)) x[i] = (w[i]! * ((wanted.has(values[i]!) ? 1 : 0) - p)) / W;
    return { p, x, inDomain };
  });
  const [pa, pb] = parts as [(typeof parts)[0], (typeof parts)[0]];
  const V = totalsCovariance(design, [pa.x, pb.x]);
  const variance = Math.max(V[0]![0]! + V[1]![1]! - 2 * V[0]![1]!, 0);
  const se = Math.sqrt(variance);
  const df = domainDf(design, (i) => pa.inDomain(i) || pb.inDomain(i));
  const estimate = pa.p - pb.p;
  const p = se === 0 ? (estimate === 0 ? 1 : 0) : df > 0 ? 2 * tCdf(-Math.abs(estimate / se), df) : NaN;
  return { a, b, estimateA: pa.p, estimateB: pb.p, estimate, se, df, p };
}
