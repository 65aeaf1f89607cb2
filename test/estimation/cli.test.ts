/** `praksis estimate` on the R fixture data gives R's numbers; bad input is one clear line and a non-zero exit. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/estimate.ts';

const dir = fileURLToPath(new URL('../fixtures/r/', import.meta.url));
const data = `${dir}data.csv`;
const ref = JSON.parse(readFileSync(`${dir}reference.json`, 'utf8'));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const byCategory = (json: { categories: { category: string; estimate: number; se: number }[] }, levels: string[]) =>
  levels.map((l) => json.categories.find((c) => c.category === l)!);

describe('praksis estimate', () => {
  it('--strata --fpc --weight gives the stratified reference', async () => {
    const r = await cli([data, '--var', 'answer', '--cluster', 'muni', '--strata', 'region', '--fpc', 'fpc', '--weight', 'w', '--json']);
    expect(r.code).toBe(0);
    const cats = byCategory(JSON.parse(r.out), ref.levels);
    cats.forEach((c, i) => {
      expect(Math.abs(c.estimate - ref.stratified.means.estimate[i])).toBeLessThan(1e-9);
      expect(Math.abs(c.se - ref.stratified.means.se[i])).toBeLessThan(1e-9);
    });
  });

  it('--rake with two targets files gives the raked reference', async () => {
    const r = await cli([data, '--var', 'answer', '--equalize', 'muni', '--rake', `region=${dir}regions.csv`, '--rake', `size=${dir}sizes.csv`, '--json']);
    expect(r.code, r.err).toBe(0);
    byCategory(JSON.parse(r.out), ref.levels).forEach((c, i) => {
      expect(Math.abs(c.estimate - ref.raked.means.estimate[i])).toBeLessThan(1e-9);
      expect(Math.abs(c.se - ref.raked.means.se[i])).toBeLessThan(1e-9);
    });
  });

  it('--drop is domain estimation on the full design (df counts clusters present)', async () => {
    const r = await cli([data, '--var', 'answer', '--equalize', 'muni', '--drop', 'dont_know', '--json']);
    const json = JSON.parse(r.out);
    expect(json.summary.df).toBe(ref.domain.df);
    byCategory(json, ref.levels.slice(0, 5)).forEach((c, i) => expect(Math.abs(c.se - ref.domain.means.se[i])).toBeLessThan(1e-9));
  });

  it('--by --compare gives the pooled difference', async () => {
    const r = await cli([data, '--var', 'answer', '--equalize', 'muni', '--combine', 'top=always+almost_always', '--by', 'group', '--compare', 'L:P', '--json']);
    const top = JSON.parse(r.out).comparisons.find((c: { category: string }) => c.category === 'top');
    expect(Math.abs(top.estimate - ref.difference.estimate)).toBeLessThan(1e-9);
    expect(Math.abs(top.se - ref.difference.se)).toBeLessThan(1e-9);
    expect(Math.abs(top.p - ref.difference.p)).toBeLessThan(1e-9);
  });

  it('prints a readable table with Danish percentages', async () => {
    const r = await cli([data, '--var', 'answer', '--equalize', 'muni']);
    expect(r.out).toMatch(/always\s+46\s+40,1 %/);
  });

  it.each([
    [['--var', 'nope'], 1, /no such column/],
    [['--var', 'answer', '--weight', 'muni'], 1, /row 2 is "k01", not a number/],
    [['--var', 'answer', '--combine', 'x=always+sometimes'], 1, /"sometimes" is not a category/],
    [['--var', 'answer', '--equalize', 'muni', '--poststratify', `size=${dir}regions.csv`], 1, /levels do not match column "size"/],
    [['--var', 'answer', '--drop', 'maybe'], 1, /no such category/],
    [['--var', 'answer', '--ci', 'exact'], 2, /--ci must be logit, wald or beta/],
    [['--var', 'answer', '--frobnicate', 'x'], 2, /unknown option --frobnicate/],
    [['--size', 'x', '--var', 'answer'], 2, /--size needs --equalize/],
  ])('%j → exit %d with one clear line', async (args, code, message) => {
    const r = await cli([data, ...args]);
    expect(r.code).toBe(code);
    expect(r.err.split('\n')[0]).toMatch(message);
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('a missing file → exit 1', async () => {
    const r = await cli(['/nonexistent.csv', '--var', 'a']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read \/nonexistent\.csv: no such file/);
  });
});
