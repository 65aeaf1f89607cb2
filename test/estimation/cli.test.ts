/** `praksis estimate` on the R fixture data gives R's numbers; bad input is one clear line and a non-zero exit. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/estimate.ts';
import { estimateCategorical, makeDesign } from '../../src/estimation/index.ts';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { codebookCsv, responsesCsv } from '../../src/export/exports.ts';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { equalWeights } from '../../src/weighting/index.ts';

const dir = fileURLToPath(new URL('../fixtures/r/', import.meta.url));
const data = `${dir}data.csv`;
const ref = JSON.parse(readFileSync(`${dir}reference.json`, 'utf8'));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const temp = mkdtempSync(join(tmpdir(), 'praksis-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const fixture = parseCsv(readFileSync(data));
const column = (name: string) => fixture.rows.map((r) => r[fixture.header.indexOf(name)]!);

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

  it('prints a readable table with one decimal convention (the Danish comma) and differences in percentage points', async () => {
    const r = await cli([data, '--var', 'answer', '--equalize', 'muni']);
    expect(r.out).toMatch(/always\s+46\s+40,1 %/);
    expect(r.out).toMatch(/sum of weights = \d+,\d{4}, Kish n_eff = \d+,\d\n/);
    expect(r.out).not.toMatch(/\d\.\d/);
    const compared = await cli([data, '--var', 'answer', '--equalize', 'muni', '--combine', 'top=always+almost_always', '--by', 'group', '--compare', 'L:P']);
    expect(compared.out).toMatch(/L − P \(percentage points\):\n/);
    expect(compared.out).toMatch(/ {2}top\s+28,3 pp {2}SE 6,6 pp {2}df 29 {2}p < 0,001/);
    expect(compared.out).not.toMatch(/\d\.\d/);
  });

  it.each([
    [['--var', 'nope'], 1, /no such column/],
    [['--var', 'answer', '--weight', 'muni'], 1, /row 2 is "k01", not a number/],
    [['--var', 'answer', '--combine', 'x=always+sometimes'], 1, /"sometimes" is not a category/],
    [['--var', 'answer', '--equalize', 'muni', '--poststratify', `size=${dir}regions.csv`], 1, /levels do not match column "size"/],
    [['--var', 'answer', '--where', 'region=nowhere'], 1, /--where region=nowhere: no row has that value/],
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

  it('reads the excel-da dialect (semicolons, decimal commas, BOM) to the same R reference', async () => {
    // The fixture as Danish Excel writes it: every field quoted, numbers with a decimal comma.
    const numbers = new Set(['fpc', 'w']);
    const lines = [fixture.header, ...fixture.rows].map((r, k) => r.map((v, j) => `"${k > 0 && numbers.has(fixture.header[j]!) ? v.replace('.', ',') : v}"`).join(';'));
    const file = join(temp, 'excel-da.csv');
    writeFileSync(file, '\ufeff' + lines.join('\r\n') + '\r\n');
    const r = await cli([file, '--var', 'answer', '--cluster', 'muni', '--strata', 'region', '--fpc', 'fpc', '--weight', 'w', '--json']);
    expect(r.code, r.err).toBe(0);
    byCategory(JSON.parse(r.out), ref.levels).forEach((c, i) => {
      expect(Math.abs(c.estimate - ref.stratified.means.estimate[i])).toBeLessThan(1e-9);
      expect(Math.abs(c.se - ref.stratified.means.se[i])).toBeLessThan(1e-9);
    });
    writeFileSync(file, 'muni;answer;w\r\nk01;always;0.5\r\nk02;never;1\r\n');
    const point = await cli([file, '--var', 'answer', '--cluster', 'muni', '--weight', 'w']);
    expect(point.code).toBe(1);
    expect(point.err).toMatch(/--weight w: row 2 is "0.5", not a number \(fields are separated by ";", so numbers are written with a decimal comma/);
  });

  it('--domain is domain estimation on the full design, and --by gives each group that domain', async () => {
    const design = makeDesign({ weights: equalWeights(column('muni')), cluster: column('muni') });
    const region = column('region');
    const answers = column('answer');
    // As the CLI lists them: every category of the column, also one without rows in the domain.
    const want = estimateCategorical(design, answers, { categories: [...new Set(answers)].sort(), domain: region.map((g) => g === 'H') });
    expect(want.categories.some((c) => c.n === 0)).toBe(true);
    const r = await cli([data, '--var', 'answer', '--equalize', 'muni', '--domain', 'region=H', '--json']);
    expect(r.code, r.err).toBe(0);
    const got = JSON.parse(r.out);
    expect(got.summary).toEqual(want.summary);
    got.categories.forEach((c: { category: string; estimate: number; se: number; ciLow: number }, i: number) => {
      expect(c.category).toBe(want.categories[i]!.category);
      expect(c.estimate).toBe(want.categories[i]!.estimate);
      expect(c.se).toBe(want.categories[i]!.se);
      expect(c.ciLow).toBe(want.categories[i]!.ciLow);
    });
    const by = JSON.parse((await cli([data, '--var', 'answer', '--equalize', 'muni', '--by', 'region', '--json'])).out);
    expect(by.groups.map((g: { group: string }) => g.group)).toEqual([...new Set(region)].sort());
    expect(by.groups.find((g: { group: string }) => g.group === 'H')).toEqual({ group: 'H', ...got });
  });

  it('a file of many read chunks gives the exact counts and proportions it holds', async () => {
    // 200,000 rows (~9 MB, over two 4 MB chunks) in 20 clusters of the same make-up: each category is exactly a quarter, SE 0.
    const categories = ['a', 'b', 'c', 'd'];
    const rows = ['"id","muni","note","answer"'];
    for (let i = 0; i < 200_000; i += 1) rows.push(`"r${i}","m${i % 20}","${i % 7 === 0 ? 'line\nbreak, ""quoted""' : 'æøå'}","${categories[Math.floor(i / 20) % 4]}"`);
    const file = join(temp, 'large.csv');
    writeFileSync(file, rows.join('\r\n') + '\r\n');
    const r = await cli([file, '--var', 'answer', '--equalize', 'muni', '--json']);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.summary).toMatchObject({ n: 200_000, clusters: 20, df: 19 });
    for (const c of json.categories) {
      expect(c.n).toBe(50_000);
      expect(c.estimate).toBeCloseTo(0.25, 12);
      expect(c.se).toBeLessThan(1e-12);
    }
  });
});

describe('praksis estimate on praksis’s own export (test/fixtures/report: the demo data, equal weights)', () => {
  const report = fileURLToPath(new URL('../fixtures/report/', import.meta.url));
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const reference = parseCsv(readFileSync(`${report}reference.csv`));
  const expected = (figure: string, group: string) => reference.rows.filter((r) => r[0] === figure && r[1] === group);
  const own = join(temp, 'own');
  mkdirSync(own);
  copyFileSync(`${report}responses.csv`, join(own, 'integration_2016-responses.csv'));
  copyFileSync(`${report}codebook.csv`, join(own, 'integration_2016-codebook.csv'));

  it('the README’s command reproduces a report table (R’s numbers for Figur 1, leaders) with the categories in the questionnaire’s order', async () => {
    const command = /^praksis estimate (integration_2016-responses\.csv .*)$/m.exec(readme.replace(/ \\\n\s+/g, ' '));
    expect(command, 'the README shows a praksis estimate command on the responses export').not.toBeNull();
    const args = command![1]!.split(/\s+/).map((a) => (a.endsWith('.csv') ? join(own, a) : a));
    const r = await cli([...args, '--json']);
    expect(r.code, r.err).toBe(0);
    const got = JSON.parse(r.out).categories as { category: string; estimate: number; se: number }[];
    const want = expected('1', 'ledere');
    expect(got.map((c) => c.category)).toEqual(want.map((w) => w[2]));
    got.forEach((c, i) => {
      expect(Math.abs(c.estimate - Number(want[i]![3]))).toBeLessThan(1e-12);
      expect(Math.abs(c.se - Number(want[i]![4]))).toBeLessThan(1e-12);
    });
  });

  it('--where keeps one questionnaire before the design (the cluster ids are shared): a --domain over both gives other SEs', async () => {
    const base = [join(own, 'integration_2016-responses.csv'), '--var', 'kontrakt_frist', '--cluster', 'cluster', '--weight', 'weight', '--drop', 'ved_ikke', '--json'];
    const where = JSON.parse((await cli([...base, '--where', 'questionnaire=praktikere'])).out);
    const domain = JSON.parse((await cli([...base, '--domain', 'questionnaire=praktikere'])).out);
    const want = expected('1', 'praktikere');
    const altid = (j: { categories: { category: string; se: number }[] }) => j.categories.find((c) => c.category === 'altid')!.se;
    expect(Math.abs(altid(where) - Number(want.find((w) => w[2] === 'altid')![4]))).toBeLessThan(1e-12);
    expect(Math.abs(altid(domain) - altid(where))).toBeGreaterThan(1e-6);
  });

  it('dropping a category nobody chose is not an error; a category the codebook does not know is', async () => {
    const base = [join(own, 'integration_2016-responses.csv'), '--var', 'kontrakt_frist', '--cluster', 'cluster', '--weight', 'weight', '--where', 'questionnaire=ledere', '--codebook', join(own, 'integration_2016-codebook.csv')];
    const r = await cli([...base, '--drop', 'ved_ikke', '--drop', 'aldrig', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).categories.map((c: { category: string }) => c.category)).toEqual(['altid', 'naesten_altid', 'ofte', 'sommetider', 'sjaeldent']);
    const typo = await cli([...base, '--drop', 'vedikke']);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/--drop vedikke: no such category of "kontrakt_frist" in the codebook/);
  });

  it('reads its own Danish Excel export (responses and codebook, BOM, semicolons, decimal commas) to the same numbers', async () => {
    const defs = await loadDefinitions(fileURLToPath(new URL('../../surveys/', import.meta.url)));
    const study = defs.studies[0]!;
    const frame = defs.frames.get(study.frame)!;
    const demo = generateDemoResponses(study, frame, { seed: 2016 });
    writeFileSync(join(own, 'excel.csv'), responsesCsv(study, frame, demo, { weighting: 'equal', secret: 'fixture', dialect: 'excel-da' }));
    writeFileSync(join(own, 'codebook-excel.csv'), codebookCsv(study, 'excel-da'));
    const args = (file: string, codebook: string) => [join(own, file), '--var', 'kontrakt_frist', '--cluster', 'cluster', '--weight', 'weight', '--where', 'questionnaire=ledere', '--drop', 'ved_ikke', '--codebook', join(own, codebook), '--json'];
    const excel = await cli(args('excel.csv', 'codebook-excel.csv'));
    expect(excel.code, excel.err).toBe(0);
    const plain = await cli(args('integration_2016-responses.csv', 'integration_2016-codebook.csv'));
    const a = JSON.parse(excel.out).categories as { estimate: number; se: number }[];
    const b = JSON.parse(plain.out).categories as { estimate: number; se: number }[];
    a.forEach((c, i) => {
      expect(Math.abs(c.estimate - b[i]!.estimate)).toBeLessThan(1e-12);
      expect(Math.abs(c.se - b[i]!.se)).toBeLessThan(1e-12);
    });
  });
});
