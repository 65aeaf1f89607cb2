/**
 * Design-based proportions of a categorical variable, overall or in a domain, as R's survey
 * package gives them: `svymean(~x, subset(des, domain))` for estimate and SE, `svyciprop` for the
 * CI (`xlogit` closed form by default, Wald-t, Korn–Graubard `beta`), `deff = "replace"`, Kish.
 *
 * Domains keep the full design: rows outside the domain contribute zeros, a cluster without
 * domain members still counts in the variance, and df = clusters with domain members − strata
 * (R's `subset()` route). Rows whose value is missing (null) are outside the domain (as
 * `na.rm = TRUE`, which R implements as the same subset).
 *
 * p̂ = 0 or 1 (SE 0): R's logit and beta give NaN. praksis's documented rule: the exact
 * (Clopper–Pearson) bound for 0 (or n) successes out of n = the domain's Kish effective sample
 * size, i.e. [0, 1 − (α/2)^(1/n_eff)] for p̂ = 0 and [(α/2)^(1/n_eff), 1] for p̂ = 1, for every method.
 */
import { problems } from '../errors.ts';
import { clusterTotalsCovariance, domainDf, totalsCovariance, type Design } from './design.ts';
import { betaQuantile, tQuantile } from './quantiles.ts';

export type CiMethod = 'logit' | 'wald' | 'beta';

export interface CategoryEstimate {
  category: string;
  /** Unweighted number of domain rows in the category. */
  n: number;
  /** Weighted total of the category (Σ w over its rows). */
  total: number;
  estimate: number;
  se: number;
  df: number;
  ciLow: number;
  ciHigh: number;
  /** Design effect as `deff = "replace"`; NaN when the category is never or always observed. */
  deff: number;
}

export interface Summary {
  /** Rows in the domain. */
  n: number;
  /** Clusters with domain members. */
  clusters: number;
  df: number;
  sumWeights: number;
  /** Kish effective sample size (Σw)²/Σw² over the domain. */
  kishNeff: number;
  /** Kish design effect of weighting n·Σw²/(Σw)². */
  kishDeff: number;
}

export interface Combined {
  name: string;
  categories: readonly string[];
}

export interface EstimateOptions {
  /** The categories in order; a value outside them is an error. Default: the values seen, sorted. */
  categories?: readonly string[];
  /** Rows in the domain (default all). */
  domain?: readonly boolean[];
  /** Merged categories, estimated exactly (their own indicator, so covariances are included). */
  combined?: readonly Combined[];
  ci?: CiMethod;
  /** Confidence level, default 0.95. */
  level?: number;
}

export interface CategoricalResult {
  summary: Summary;
  categories: CategoryEstimate[];
  combined: CategoryEstimate[];
  /** Covariance matrix of the category proportions (categories, then combined), for contrasts. */
  covariance: number[][];
}

/** One 0/1 column per estimate (1 = the row counts for it); only domain rows are looked at. */
export interface Indicator {
  name: string;
  /** The row indicator; needed for calibrated designs (row-level residuals). */
  y?: Uint8Array;
  /** Precomputed per-cluster weighted totals of domain rows with y = 1, their sum and count (fast path). */
  clusterTotals?: Float64Array;
  total?: number;
  count?: number;
}

/**
 * The engine: proportions of several 0/1 indicators within one domain (`member[i] = 1`), with
 * their covariance. `estimateCategorical` and `estimateMulti` are thin front ends. Without
 * calibration the linearised totals are summed per cluster directly
 * (Z_ck = (T_ck − p_k·S_c)/W), so the cost is one pass over the rows per indicator.
 */
export function estimateIndicators(
  design: Design,
  member: Uint8Array,
  indicators: readonly Indicator[],
  options: { ci?: CiMethod; level?: number } = {},
): { summary: Summary; estimates: CategoryEstimate[]; covariance: number[][] } {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw problems.invalidInput(`the confidence level must be between 0 and 1, not ${level}`);
  const method = options.ci ?? 'logit';
  const { n: N, weights, clusterIndex } = design;
  const C = design.clusters;
  let n = 0;
  let W = 0;
  let W2 = 0;
  const S = new Float64Array(C);
  const clusterSeen = new Uint8Array(C);
  let clusters = 0;
  for (let i = 0; i < N; i += 1) {
    if (!member[i]) continue;
    const w = weights[i]!;
    const c = clusterIndex[i]!;
    n += 1;
    W += w;
    W2 += w * w;
    S[c]! += w;
    if (!clusterSeen[c]) {
      clusterSeen[c] = 1;
      clusters += 1;
    }
  }
  if (n === 0) throw problems.invalidInput('the domain is empty: no row has an answer in it, so there is nothing to estimate');
  if (W === 0) throw problems.invalidInput('every row of the domain has weight 0, so there is nothing to estimate');
  const df = domainDf(design, (i) => member[i] === 1);
  const kishNeff = (W * W) / W2;
  const summary: Summary = { n, clusters, df, sumWeights: W, kishNeff, kishDeff: (n * W2) / (W * W) };

  const totals: number[] = [];
  const counts: number[] = [];
  const clusterT: Float64Array[] = [];
  for (const ind of indicators) {
    if (ind.clusterTotals && ind.total !== undefined && ind.count !== undefined && !design.calibration) {
      clusterT.push(ind.clusterTotals);
      totals.push(ind.total);
      counts.push(ind.count);
      continue;
    }
    const y = ind.y;
    if (!y) throw new Error('estimateIndicators: an indicator needs its row values');
    const T = new Float64Array(C);
    let total = 0;
    let count = 0;
    for (let i = 0; i < N; i += 1) {
      if (member[i] && y[i]) {
        const w = weights[i]!;
        T[clusterIndex[i]!]! += w;
        total += w;
        count += 1;
      }
    }
    clusterT.push(T);
    totals.push(total);
    counts.push(count);
  }
  const p = totals.map((t) => t / W);
  let covariance: number[][];
  if (design.calibration) {
    const x = indicators.map(({ y }, k) => {
      if (!y) throw new Error('estimateIndicators: a calibrated design needs row values');
      const col = new Float64Array(N);
      const pk = p[k]!;
      for (let i = 0; i < N; i += 1) if (member[i]) col[i] = (weights[i]! * (y[i]! - pk)) / W;
      return col;
    });
    covariance = totalsCovariance(design, x);
  } else {
    covariance = clusterTotalsCovariance(
      design,
      clusterT.map((T, k) => {
        const Z = new Float64Array(C);
        const pk = p[k]!;
        for (let c = 0; c < C; c += 1) Z[c] = (T[c]! - pk * S[c]!) / W;
        return Z;
      }),
    );
  }
  const alpha = 1 - level;
  const t = df > 0 ? tQuantile(1 - alpha / 2, df) : NaN;
  const estimates = indicators.map((ind, k): CategoryEstimate => {
    const pk = p[k]!;
    const variance = Math.max(covariance[k]![k]!, 0);
    const se = Math.sqrt(variance);
    // deff = "replace": V / (s²/n), s² = n/(n−1) · Σ w (y − p̂)² / W, and Σ w (y − p̂)² = T(1 − 2p̂) + p̂²W
    const ss = totals[k]! * (1 - 2 * pk) + pk * pk * W;
    const vSrs = ((n / (n - 1)) * (ss / W)) / n;
    const deff = vSrs > 0 ? variance / vSrs : NaN;
    const [ciLow, ciHigh] = confidenceInterval(pk, se, df, t, alpha, method, n, kishNeff);
    return { category: ind.name, n: counts[k]!, total: totals[k]!, estimate: pk, se, df, ciLow, ciHigh, deff };
  });
  return { summary, estimates, covariance };
}

function confidenceInterval(p: number, se: number, df: number, t: number, alpha: number, method: CiMethod, n: number, kishNeff: number): [number, number] {
  if (p <= 0 || p >= 1 || se === 0) {
    // Documented rule (R gives NaN): exact bound for 0 or all successes among n_eff.
    const bound = Math.pow(alpha / 2, 1 / kishNeff);
    if (p <= 0) return [0, 1 - bound];
    if (p >= 1) return [bound, 1];
  }
  if (!(df > 0)) return [NaN, NaN];
  if (method === 'wald') return [p - t * se, p + t * se];
  if (method === 'logit') {
    const centre = Math.log(p / (1 - p));
    const half = (t * se) / (p * (1 - p));
    return [expit(centre - half), expit(centre + half)];
  }
  // Korn–Graubard: effective n scaled by (t_{n−1}/t_df)², then Clopper–Pearson-like beta bounds.
  const ratio = n > 1 ? (tQuantile(alpha / 2, n - 1) / tQuantile(alpha / 2, df)) ** 2 : 1;
  const nStar = ((p * (1 - p)) / (se * se)) * ratio;
  return [betaQuantile(alpha / 2, nStar * p, nStar * (1 - p) + 1), betaQuantile(1 - alpha / 2, nStar * p + 1, nStar * (1 - p))];
}

function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Proportions of each category of `values` in the domain, plus merged categories.
 *
 * @example estimateCategorical(makeDesign({ weights, cluster }), answers, { categories: ['altid', 'naesten_altid'] })
 */
export function estimateCategorical(design: Design, values: readonly (string | null | undefined)[], options: EstimateOptions = {}): CategoricalResult {
  if (values.length !== design.n) throw problems.invalidInput(`estimateCategorical: ${values.length} values for a design of ${design.n} rows`);
  const domain = options.domain;
  if (domain && domain.length !== design.n) throw problems.invalidInput(`estimateCategorical: the domain has ${domain.length} values for ${design.n} rows`);
  const seen = new Map<string, number>();
  const code = new Int32Array(design.n).fill(-1);
  const member = new Uint8Array(design.n);
  for (let i = 0; i < design.n; i += 1) {
    const v = values[i];
    if (v === null || v === undefined || (domain && domain[i] !== true)) continue;
    member[i] = 1;
    let k = seen.get(v);
    if (k === undefined) {
      k = seen.size;
      seen.set(v, k);
    }
    code[i] = k;
  }
  const categories = options.categories ?? [...seen.keys()].sort();
  const known = new Set(categories);
  for (const v of seen.keys()) if (!known.has(v)) throw problems.invalidInput(`the value "${v}" is not one of the categories (${categories.join(', ')})`);
  for (const c of options.combined ?? []) {
    for (const m of c.categories) if (!known.has(m)) throw problems.invalidInput(`the combined category "${c.name}" refers to "${m}", which is not a category`);
  }
  const groups = [...categories.map((c) => ({ name: c, members: [c] })), ...(options.combined ?? []).map((c) => ({ name: c.name, members: c.categories }))];
  let indicators: Indicator[];
  if (design.calibration) {
    indicators = groups.map((g) => {
      const codes = new Uint8Array(seen.size);
      for (const m of g.members) if (seen.has(m)) codes[seen.get(m)!] = 1;
      const y = new Uint8Array(design.n);
      for (let i = 0; i < design.n; i += 1) if (code[i]! >= 0 && codes[code[i]!]) y[i] = 1;
      return { name: g.name, y };
    });
  } else {
    // One pass: per seen value, per cluster weighted totals; categories and merges add them up.
    const C = design.clusters;
    const byCode = Array.from({ length: seen.size }, () => new Float64Array(C));
    const countByCode = new Float64Array(seen.size);
    for (let i = 0; i < design.n; i += 1) {
      const k = code[i]!;
      if (k < 0) continue;
      byCode[k]![design.clusterIndex[i]!]! += design.weights[i]!;
      countByCode[k]! += 1;
    }
    indicators = groups.map((g) => {
      const clusterTotals = new Float64Array(C);
      let count = 0;
      for (const m of g.members) {
        const k = seen.get(m);
        if (k === undefined) continue;
        const t = byCode[k]!;
        for (let c = 0; c < C; c += 1) clusterTotals[c]! += t[c]!;
        count += countByCode[k]!;
      }
      let total = 0;
      for (let c = 0; c < C; c += 1) total += clusterTotals[c]!;
      return { name: g.name, clusterTotals, total, count };
    });
  }
  const result = estimateIndicators(design, member, indicators, options);
  return {
    summary: result.summary,
    categories: result.estimates.slice(0, categories.length),
    combined: result.estimates.slice(categories.length),
    covariance: result.covariance,
  };
}

/**
 * A multi-select question: the share choosing each option, base = the rows in the domain that
 * were shown the question (`selections[i]` is null when row i was not shown it).
 */
export function estimateMulti(
  design: Design,
  selections: readonly (readonly string[] | null | undefined)[],
  options: { options: readonly string[]; domain?: readonly boolean[]; ci?: CiMethod; level?: number },
): { summary: Summary; options: CategoryEstimate[] } {
  if (selections.length !== design.n) throw problems.invalidInput(`estimateMulti: ${selections.length} values for a design of ${design.n} rows`);
  const known = new Set(options.options);
  selections.forEach((s) => s?.forEach((code) => {
    if (!known.has(code)) throw problems.invalidInput(`the option "${code}" is not one of ${options.options.join(', ')}`);
  }));
  const member = new Uint8Array(design.n);
  const ys = options.options.map(() => new Uint8Array(design.n));
  const index = new Map(options.options.map((o, k) => [o, k]));
  for (let i = 0; i < design.n; i += 1) {
    const chosen = selections[i];
    if (chosen === null || chosen === undefined || (options.domain && options.domain[i] !== true)) continue;
    member[i] = 1;
    for (const code of chosen) ys[index.get(code)!]![i] = 1;
  }
  const result = estimateIndicators(design, member, options.options.map((o, k) => ({ name: o, y: ys[k]! })), options);
  return { summary: result.summary, options: result.estimates };
}
