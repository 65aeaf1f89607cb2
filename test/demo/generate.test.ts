import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { validateSubmission } from '../../src/survey/answers.ts';

const defs = await loadDefinitions(fileURLToPath(new URL('../../surveys/', import.meta.url)));
const study = defs.studies[0]!;
const frame = defs.frames.get(study.frame)!;
const demo = generateDemoResponses(study, frame, { seed: 2016 });
const of = (qn: string) => demo.filter((r) => r.questionnaire === qn);
const share = (qn: string, q: string, code: string) => of(qn).filter((r) => r.answers[q] === code).length / of(qn).length;

describe('generateDemoResponses', () => {
  it('is deterministic for a seed and different for another', () => {
    expect(generateDemoResponses(study, frame, { seed: 2016 })).toEqual(demo);
    expect(generateDemoResponses(study, frame, { seed: 7 })).not.toEqual(demo);
  });

  it('has 69 leaders in 69 municipalities and 132 caseworkers in 63 municipalities with 1-3 each, 83 in all', () => {
    expect(of('ledere')).toHaveLength(69);
    expect(new Set(of('ledere').map((r) => r.municipality)).size).toBe(69);
    expect(of('praktikere')).toHaveLength(132);
    const perMunicipality = new Map<string, number>();
    for (const r of of('praktikere')) perMunicipality.set(r.municipality, (perMunicipality.get(r.municipality) ?? 0) + 1);
    expect(perMunicipality.size).toBe(63);
    expect(Math.max(...perMunicipality.values())).toBe(3);
    expect(new Set(demo.map((r) => r.municipality)).size).toBe(83);
  });

  it('echoes Figur 1: leaders 65 % / 33 %, caseworkers 64 % / 28 %', () => {
    expect(share('ledere', 'kontrakt_frist', 'altid')).toBeCloseTo(0.65, 1);
    expect(share('ledere', 'kontrakt_frist', 'naesten_altid')).toBeCloseTo(0.33, 1);
    expect(share('praktikere', 'kontrakt_frist', 'altid')).toBeCloseTo(0.64, 1);
    expect(share('praktikere', 'kontrakt_frist', 'naesten_altid')).toBeCloseTo(0.28, 1);
  });

  it('produces only responses that pass the API validation (no hidden answers, eligible municipalities)', () => {
    for (const r of demo) {
      const qn = study.questionnaires.find((q) => q.id === r.questionnaire)!;
      const result = validateSubmission(qn, frame, { municipality: r.municipality, answers: r.answers }, { hidden: 'reject' });
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
  });
});
