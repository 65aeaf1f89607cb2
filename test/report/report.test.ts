import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { codebookCsv, responsesCsv, tableRows, tablesCsv } from '../../src/export/exports.ts';
import { neutraliseFormula, toCsv } from '../../src/export/csv.ts';
import { caption, danishP, danishPercent, figureSpec } from '../../src/report/figures.ts';
import { buildReport } from '../../src/report/tables.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import type { TResponse } from '../../src/survey/schema.ts';

const fixtures = fileURLToPath(new URL('../fixtures/report/', import.meta.url));
const defs = await loadDefinitions(fileURLToPath(new URL('../../surveys/', import.meta.url)));
const study = defs.studies[0]!;
const frame = defs.frames.get(study.frame)!;
const demo = generateDemoResponses(study, frame, { seed: 2016 });
const report = buildReport(study, frame, demo);

describe('the report on the demo data', () => {
  it('has every figure 1-10 and 14-22 with leaders/caseworkers where the report shows them', () => {
    expect(report.figures.map((f) => f.figure)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
    expect(report.figures.find((f) => f.figure === 16)!.groups.map((g) => g.questionnaire)).toEqual(['ledere']);
    expect(report.figures.find((f) => f.figure === 20)!.groups.map((g) => g.questionnaire)).toEqual(['praktikere']);
    expect(report.appendix.map((a) => a.title)).toEqual([
      'Ledernes rolle',
      'Sagsbehandlernes rolle',
      'Ledere fordelt på regioner',
      'Praktikere fordelt på regioner',
      'Andel af regionens kommuner, hvor ledere har deltaget',
      'Andel af regionens kommuner, hvor praktikere har deltaget',
    ]);
  });

  it('tabulates the roles as the appendix describes them (seed l. 1011, 1018: 54/29/17 and 77/20/3 pct.) with the seed\'s captions', () => {
    const pct = (i: number) => report.appendix[i]!.series[0]!.values.map((v) => Math.round(v * 100));
    expect(pct(0)).toEqual([54, 29, 17]);
    expect(pct(1)).toEqual([77, 20, 3]);
    expect(report.appendix.map((a) => a.caption)).toEqual([
      'Kilde: LG Insight, N=69',
      'Kilde: LG Insight, N=132',
      'Kilde: LG Insight, N=69',
      'Kilde: LG Insight, N=132',
      'Kilde: LG Insight, N=69 kommuner (af 93 inviterede)',
      'Kilde: LG Insight, N=63 kommuner (af 93 inviterede)',
    ]);
    const fewer = buildReport(study, frame, demo, { eligible: new Set(demo.map((r) => r.municipality)) });
    expect(fewer.appendix[4]!.caption).toBe('Kilde: LG Insight, N=69 kommuner (af 83 inviterede)');
  });

  it('captions carry the real base N per group', () => {
    const f1 = report.figures[0]!;
    const base = (qn: string) => demo.filter((r) => r.questionnaire === qn && typeof r.answers.kontrakt_frist === 'string' && r.answers.kontrakt_frist !== 'ved_ikke').length;
    expect(figureSpec(report, f1).caption).toBe(`Kilde: LG Insight (Ledere/N=${base('ledere')}, praktikere/N=${base('praktikere')})`);
  });

  // Independent recomputation from the stored responses: w = 1/n_c, p = Σw·y/Σw over the base.
  const recompute = (qn: string, question: string, category: string, multi = false) => {
    const rows = demo.filter((r) => r.questionnaire === qn);
    const n = new Map<string, number>();
    for (const r of rows) n.set(r.municipality, (n.get(r.municipality) ?? 0) + 1);
    let W = 0;
    let T = 0;
    for (const r of rows) {
      const v = r.answers[question];
      if (v === undefined || v === 'ved_ikke') continue;
      const w = 1 / n.get(r.municipality)!;
      W += w;
      if (multi ? (v as string[]).includes(category) : v === category) T += w;
    }
    return T / W;
  };
  it.each([
    [1, 'praktikere', 'kontrakt_frist', 'altid', false],
    [7, 'praktikere', 'sanktioner', 'aldrig', false],
    [9, 'praktikere', 'info_kontrakt', 'asyloperatoer', true],
    [21, 'ledere', 'samarbejde_laeger', 'godt', false],
  ] as const)('Figur %d (%s): %s = %s recomputed by hand', (figure, qn, question, category, multi) => {
    const g = report.figures.find((f) => f.figure === figure)!.groups.find((x) => x.questionnaire === qn)!;
    expect(g.rows.find((r) => r.code === category)!.estimate).toBeCloseTo(recompute(qn, question, category, multi), 14);
  });

  it('marks the headline difference with its p-value (sanctions: leaders lower than caseworkers)', () => {
    const d = report.figures.find((f) => f.figure === 7)!.difference!;
    expect(d.label).toBe('Altid eller næsten altid');
    expect(d.estimate).toBeLessThan(-0.2);
    expect(d.p).toBeLessThan(0.05);
    expect(d.significant).toBe(true);
  });

  it('suppresses a group below the minimum cell size and says so', () => {
    const small = buildReport(study, frame, demo, { minCellSize: 50 });
    const f20 = small.figures.find((f) => f.figure === 20)!;
    expect(f20.groups.every((g) => g.suppressed && g.rows.length === 0)).toBe(true);
    expect(figureSpec(small, f20).notes.join(' ')).toMatch(/færre end 50 svar/);
  });

  it.each(['none', 'equal', 'size', 'raked'] as const)('weighting %s gives proportions that add to 1 per group', (weighting) => {
    const r = buildReport(study, frame, demo, { weighting });
    for (const g of r.figures[0]!.groups) expect(g.rows.filter((x) => !x.combined).reduce((s, x) => s + x.estimate, 0)).toBeCloseTo(1, 12);
    expect(r.weightingNote.length).toBeGreaterThan(10);
  });
});

describe('exports', () => {
  it('responses.csv of the demo equals the fixture that R re-analysed', () => {
    expect(responsesCsv(study, frame, demo, { weighting: 'equal', secret: 'fixture' })).toBe(readFileSync(`${fixtures}responses.csv`, 'utf8'));
    expect(codebookCsv(study)).toBe(readFileSync(`${fixtures}codebook.csv`, 'utf8'));
  });

  it('tables.csv agrees with R re-analysing responses.csv (svydesign(ids=~cluster, weights=~weight) + subset) to 1e-9', () => {
    const ref = parseCsv(readFileSync(`${fixtures}reference.csv`, 'utf8'));
    const ours = tableRows(report);
    expect(ref.rows.length).toBeGreaterThan(150);
    for (const [figure, group, category, estimate, se] of ref.rows) {
      const mine = ours.find((r) => r.figure === Number(figure) && r.group === group && r.category === category);
      expect(mine, `${figure} ${group} ${category}`).toBeDefined();
      expect(Math.abs(mine!.estimate! - Number(estimate))).toBeLessThan(1e-9);
      expect(Math.abs(mine!.se! - Number(se))).toBeLessThan(1e-9);
    }
  });

  it('raked to the regions, every table agrees with R (rake(des, list(~region), targets) + subset) to 1e-9', () => {
    const ref = parseCsv(readFileSync(`${fixtures}reference-raked.csv`, 'utf8'));
    const ours = tableRows(buildReport(study, frame, demo, { weighting: 'raked' }));
    const equal = tableRows(report);
    expect(ref.rows.length).toBeGreaterThan(150);
    let moved = 0;
    for (const [figure, group, category, estimate, se] of ref.rows) {
      const mine = ours.find((r) => r.figure === Number(figure) && r.group === group && r.category === category);
      expect(mine, `${figure} ${group} ${category}`).toBeDefined();
      expect(Math.abs(mine!.estimate! - Number(estimate))).toBeLessThan(1e-9);
      expect(Math.abs(mine!.se! - Number(se))).toBeLessThan(1e-9);
      const before = equal.find((r) => r.figure === Number(figure) && r.group === group && r.category === category)!;
      if (Math.abs(before.se! - mine!.se!) > 1e-6) moved += 1;
    }
    // Raking changes the SEs (the calibration residuals are in the variance), not only the weights.
    expect(moved).toBeGreaterThan(50);
  });

  it('responses.csv: a pseudonymous cluster shared by both questionnaires, no municipality code unless asked', () => {
    const csv = parseCsv(responsesCsv(study, frame, demo, { weighting: 'equal', secret: 's' }));
    expect(csv.header.slice(0, 6)).toEqual(['response_id', 'questionnaire', 'version', 'cluster', 'region', 'weight']);
    expect(csv.header).not.toContain('municipality');
    const clusterOf = (qn: string) => new Set(csv.rows.filter((r) => r[1] === qn).map((r) => r[3]));
    const shared = [...clusterOf('ledere')].filter((c) => clusterOf('praktikere').has(c));
    expect(shared.length).toBe(49);
    expect(csv.rows.map((r) => r[3]).join()).not.toMatch(/\b\d{3}\b/);
    const identified = parseCsv(responsesCsv(study, frame, demo, { weighting: 'equal', secret: 's', identifyMunicipality: true }));
    expect(identified.header).toContain('municipality');
    expect(csv.header).toContain('info_kontrakt_asyloperatoer');
  });

  it('neutralises spreadsheet formulas in free text but not negative numbers', () => {
    for (const bad of ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(bad)).toBe(`'${bad}`);
    const evil: TResponse = { ...demo[0]!, id: 'evilevilevilevil0001', answers: { ...demo[0]!.answers, kommentar: '=cmd|"/c calc"!A1' } };
    const text = responsesCsv(study, frame, [evil], { weighting: 'none', secret: 's' });
    expect(text).toContain(`"'=cmd|""/c calc""!A1"`);
    expect(toCsv([{ x: -0.5 }], [{ label: 'x', value: (r) => r.x }])).toContain('\r\n-0.5');
  });

  it('excel-da: semicolons, decimal comma and a BOM', () => {
    const text = tablesCsv(report, 'excel-da');
    expect(text.startsWith('\ufeff"figure";"question"')).toBe(true);
    expect(text).toMatch(/;"0,65217391304347\d*";/);
  });
});

describe('Danish formatting', () => {
  it('writes "65 pct." and decimal commas and the report\'s caption', () => {
    expect(danishPercent(0.648)).toBe('65 pct.');
    expect(danishPercent(0.648, 1)).toBe('64,8 pct.');
    expect(caption('LG Insight', [{ groupLabel: 'Ledere', baseN: 69 }, { groupLabel: 'Praktikere', baseN: 126 }])).toBe('Kilde: LG Insight (Ledere/N=69, praktikere/N=126)');
  });
});

describe('figure notes and numbers', () => {
  it('writes p-values as a published report does: never "p = 0,000"', () => {
    expect(danishP(0.0004)).toBe('p < 0,001');
    expect(danishP(0.001)).toBe('p = 0,001');
    expect(danishP(0.0456)).toBe('p = 0,046');
  });

  it('says what the weighting does only for the groups a figure shows', () => {
    const notes = (weighting: 'none' | 'equal' | 'size', figure: number) => {
      const r = buildReport(study, frame, demo, { weighting });
      return figureSpec(r, r.figures.find((f) => f.figure === figure)!).notes.join(' ');
    };
    expect(notes('equal', 1)).toContain('Ledere: én besvarelse pr. kommune, så denne vægtning ændrer ikke tallene.');
    expect(notes('equal', 20)).not.toMatch(/Ledere|lederne/);
    expect(notes('size', 1)).not.toContain('ændrer ikke');
    expect(notes('size', 1)).toContain('ændrer tallene for ledere og praktikere');
    expect(notes('none', 1)).not.toMatch(/vægtning/i);
  });

  it('gives each group its colour in every figure, also where it is alone', () => {
    const spec = (n: number) => figureSpec(report, report.figures.find((f) => f.figure === n)!);
    expect(spec(1).series.map((s) => s.colour)).toEqual([0, 1]);
    expect(spec(16).series.map((s) => s.colour)).toEqual([0]);
    expect(spec(17).series.map((s) => s.colour)).toEqual([1]);
  });
});
