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
import { cellTotalsCovariance, dfFromClusters, type Design } from './design.ts';
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

/** One 0/1 indicator per estimate, as weighted totals of its domain rows per cell of the design. */
export interface Indicator {
  name: string;
  /** Per cell (`design.cells`): Σ w over domain rows with the indicator 1. */
  cellTotals: Float64Array;
  /** Σ w over domain rows with the indicator 1. */
  total: number;
  /** Number of domain rows with the indicator 1. */
  count: number;
}

/**
 * A domain as the estimators need it, summed per cell of the design in the same pass over the
 * rows as the indicators (see `tally`): the rows (`member[i] = 1`) are then never read again.
 */
export interface DomainTotals {
  /** Per cell: Σ w over its domain rows. */
  S: Float64Array;
  /** Per cell: number of domain rows. */
  rows: Float64Array;
  /** Σ w² over the domain rows (Kish). */
  W2: number;
}

/**
 * The engine: proportions of several 0/1 indicators within one domain, with their covariance.
 * `estimateCategorical` and `estimateMulti` are thin front ends. The linearised totals are summed
 * per cell directly (Z_ck = (T_ck − p_k·S_c)/W), so after the one pass over the rows that made the
 * indicators and the domain totals everything works on cells (clusters, or calibration cells).
 */
export function estimateIndicators(
  design: Design,
  domain: DomainTotals,
  indicators: readonly Indicator[],
  options: { ci?: CiMethod; level?: number } = {},
): { summary: Summary; estimates: CategoryEstimate[]; covariance: number[][] } {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw problems.invalidInput(`the confidence level must be between 0 and 1, not ${level}`);
  const method = options.ci ?? 'logit';
  const { cells } = design;
  const { S, W2 } = domain;
  let n = 0;
  let W = 0;
  // 1 = the cluster has a domain member, 2 = also one with a non-zero weight (counts for df);
  // weights are never negative, so a cell's Σ w > 0 exactly when one of its rows weighs something.
  const clusterSeen = new Uint8Array(design.clusters);
  let clusters = 0;
  for (let c = 0; c < cells.count; c += 1) {
    const rows = domain.rows[c]!;
    if (rows === 0) continue;
    n += rows;
    W += S[c]!;
    const k = cells.cluster[c]!;
    if (clusterSeen[k] === 0) clusters += 1;
    if (S[c]! > 0) clusterSeen[k] = 2;
    else if (clusterSeen[k] === 0) clusterSeen[k] = 1;
  }
  if (n === 0) throw problems.invalidInput('the domain is empty: no row has an answer in it, so there is nothing to estimate');
  if (W === 0) throw problems.invalidInput('every row of the domain has weight 0, so there is nothing to estimate');
  const df = dfFromClusters(design, clusterSeen);
  const kishNeff = (W * W) / W2;
  const summary: Summary = { n, clusters, df, sumWeights: W, kishNeff, kishDeff: (n * W2) / (W * W) };

  const p = indicators.map((ind) => ind.total / W);
  const covariance = cellTotalsCovariance(
    design,
    indicators.map((ind, k) => {
      const Z = new Float64Array(cells.count);
      const pk = p[k]!;
      for (let c = 0; c < cells.count; c += 1) Z[c] = (ind.cellTotals[c]! - pk * S[c]!) / W;
      return Z;
    }),
  );
  const alpha = 1 - level;
  const t = df > 0 ? tQuantile(1 - alpha / 2, df) : NaN;
  const estimates = indicators.map((ind, k): CategoryEstimate => {
    const pk = p[k]!;
    const variance = Math.max(covariance[k]![k]!, 0);
    const se = Math.sqrt(variance);
    // deff = "replace": V / (s²/n), s² = n/(n−1) · Σ w (y − p̂)² / W, and Σ w (y − p̂)² = T(1 − 2p̂) + p̂²W
    const ss = ind.total * (1 - 2 * pk) + pk * pk * W;
    const vSrs = ((n / (n - 1)) * (ss / W)) / n;
    const deff = vSrs > 0 ? variance / vSrs : NaN;
    const [ciLow, ciHigh] = confidenceInterval(pk, se, df, t, alpha, method, n, kishNeff);
    return { category: ind.name, n: ind.count, total: ind.total, estimate: pk, se, df, ciLow, ciHigh, deff };
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

/** Per (category, cell) weighted totals of the domain rows, per-category row counts, and the domain's totals. */
interface Tally {
  totals: Float64Array;
  counts: Float64Array;
  domain: DomainTotals;
  cells: number;
}

/**
 * The one pass over the rows. `code[i]` is −1 outside the domain, else the row's category — or,
 * with `entries` (multi-select), an index into `entries`, whose listed categories the row counts for.
 */
function tally(design: Design, code: Int32Array, K: number, entries?: readonly (readonly number[])[]): Tally {
  if (!entries) return tallyCategories(design, code, K, (i, e) => `estimateCoded: row ${i + 1} has code ${e}, but there are ${K} categories`);
  // Rows are tallied per entry (an answer combination, of which there are few), and each entry's
  // per-cell totals are then added to the categories it lists: no per-row loop over the choices.
  const byEntry = tallyCategories(design, code, entries.length, (i, e) => `estimateMultiCoded: row ${i + 1} refers to entry ${e}, which does not exist`);
  const cells = byEntry.cells;
  const totals = new Float64Array(K * cells);
  const counts = new Float64Array(K);
  entries.forEach((entry, e) => {
    if (byEntry.counts[e] === 0) return;
    for (const k of entry) {
      if (!(Number.isInteger(k) && k >= 0 && k < K)) throw problems.invalidInput(`estimateMultiCoded: entry ${e} lists option ${k}, but there are ${K} options`);
      for (let c = 0; c < cells; c += 1) totals[k * cells + c]! += byEntry.totals[e * cells + c]!;
      counts[k]! += byEntry.counts[e]!;
    }
  });
  return { totals, counts, domain: byEntry.domain, cells };
}

/**
 * Σ w, row count and Σ w² per (slot, cell): category k in slot k + 1, every row outside the
 * domain in slot 0 (never read). Rows in and out of the domain come in no order, so the loop has
 * no data-dependent branch, and no sum runs across all rows (each would wait for the last).
 */
function tallyCategories(design: Design, code: Int32Array, K: number, tooLarge: (row: number, code: number) => string): Tally {
  const cells = design.cells.count;
  const of = design.cells.of;
  const weights = design.weights;
  const size = (K + 1) * cells;
  const totals = new Float64Array(size);
  const count = new Float64Array(size);
  const squares = new Float64Array(size);
  for (let i = 0; i < design.n; i += 1) {
    const e = code[i]!;
    if (e >= K) throw problems.invalidInput(tooLarge(i, e));
    const at = ((e + 1) & ~(e >> 31)) * cells + of[i]!; // slot e + 1, or 0 for e < 0
    const w = weights[i]!;
    totals[at]! += w;
    count[at]! += 1;
    squares[at]! += w * w;
  }
  const S = new Float64Array(cells);
  const rows = new Float64Array(cells);
  const counts = new Float64Array(K);
  let W2 = 0;
  for (let k = 0; k < K; k += 1) {
    for (let c = 0, at = (k + 1) * cells; c < cells; c += 1, at += 1) {
      S[c]! += totals[at]!;
      rows[c]! += count[at]!;
      counts[k]! += count[at]!;
      W2 += squares[at]!;
    }
  }
  return { totals: totals.subarray(cells), counts, domain: { S, rows, W2 }, cells };
}

/** The indicator "the row counts for one of `members`" (a category, or a merge of several). */
function indicatorOf(t: Tally, name: string, members: readonly number[]): Indicator {
  const cellTotals = new Float64Array(t.cells);
  let count = 0;
  for (const k of members) {
    for (let c = 0; c < t.cells; c += 1) cellTotals[c]! += t.totals[k * t.cells + c]!;
    count += t.counts[k]!;
  }
  let total = 0;
  for (let c = 0; c < t.cells; c += 1) total += cellTotals[c]!;
  return { name, cellTotals, total, count };
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
  const code = new Int32Array(design.n).fill(-1);
  let categories: readonly string[];
  let index: Map<string, number>;
  const outside = (v: string | null | undefined, i: number) => v === null || v === undefined || (domain !== undefined && domain[i] !== true);
  if (options.categories) {
    // The categories are known: one pass codes every row by them.
    categories = options.categories;
    index = new Map(categories.map((c, k) => [c, k]));
    for (let i = 0; i < design.n; i += 1) {
      const v = values[i];
      if (outside(v, i)) continue;
      const k = index.get(v!);
      if (k === undefined) throw problems.invalidInput(`the value "${v}" is not one of the categories (${categories.join(', ')})`);
      code[i] = k;
    }
  } else {
    // Each value gets a provisional code in order of appearance; then the codes are mapped to the
    // sorted categories (a table as small as the number of distinct values).
    const seen = new Map<string, number>();
    for (let i = 0; i < design.n; i += 1) {
      const v = values[i];
      if (outside(v, i)) continue;
      let k = seen.get(v!);
      if (k === undefined) {
        k = seen.size;
        seen.set(v!, k);
      }
      code[i] = k;
    }
    categories = [...seen.keys()].sort();
    index = new Map(categories.map((c, k) => [c, k]));
    const remap = Int32Array.from(seen.keys(), (v) => index.get(v)!);
    for (let i = 0; i < design.n; i += 1) if (code[i]! >= 0) code[i] = remap[code[i]!]!;
  }
  const combined = (options.combined ?? []).map((c) => ({
    name: c.name,
    members: c.categories.map((m) => {
      const k = index.get(m);
      if (k === undefined) throw problems.invalidInput(`the combined category "${c.name}" refers to "${m}", which is not a category`);
      return k;
    }),
  }));
  return estimateCoded(design, code, categories, { ...options, combined });
}

/**
 * The same on coded values: `code[i]` is the index of row i's category in `categories`, or −1
 * when the row is outside the domain (no answer, not shown, "Ved ikke"). Merged categories name
 * their member indices. The report uses this directly on its column codes.
 */
export function estimateCoded(
  design: Design,
  code: Int32Array,
  categories: readonly string[],
  options: { combined?: readonly { name: string; members: readonly number[] }[]; ci?: CiMethod; level?: number } = {},
): CategoricalResult {
  if (code.length !== design.n) throw problems.invalidInput(`estimateCoded: ${code.length} codes for a design of ${design.n} rows`);
  const t = tally(design, code, categories.length);
  const combined = options.combined ?? [];
  const indicators = [...categories.map((c, k) => indicatorOf(t, c, [k])), ...combined.map((c) => indicatorOf(t, c.name, c.members))];
  const result = estimateIndicators(design, t.domain, indicators, options);
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
  const index = new Map(options.options.map((o, k) => [o, k]));
  const entries: number[][] = [];
  const code = new Int32Array(design.n).fill(-1);
  for (let i = 0; i < design.n; i += 1) {
    const chosen = selections[i];
    if (chosen === null || chosen === undefined) continue;
    const entry = new Set<number>();
    for (const c of chosen) {
      const k = index.get(c);
      if (k === undefined) throw problems.invalidInput(`the option "${c}" is not one of ${options.options.join(', ')}`);
      entry.add(k);
    }
    if (options.domain && options.domain[i] !== true) continue;
    code[i] = entries.push([...entry]) - 1;
  }
  return estimateMultiCoded(design, code, entries, options.options, options);
}

/**
 * The same on coded rows: `code[i]` is −1 outside the base, else an index into `entries`, each
 * entry listing the distinct indices (into `optionNames`) of the options chosen. Rows sharing a
 * combination may share an entry (the report passes one entry per distinct answer).
 */
export function estimateMultiCoded(
  design: Design,
  code: Int32Array,
  entries: readonly (readonly number[])[],
  optionNames: readonly string[],
  options: { ci?: CiMethod; level?: number } = {},
): { summary: Summary; options: CategoryEstimate[] } {
  if (code.length !== design.n) throw problems.invalidInput(`estimateMultiCoded: ${code.length} codes for a design of ${design.n} rows`);
  const t = tally(design, code, optionNames.length, entries);
  const indicators = optionNames.map((name, k) => indicatorOf(t, name, [k]));
  const result = estimateIndicators(design, t.domain, indicators, options);
  return { summary: result.summary, options: result.estimates };
}
