/**
 * The researcher exports of a study with two published versions (test/fixtures/versions/study.ts):
 * responses.csv has the `version` column and the columns of both versions (an answer of a version
 * without the question is empty), in both dialects; the codebook lists each version's questions
 * and options; the R and SPSS syntax declare the union with the latest labels. The responses go
 * through the store, as the server exports them.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/export/csv-parse.ts';
import { codebookCsv, responsesCsv } from '../../src/export/exports.ts';
import { rSyntax, spssSyntax } from '../../src/export/syntax.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import type { TResponse } from '../../src/survey/schema.ts';
import { responses, study, v1, v2, versions } from '../fixtures/versions/study.ts';
import { tempDir } from '../storage/adapters.ts';

const fixtures = fileURLToPath(new URL('../fixtures/versions/', import.meta.url));
const defs = await loadDefinitions(fileURLToPath(new URL('../../surveys/', import.meta.url)));
const frame = defs.frames.get(study.frame)!;

let dir: string;
let store: Store;
let stored: TResponse[];
beforeAll(async () => {
  dir = await tempDir('praksis-versions-export-');
  store = await openStore(dir);
  await store.responses.addMany(responses);
  stored = await store.responses.list({ study: study.id });
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const csvOf = (dialect?: 'excel-da') => responsesCsv(study, frame, stored, { weighting: 'equal', secret: 'fixture', versions, ...(dialect ? { dialect } : {}) });

describe('responses.csv across versions', () => {
  it('is the fixture R re-estimated: a version column after questionnaire, the union of both versions’ columns', () => {
    const text = csvOf();
    expect(text).toBe(readFileSync(`${fixtures}versioner-responses.csv`, 'utf8'));
    const csv = parseCsv(text);
    expect(csv.header).toEqual(['response_id', 'questionnaire', 'version', 'cluster', 'region', 'weight', 'samarbejde', 'redskaber_kontrakt', 'redskaber_plan', 'redskaber_moede', 'ny_vurdering']);
    const col = (name: string) => csv.header.indexOf(name);
    const byId = new Map(csv.rows.map((r) => [r[0]!, r]));
    for (const r of responses) {
      const row = byId.get(r.id)!;
      expect(row[col('version')]).toBe(String(r.version));
      // The question only version 2 asks is empty for version 1's answers; the option only version 1 had keeps its code.
      expect(row[col('ny_vurdering')]).toBe(r.version === 1 ? '' : r.answers.ny_vurdering);
      expect(row[col('samarbejde')]).toBe(r.answers.samarbejde);
    }
    expect(csv.rows.filter((r) => r[col('samarbejde')] === 'middel').map((r) => r[col('version')])).toEqual(['1', '1']);
  });

  it('keeps the columns of a question only the earlier version asked', () => {
    // Read the other way round: version 2 is the earlier one, version 1 (without ny_vurdering) the latest.
    const later = { ...v1, version: 3 };
    const csv = parseCsv(responsesCsv({ ...study, questionnaires: [later] }, frame, stored, { weighting: 'equal', secret: 'fixture', versions: new Map([['praktikere', [v2, later]]]) }));
    expect(csv.header).toContain('ny_vurdering');
    expect(csv.rows.filter((r) => r[csv.header.indexOf('ny_vurdering')] !== '').length).toBe(7);
  });

  it('the Danish Excel dialect has the same columns, semicolon-separated with a BOM', () => {
    const text = csvOf('excel-da');
    expect(text.startsWith('\ufeff"response_id";"questionnaire";"version";"cluster"')).toBe(true);
    expect(text).toContain('"ny_vurdering"');
    expect(text.split('\n').filter((l) => l.includes('"middel"')).length).toBe(2);
    expect(text).toContain('"praktikere";"1";"cd41ac8961e";"Region Hovedstaden";"0,25";"middel"');
  });
});

describe('the codebook across versions', () => {
  it('is the fixture: one row set per version, each with that version’s texts', () => {
    const text = codebookCsv(study, 'standard', versions);
    expect(text).toBe(readFileSync(`${fixtures}versioner-codebook.csv`, 'utf8'));
    const cb = parseCsv(text);
    expect(cb.header.at(-1)).toBe('version');
    const options = (version: string, question: string) => cb.rows.filter((r) => r[7] === version && r[0] === question).map((r) => `${r[3]}=${r[4]}`);
    expect(options('1', 'samarbejde')).toEqual(['godt=Godt', 'middel=Middel', 'daarligt=Dårligt', 'ved_ikke=Ved ikke']);
    expect(options('2', 'samarbejde')).toEqual(['godt=Rigtig godt', 'daarligt=Dårligt', 'ved_ikke=Ved ikke']);
    expect(options('1', 'ny_vurdering')).toEqual([]);
    expect(options('2', 'ny_vurdering')).toEqual(['ja=Ja', 'nej=Nej']);
    expect(cb.rows.find((r) => r[0] === 'version')![2]).toBe('number');
  });
});

describe('the syntax files across versions', () => {
  it('R: the file R ran on the fixture, every version’s codes as levels, the latest labels', () => {
    const r = rSyntax(study, 'versioner-responses.csv', versions);
    expect(r).toBe(readFileSync(`${fixtures}versioner-responses.R`, 'utf8'));
    expect(r).toContain('d$samarbejde <- factor(d$samarbejde, levels = c("godt", "daarligt", "ved_ikke", "middel"), labels = c("Rigtig godt", "Dårligt", "Ved ikke", "Middel"))');
    expect(r).toContain('d$ny_vurdering <- factor(');
    expect(r).toContain('d$version');
  });

  it('SPSS declares every column of the two-version responses.csv, in order, version as a number, labels of every option', () => {
    const sps = spssSyntax(study, 'x.csv', versions);
    const declared = sps.split('/VARIABLES=\n')[1]!.split('\n.\n')[0]!.split('\n').map((l) => l.trim().split(' '));
    expect(declared.map((d) => d[0])).toEqual(parseCsv(csvOf()).header);
    expect(declared.find((d) => d[0] === 'version')![1]).toBe('F8.0');
    expect(sps).toContain("samarbejde 'godt' 'Rigtig godt' 'daarligt' 'Dårligt' 'ved_ikke' 'Ved ikke' 'middel' 'Middel'");
    expect(sps).toContain("ny_vurdering 'ja' 'Ja' 'nej' 'Nej'");
  });
});
