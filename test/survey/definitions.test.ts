/** The shipped definitions: the 2016 study's figures are where the report shows them. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import type { TQuestion } from '../../src/survey/schema.ts';

const surveysDir = fileURLToPath(new URL('../../surveys/', import.meta.url));
const defs = await loadDefinitions(surveysDir);
const study = defs.studies.find((s) => s.id === 'integration_2016')!;
const questionsOf = (id: string): TQuestion[] => study.questionnaires.find((q) => q.id === id)!.sections.flatMap((s) => s.questions);
const figuresOf = (id: string) => new Map(questionsOf(id).flatMap((q) => (q.figure ? [[q.figure.number, q] as const] : [])));

describe('surveys/', () => {
  it('holds the 2016 study with a leader and a caseworker questionnaire', () => {
    expect(study.title).toBe('Evaluering af kommunernes brug af integrationskontrakter og helbredsmæssige vurderinger');
    expect(study.questionnaires.map((q) => [q.id, q.group])).toEqual([['ledere', 'Ledere'], ['praktikere', 'Praktikere']]);
  });

  const both = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 18, 19, 21];
  it.each([
    ['ledere', [...both, 16, 22], [17, 20]],
    ['praktikere', [...both, 17, 20], [16, 22]],
  ] as const)('%s: every figure the report shows for the group, and no other', (id, present, absent) => {
    const figures = figuresOf(id);
    for (const n of present) expect(figures.has(n), `Figur ${n} in ${id}`).toBe(true);
    for (const n of absent) expect(figures.has(n), `Figur ${n} not in ${id}`).toBe(false);
    expect([...figures.keys()].sort((a, b) => a - b)).toEqual([...present].sort((a, b) => a - b));
  });

  it('uses the report\'s frequency scale with "Ved ikke" flagged and "Altid eller næsten altid" declared', () => {
    const q = figuresOf('ledere').get(1)!;
    expect(q.type).toBe('scale');
    if (q.type !== 'scale') return;
    expect(q.options.map((o) => o.label)).toEqual(['Altid', 'Næsten altid (mere end 80 pct.)', 'Ofte (60–80 pct.)', 'Sommetider (40–60 pct.)', 'Sjældent (under 40 pct.)', 'Aldrig', 'Ved ikke']);
    expect(q.options.filter((o) => o.nonSubstantive).map((o) => o.code)).toEqual(['ved_ikke']);
    expect(q.figure!.combined.map((c) => c.label)).toContain('Altid eller næsten altid');
  });

  it('asks the hypothetical Figur 2 and 15 of everyone (published N 67/107 and 66/91 of 69/132) and leaves Figur 8-10 and 20 optional', () => {
    for (const [id, n] of [['ledere', 2], ['praktikere', 2], ['ledere', 15], ['praktikere', 15]] as const) {
      const q = figuresOf(id).get(n)!;
      expect(q.showIf, `Figur ${n} (${id})`).toBeUndefined();
      expect('options' in q && q.options.some((o) => o.nonSubstantive), `Figur ${n} (${id}) has "Ved ikke"`).toBe(true);
    }
    for (const [id, n] of [['ledere', 8], ['praktikere', 9], ['ledere', 10], ['praktikere', 20]] as const) expect(figuresOf(id).get(n)!.required, `Figur ${n} (${id})`).toBe(false);
    expect(JSON.stringify(figuresOf('praktikere').get(20)!.showIf)).not.toContain('"altid"');
  });

  it('has no option the report does not show, and marks the questions it adds', () => {
    const codes = (id: string, n: number) => { const q = figuresOf(id).get(n)!; return 'options' in q ? q.options.map((o) => o.code) : []; };
    expect(codes('ledere', 8)).not.toContain('tolk');
    expect(codes('ledere', 9)).not.toContain('sprogskole');
    expect(codes('ledere', 10)).toContain('sprogskole');
    expect(codes('ledere', 2)).not.toContain('aldrig');
    const added = study.questionnaires.flatMap((qn) => qn.sections.flatMap((s) => s.questions)).filter((q) => q.addition);
    expect([...new Set(added.map((q) => q.id))].sort()).toEqual(['antal_kontrakter', 'kommentar']);
    for (const q of added) expect(q.figure).toBeUndefined();
  });

  it('declares the combined categories the report\'s text states', () => {
    const combined = (id: string, n: number) => figuresOf(id).get(n)!.figure!.combined.map((c) => c.code);
    expect(combined('ledere', 1)).toContain('under_80');
    for (const n of [3, 6, 18, 19]) expect(combined('praktikere', n)).toContain('under_40');
    expect(combined('ledere', 3)).toContain('ikke_altid');
    expect(combined('ledere', 15)).toContain('over_3_md_aldrig');
    expect(combined('ledere', 21)).toContain('nogenlunde_eller_bedre');
    expect(combined('ledere', 22)).toContain('har_vaerdi');
    expect(figuresOf('ledere').get(1)!.text).toContain('erklæring om aktivt medborgerskab');
    expect(figuresOf('ledere').get(3)!.text).toContain('løbende');
    expect(study.original).toMatchObject({ fieldworkFrom: '2015-11-02', fieldworkTo: '2015-11-13' });
    expect(study.fieldwork).toEqual({});
  });

  it('has multi-selects with "Andet, angiv" for Figur 8, 9, 10 and 20', () => {
    for (const [id, n] of [['ledere', 8], ['ledere', 9], ['ledere', 10], ['praktikere', 20]] as const) {
      const q = figuresOf(id).get(n)!;
      expect(q.type).toBe('multi');
      expect('options' in q && q.options.some((o) => o.other)).toBe(true);
    }
  });

  it('asks role and municipality in both questionnaires', () => {
    for (const id of ['ledere', 'praktikere']) {
      const types = questionsOf(id).map((q) => q.type);
      expect(types).toContain('municipality');
      expect(questionsOf(id).find((q) => q.id === 'rolle')?.type).toBe('single');
    }
  });

  it('has the frame of 98 municipalities in five regions (29/17/22/19/11)', () => {
    const frame = defs.frames.get(study.frame)!;
    expect(frame.municipalities).toHaveLength(98);
    const byRegion = Object.fromEntries(frame.regions.map((r) => [r.name, frame.municipalities.filter((m) => m.region === r.code).length]));
    expect(byRegion).toEqual({ 'Region Hovedstaden': 29, 'Region Sjælland': 17, 'Region Syddanmark': 22, 'Region Midtjylland': 19, 'Region Nordjylland': 11 });
    expect(frame.municipalities.find((m) => m.code === '851')?.name).toBe('Aalborg');
    expect(frame.municipalities.find((m) => m.code === '101')?.name).toBe('København');
    // Only the zero-quota municipalities with a cited source are left out by default (issue 15).
    expect(frame.municipalities.filter((m) => m.eligible)).toHaveLength(93);
    for (const m of frame.municipalities.filter((x) => !x.eligible)) expect(m.eligibilitySource, m.name).toMatch(/2015/);
  });
});
