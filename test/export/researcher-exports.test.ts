/**
 * What a researcher takes away: the R and SPSS syntax next to responses.csv, the README's R recipe
 * (run in R on the fixture export; its output is committed, see readme-recipe-run.R), the
 * formula guard that never touches ids or codes, and the export that identifies municipalities by
 * its weights.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { neutraliseFormula, toCsv } from '../../src/export/csv.ts';
import { codebookCsv, identifiesMunicipalities, responsesCsv } from '../../src/export/exports.ts';
import { rSyntax, spssSyntax } from '../../src/export/syntax.ts';
import { buildReport } from '../../src/report/tables.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import type { TResponse } from '../../src/survey/schema.ts';

const fixtures = fileURLToPath(new URL('../fixtures/report/', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const defs = await loadDefinitions(fileURLToPath(new URL('../../surveys/', import.meta.url)));
const study = defs.studies[0]!;
const frame = defs.frames.get(study.frame)!;
const demo = generateDemoResponses(study, frame, { seed: 2016 });

describe('the README R recipe, run in R on the fixture export', () => {
  const recipe = readFileSync(`${fixtures}readme-recipe.R`, 'utf8');

  it('is the README block word for word, and the syntax file R ran is the one praksis makes', () => {
    expect(readme).toContain('```r\n' + recipe + '```');
    expect(rSyntax(study, 'integration_2016-responses.csv')).toBe(readFileSync(`${fixtures}integration_2016-responses.R`, 'utf8'));
  });

  it('gives the report’s numbers: every estimate and SE to 1e-12', () => {
    const report = buildReport(study, frame, demo, { weighting: 'equal' });
    const out = parseCsv(readFileSync(`${fixtures}readme-recipe.csv`, 'utf8'));
    const lines = recipe.trimEnd().split('\n');
    let compared = 0;
    for (const [k, line] of lines.entries()) {
      const call = /^praksis_table\((\w+), "(\w+)"\)/.exec(line);
      if (!call) continue;
      const [, group, question] = call;
      const figure = report.figures.find((f) => f.question === question)!;
      const rows = figure.groups.find((g) => g.questionnaire === group)!.rows.filter((row) => !row.combined);
      const r = out.rows.filter((row) => Number(row[0]) === k + 1);
      expect(r.length).toBe(rows.length);
      rows.forEach((row, j) => {
        expect(Math.abs(Number(r[j]![2]) - row.estimate!)).toBeLessThan(1e-12);
        expect(Math.abs(Number(r[j]![3]) - row.se!)).toBeLessThan(1e-12);
        compared++;
      });
    }
    expect(compared).toBe(15); // Figur 1: 6 + 6 categories, Figur 2: 3 (no "Aldrig" in the 2016 questionnaire)
  });
});

describe('the syntax files', () => {
  it('R reads empty cells as NA, gives choice questions their levels in the questionnaire’s order, one design per questionnaire', () => {
    const r = rSyntax(study, 'x.csv');
    expect(r).toContain('read.csv("x.csv", na.strings = ""');
    expect(r).toContain('d$kontrakt_frist <- factor(d$kontrakt_frist, levels = c("altid", "naesten_altid", "ofte", "sommetider", "sjaeldent", "aldrig", "ved_ikke"), labels = c("Altid", ');
    expect(r).toContain('ledere <- svydesign(ids = ~cluster, weights = ~weight, data = subset(d, questionnaire == "ledere"))');
  });

  it('SPSS declares every column of responses.csv, in order, with value labels', () => {
    const sps = spssSyntax(study, 'x.csv');
    const header = parseCsv(responsesCsv(study, frame, demo, { weighting: 'equal', secret: 's' })).header;
    const declared = sps.split('/VARIABLES=\n')[1]!.split('\n.\n')[0]!.split('\n').map((l) => l.trim().split(' ')[0]);
    expect(declared).toEqual(header);
    expect(sps).toMatch(/VALUE LABELS\n {2}rolle 'under' 'Leder med ansvar/);
    expect(sps).toContain("kontrakt_frist 'altid' 'Altid' 'naesten_altid' 'Næsten altid (mere end 80 pct.)'");
  });
});

describe('the formula guard', () => {
  it('covers what spreadsheets still evaluate: after spaces, zero-width characters or a quote, and fullwidth signs', () => {
    for (const bad of ['=1+2', ' =1+2', '\u200b=1+2', '"=1+2', '\ufeff@SUM(A1)', '＝1+2', '＋1', '－1', '＠SUM(A1)', '\tx']) {
      expect(neutraliseFormula(bad)).toBe(`'${bad}`);
    }
    for (const fine of ['1+2', 'Tolk = ja', 'a-b', '']) expect(neutraliseFormula(fine)).toBe(fine);
  });

  it('never changes an id or a code: a response id that starts with "-" is exported as stored', () => {
    const response: TResponse = { ...demo[0]!, id: '-Ab3_xYz9-QwErTy01', answers: { ...demo[0]!.answers, kommentar: '-fri tekst' } };
    const csv = parseCsv(responsesCsv(study, frame, [response], { weighting: 'equal', secret: 's' }));
    expect(csv.rows[0]![0]).toBe('-Ab3_xYz9-QwErTy01');
    expect(csv.rows[0]![csv.header.indexOf('kommentar')]).toBe("'-fri tekst");
    expect(toCsv([{ id: '=x' }], [{ label: 'id', value: (r) => r.id, raw: true }])).toContain('\r\n"=x"');
  });
});

describe('an export that identifies municipalities', () => {
  it('size or raked weights do (weight × rows per cluster gives the population), equal and none do not', () => {
    expect(identifiesMunicipalities({ weighting: 'size' })).toBe(true);
    expect(identifiesMunicipalities({ weighting: 'raked' })).toBe(true);
    expect(identifiesMunicipalities({ weighting: 'equal' })).toBe(false);
    expect(identifiesMunicipalities({ weighting: 'none' })).toBe(false);
    expect(identifiesMunicipalities({ weighting: 'equal', identifyMunicipality: true })).toBe(true);
  });

  it('the codebook says so next to the weight column', () => {
    const cb = parseCsv(codebookCsv(study));
    const weight = cb.rows.find((r) => r[0] === 'weight')!;
    expect(weight[1]).toMatch(/size or raked weighting does.*identif/);
    expect(cb.rows.slice(0, 7).map((r) => r[0])).toEqual(['response_id', 'questionnaire', 'version', 'cluster', 'region', 'weight', 'municipality']);
  });
});
