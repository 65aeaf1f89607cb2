/** The estimation issue's known answers (R 4.2.2, survey 4.1.1), to 1e-12 where 16 digits are given. */
import { describe, expect, it } from 'vitest';
import { compareCoded, compareGroups, estimateCategorical, estimateCoded, estimateMultiCoded, makeDesign, tQuantile } from '../../src/estimation/index.ts';
import { levelsOf } from '../../src/levels.ts';
import { equalWeights, postStratify, rake } from '../../src/weighting/index.ts';

const lv = ['always', 'almost_always', 'often', 'rarely', 'never', 'dont_know'];
const muni = ['m1', 'm1', 'm1', 'm2', 'm2', 'm3', 'm4', 'm4', 'm4', 'm5', 'm5', 'm5'];
const region = ['H', 'H', 'H', 'H', 'H', 'M', 'M', 'M', 'M', 'N', 'N', 'N'];
const size = ['large', 'large', 'large', 'small', 'small', 'small', 'large', 'large', 'large', 'small', 'small', 'small'];
const answer = ['always', 'almost_always', 'often', 'always', 'dont_know', 'rarely', 'almost_always', 'often', 'never', 'always', 'often', 'almost_always'];
const w = equalWeights(muni);
const des = makeDesign({ weights: w, cluster: muni });
const close = (actual: number, expected: number, tol = 1e-12) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(tol);
const byName = <T extends { category: string }>(list: T[], name: string) => list.find((c) => c.category === name)!;

describe('svymean(~answer, des) with w = 1/n_c', () => {
  const r = estimateCategorical(des, answer, { categories: lv, combined: [{ name: 'always_or_almost', categories: ['always', 'almost_always'] }] });
  const expected: [string, number, number][] = [
    ['always', 0.2333333333333333, 0.1],
    ['almost_always', 0.2, 0.0816496580927726],
    ['often', 0.2, 0.0816496580927726],
    ['rarely', 0.2, 0.2],
    ['never', 0.0666666666666667, 0.0666666666666667],
    ['dont_know', 0.1, 0.1],
  ];
  it.each(expected)('%s: p = %d, SE = %d', (name, p, se) => {
    close(byName(r.categories, name).estimate, p, 1e-15);
    close(byName(r.categories, name).se, se, 1e-15);
  });
  it('has df 4, the covariance of always and almost_always, Kish n_eff 10 and deff_w 1.2', () => {
    expect(r.summary.df).toBe(4);
    close(r.covariance[0]![1]!, -0.000555555555555555, 1e-15);
    close(r.summary.kishNeff, 10);
    close(r.summary.kishDeff, 1.2);
  });
  it('gives deff="replace"', () => {
    const deffs = [0.614906832298137, 0.458333333333333, 0.458333333333333, 2.75, 0.785714285714285, 1.222222222222222];
    r.categories.forEach((c, i) => close(c.deff, deffs[i]!, 1e-12));
  });
  it('gives the logit (xlogit) CI, and for the merged category always + almost_always', () => {
    const a = byName(r.categories, 'always');
    close(a.ciLow, 0.0605608658097334);
    close(a.ciHigh, 0.5896372498201773);
    const m = r.combined[0]!;
    close(m.estimate, 0.4333333333333333);
    close(m.ciLow, 0.15729837565768651);
    close(m.ciHigh, 0.75803573777914091);
  });
  it('gives the Wald-t and Korn–Graubard CIs', () => {
    const wald = byName(estimateCategorical(des, answer, { categories: lv, ci: 'wald' }).categories, 'always');
    close(wald.ciLow, -0.044311177186446);
    close(wald.ciHigh, 0.510977843853113);
    const beta = byName(estimateCategorical(des, answer, { categories: lv, ci: 'beta' }).categories, 'always');
    close(beta.ciLow, 0.043540302057363);
    close(beta.ciHigh, 0.567100814280919);
  });
});

describe('t quantile', () => {
  it('qt(0.975, 4)', () => close(tQuantile(0.975, 4), 2.7764451051977934, 1e-15));
});

describe('post-stratification and raking', () => {
  it('postStratify to H=29, M=19, N=11', () => {
    const ps = postStratify(w, region, { H: 29, M: 19, N: 11 });
    const perMuni = ['m1', 'm2', 'm3', 'm4', 'm5'].map((m) => ps.weights[muni.indexOf(m)]!);
    [4.83333333333333, 7.25, 9.5, 3.16666666666667, 3.66666666666667].forEach((x, i) => close(perMuni[i]!, x, 1e-12));
    const r = estimateCategorical(makeDesign({ weights: ps.weights, cluster: muni, calibration: ps.calibration }), answer, { categories: lv });
    close(byName(r.categories, 'always').estimate, 0.26694915254237, 1e-13);
    close(byName(r.categories, 'always').se, 0.0323820805596338, 1e-13);
  });
  it('rake to region and size', () => {
    const rk = rake(w, [{ groups: region, targets: { H: 29, M: 19, N: 11 } }, { groups: size, targets: { large: 20, small: 39 } }]);
    const perMuni = ['m1', 'm2', 'm3', 'm4', 'm5'].map((m) => rk.weights[muni.indexOf(m)]!);
    [4.02777777777778, 8.4583333333333, 11.08333333333329, 2.63888888888889, 3.66666666666671].forEach((x, i) => close(perMuni[i]!, x, 1e-10));
    const r = estimateCategorical(makeDesign({ weights: rk.weights, cluster: muni, calibration: rk.calibration }), answer, { categories: lv });
    close(byName(r.categories, 'always').estimate, 0.27377589453861, 1e-12);
    close(byName(r.categories, 'always').se, 0.021341199216378, 1e-12);
    close(byName(r.categories, 'rarely').estimate, 0.18785310734463, 1e-12);
    close(byName(r.categories, 'rarely').se, 0.128047526330941, 1e-12);
  });
});

describe('domains keep the full design', () => {
  it('"without dont_know": p(always) with weights 1/n_c and df 4', () => {
    const r = estimateCategorical(des, answer, { categories: lv, domain: answer.map((a) => a !== 'dont_know') });
    const a = byName(r.categories, 'always');
    close(a.estimate, 0.25925925925925924, 1e-15);
    close(a.se, 0.13207248177680012, 1e-15);
    expect(a.df).toBe(4);
  });
  it('region H: a cluster without members still counts (SE 0.06588, not 0.08333)', () => {
    const r = estimateCategorical(des, answer, { categories: lv, domain: region.map((g) => g === 'H') });
    close(byName(r.categories, 'always').se, 0.06588, 1e-5);
    expect(r.summary.df).toBe(1);
  });
});

describe('edge cases', () => {
  it('a category never observed gets p = 0 and a CI by the documented rule', () => {
    const r = estimateCategorical(des, answer, { categories: [...lv, 'sometimes'] });
    const c = byName(r.categories, 'sometimes');
    expect(c.estimate).toBe(0);
    expect(c.se).toBe(0);
    expect(c.ciLow).toBe(0);
    close(c.ciHigh, 1 - Math.pow(0.025, 1 / r.summary.kishNeff));
  });
  it.each([
    ['a negative weight', () => makeDesign({ weights: [1, -1, 1], cluster: ['a', 'b', 'c'] }), /negative/],
    ['a missing weight', () => makeDesign({ weights: [1, Number.NaN, 1], cluster: ['a', 'b', 'c'] }), /missing or not a number/],
    ['one cluster in a stratum', () => makeDesign({ weights: [1, 1, 1], cluster: ['a', 'b', 'c'], strata: ['x', 'x', 'y'] }), /stratum "y" has only one cluster/],
    ['an empty domain', () => estimateCategorical(des, answer, { domain: answer.map(() => false) }), /domain is empty/],
    ['a value outside the categories', () => estimateCategorical(des, answer, { categories: ['always'] }), /not one of the categories/],
    ['a margin level without rows', () => postStratify(w, region, { H: 29, M: 19, N: 11, S: 3 }), /"S" has no rows/],
    ['a data level without target', () => postStratify(w, region, { H: 29, M: 19 }), /"N", which has no target/],
    ['raking margins with different totals', () => rake(w, [{ groups: region, targets: { H: 29, M: 19, N: 11 } }, { groups: size, targets: { large: 20, small: 20 } }]), /add up to 40 but those of margin 1 to 59/],
    ['raking that does not converge within maxit', () => rake(w, [{ groups: region, targets: { H: 29, M: 19, N: 11 } }, { groups: size, targets: { large: 20, small: 39 } }], { maxit: 2 }), /did not converge in 2 passes/],
  ])('%s → a clear error', (_name, run, message) => {
    expect(run).toThrow(message);
  });
  it('zero weights: the row counts for nothing and its cluster not in df', () => {
    const d = makeDesign({ weights: [1, 1, 0, 1], cluster: ['a', 'b', 'c', 'd'] });
    const r = estimateCategorical(d, ['x', 'y', 'x', 'x'], { categories: ['x', 'y'] });
    close(r.categories[0]!.estimate, 2 / 3);
    expect(r.summary.df).toBe(2);
  });
  it('zero weights in a cluster with a weighted row: the cluster still counts in df', () => {
    const d = makeDesign({ weights: [1, 1, 0, 1, 1], cluster: ['a', 'b', 'c', 'c', 'd'] });
    const r = estimateCategorical(d, ['x', 'y', 'x', 'x', 'y'], { categories: ['x', 'y'] });
    expect(r.summary.df).toBe(3);
    expect(r.summary.n).toBe(5);
    close(r.categories[0]!.estimate, 2 / 4);
  });
  it.each([
    ['a code beyond the categories', () => estimateCoded(makeDesign({ weights: [1, 1], cluster: ['a', 'b'] }), Int32Array.from([0, 2]), ['x', 'y']), /row 2 has code 2, but there are 2 categories/],
    ['an entry that does not exist', () => estimateMultiCoded(makeDesign({ weights: [1, 1], cluster: ['a', 'b'] }), Int32Array.from([0, 1]), [[0]], ['x']), /row 2 refers to entry 1/],
    ['an entry listing an option that does not exist', () => estimateMultiCoded(makeDesign({ weights: [1, 1], cluster: ['a', 'b'] }), Int32Array.from([0, 0]), [[0, 2]], ['x', 'y']), /entry 0 lists option 2, but there are 2 options/],
    ['a side other than 0, 1 or 2', () => compareCoded(makeDesign({ weights: [1, 1], cluster: ['a', 'b'] }), Int8Array.from([1, 3]), Uint8Array.from([0, 1]), 'L', 'P'), /row 2 has side 3/],
    ['a y other than 0 or 1', () => compareCoded(makeDesign({ weights: [1, 1], cluster: ['a', 'b'] }), Int8Array.from([1, 2]), Uint8Array.from([2, 1]), 'L', 'P'), /row 1 has side 1 and y 2/],
  ])('coded input with %s → a clear error', (_name, run, message) => {
    expect(run).toThrow(message);
  });
});

describe('group difference on a pooled design', () => {
  it('equals pA − pB and is symmetric', () => {
    const group = muni.map((_, i) => (i % 2 === 0 ? 'L' : 'P'));
    const d = compareGroups(des, answer, group, 'L', 'P', ['always', 'almost_always']);
    const back = compareGroups(des, answer, group, 'P', 'L', ['always', 'almost_always']);
    close(d.estimate, d.estimateA - d.estimateB);
    close(back.estimate, -d.estimate);
    close(back.se, d.se);
    expect(d.p).toBeGreaterThan(0);
    expect(d.p).toBeLessThanOrEqual(1);
  });
  it('a cluster whose rows all weigh 0 does not count in df', () => {
    const d = makeDesign({ weights: [1, 1, 1, 0, 0, 1], cluster: ['a', 'a', 'b', 'c', 'c', 'd'] });
    const r = compareGroups(d, ['x', 'y', 'x', 'x', 'y', 'y'], ['L', 'P', 'L', 'P', 'L', 'P'], 'L', 'P', ['x']);
    expect(r.df).toBe(2);
    close(r.estimateA, 1);
    close(r.estimateB, 0);
  });
});

describe('a grouping column coded once (levelsOf) and passed as such', () => {
  it('gives the same weights, design and estimates as the strings', () => {
    const clusters = levelsOf(muni);
    expect(clusters.levels).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(equalWeights(clusters)).toEqual(w);
    const coded = makeDesign({ weights: equalWeights(clusters), cluster: clusters, strata: levelsOf(size) });
    const plain = makeDesign({ weights: w, cluster: muni, strata: size });
    expect(coded.clusters).toBe(plain.clusters);
    expect(Array.from(coded.clusterStratum)).toEqual(Array.from(plain.clusterStratum));
    const a = estimateCategorical(coded, answer, { categories: lv });
    const b = estimateCategorical(plain, answer, { categories: lv });
    expect(a).toEqual(b);
  });
  it.each([
    ['a coded cluster column of the wrong length', () => makeDesign({ weights: [1, 1, 1], cluster: levelsOf(['a', 'b']) }), /cluster has 2 values for 3 rows/],
    ['a cluster in two strata', () => makeDesign({ weights: [1, 1, 1, 1], cluster: levelsOf(['a', 'a', 'b', 'c']), strata: ['x', 'y', 'x', 'y'] }), /cluster "a" appears in two strata/],
  ])('%s → a clear error', (_name, run, message) => {
    expect(run).toThrow(message);
  });
});
