/**
 * Agreement with R's survey package on a 109-row, 30-municipality dataset (test/fixtures/r/data.csv)
 * made by test/fixtures/r/make-fixtures.R, which also wrote reference.json. Tolerance 1e-9
 * (observed differences are ~1e-15). R is not needed to run this test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareGroups, estimateCategorical, estimateMulti, makeDesign, tQuantile } from '../../src/estimation/index.ts';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { postStratify, rake } from '../../src/weighting/index.ts';

const dir = new URL('../fixtures/r/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('reference.json', dir), 'utf8'));
const csv = parseCsv(readFileSync(new URL('data.csv', dir), 'utf8'));
const col = (name: string) => csv.rows.map((r) => r[csv.header.indexOf(name)]!);
const muni = col('muni');
const region = col('region');
const answer = col('answer');
const w = col('w').map(Number);
const levels: string[] = ref.levels;
const regions = { H: 29, S: 17, D: 22, M: 19, N: 11 };
const TOL = 1e-9;
const agree = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `${i}: ${a} vs ${expected[i]}`).toBeLessThan(TOL));
};
const plain = makeDesign({ weights: w, cluster: muni });

describe('against R (reference.json)', () => {
  it('a stratified design with fpc: estimates, SE, df, xlogit/beta/Wald CIs, deff', () => {
    const des = makeDesign({ weights: w, cluster: muni, strata: region, fpc: col('fpc').map(Number) });
    const r = estimateCategorical(des, answer, { categories: levels });
    agree(r.categories.map((c) => c.estimate), ref.stratified.means.estimate);
    agree(r.categories.map((c) => c.se), ref.stratified.means.se);
    agree(r.categories.map((c) => c.deff), ref.stratified.deff);
    expect(r.summary.df).toBe(ref.stratified.df);
    agree([r.categories[0]!.estimate, r.categories[0]!.ciLow, r.categories[0]!.ciHigh], ref.stratified.xlogit);
    const beta = estimateCategorical(des, answer, { categories: levels, ci: 'beta' }).categories[0]!;
    agree([beta.estimate, beta.ciLow, beta.ciHigh], ref.stratified.beta);
    const wald = estimateCategorical(des, answer, { categories: levels, ci: 'wald' }).categories[0]!;
    agree([wald.ciLow, wald.ciHigh], ref.stratified.wald);
  });

  it('a domain where a whole municipality drops out keeps it in the variance; df counts only clusters present', () => {
    const r = estimateCategorical(plain, answer, { categories: levels, domain: answer.map((a) => a !== 'dont_know') });
    agree(r.categories.map((c) => c.estimate), ref.domain.means.estimate);
    agree(r.categories.map((c) => c.se), ref.domain.means.se);
    expect(r.summary.df).toBe(ref.domain.df);
    agree([r.categories[0]!.estimate, r.categories[0]!.ciLow, r.categories[0]!.ciHigh], ref.domain.xlogit);
  });

  it('post-stratification to the regions: weights, estimates and the calibrated SE', () => {
    const ps = postStratify(w, region, regions);
    agree(ps.weights, ref.poststratified.weights);
    const r = estimateCategorical(makeDesign({ weights: ps.weights, cluster: muni, calibration: ps.calibration }), answer, { categories: levels });
    agree(r.categories.map((c) => c.estimate), ref.poststratified.means.estimate);
    agree(r.categories.map((c) => c.se), ref.poststratified.means.se);
  });

  it('raking to region and size: weights, estimates and the raking SE', () => {
    const rk = rake(w, [{ groups: region, targets: regions }, { groups: col('size'), targets: { large: 40, small: 58 } }]);
    agree(rk.weights, ref.raked.weights);
    const r = estimateCategorical(makeDesign({ weights: rk.weights, cluster: muni, calibration: rk.calibration }), answer, { categories: levels });
    agree(r.categories.map((c) => c.estimate), ref.raked.means.estimate);
    agree(r.categories.map((c) => c.se), ref.raked.means.se);
  });

  it('a multi-select: one proportion per option among those shown the question', () => {
    const shown = col('shown').map((s) => s === 'TRUE');
    const selections = csv.rows.map((_, i) => (shown[i] ? ['opt_a', 'opt_b', 'opt_c'].filter((o) => col(o)[i] === '1') : null));
    const r = estimateMulti(plain, selections, { options: ['opt_a', 'opt_b', 'opt_c'] });
    agree(r.options.map((o) => o.estimate), ref.multi.estimate);
    agree(r.options.map((o) => o.se), ref.multi.se);
    expect(r.summary.df).toBe(ref.multi.df);
  });

  it('leaders minus caseworkers on the pooled design (svyby covmat + svycontrast)', () => {
    const d = compareGroups(plain, answer, col('group'), 'L', 'P', ['always', 'almost_always']);
    agree([d.estimateA, d.estimateB], ref.difference.byEstimate);
    agree([d.estimate, d.se, d.p], [ref.difference.estimate, ref.difference.se, ref.difference.p]);
    expect(d.df).toBe(ref.difference.df);
  });

  it('t quantiles agree with qt to 1e-12', () => {
    ref.qt.p.forEach((p: number, i: number) => {
      const q = tQuantile(p, ref.qt.df[i]);
      expect(Math.abs(q - ref.qt.q[i]), `qt(${p}, ${ref.qt.df[i]})`).toBeLessThan(1e-12);
    });
  });
});
