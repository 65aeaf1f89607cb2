import { describe, expect, it } from 'vitest';
import { parseDefinitionFile, assembleDefinitions } from '../../src/survey/load.ts';
import { frame, rawStudy } from './fixtures.ts';

type Edit = (s: typeof rawStudy & Record<string, unknown>) => void;
const clone = () => structuredClone(rawStudy) as typeof rawStudy & Record<string, unknown>;
const qn = (s: typeof rawStudy) => s.questionnaires[0]!;
const q = (s: typeof rawStudy, section: number, index: number) => qn(s).sections[section]!.questions[index] as Record<string, unknown>;

function problemsOf(edit: Edit): { path: string; message: string }[] {
  const s = clone();
  edit(s);
  try {
    parseDefinitionFile(JSON.stringify(s), 'study.json');
    return [];
  } catch (error) {
    return (error as { details: { path: string; message: string }[] }).details;
  }
}

describe('study definition refinements', () => {
  it('accepts the fixture', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  it.each<[string, Edit, string, RegExp]>([
    ['duplicate question id', (s) => { q(s, 1, 0).id = 'frist'; }, 'questionnaires[0].sections[1].questions[0].id', /used twice/],
    ['duplicate section id', (s) => { qn(s).sections[1]!.id = 's1'; }, 'questionnaires[0].sections[1].id', /used twice/],
    ['duplicate option code', (s) => { (q(s, 0, 1).options as { code: string }[])[1]!.code = 'altid'; }, 'questionnaires[0].sections[0].questions[1].options[1].code', /used twice/],
    ['showIf on a later question', (s) => { q(s, 0, 1).showIf = { question: 'kilder', answered: true }; }, 'questionnaires[0].sections[0].questions[1].showIf.question', /not an earlier question/],
    ['showIf on itself', (s) => { q(s, 0, 1).showIf = { question: 'frist', answered: true }; }, 'questionnaires[0].sections[0].questions[1].showIf.question', /itself/],
    ['showIf with an unknown code', (s) => { q(s, 0, 2).showIf = { question: 'frist', in: ['altid', 'nogle_gange'] }; }, 'questionnaires[0].sections[0].questions[2].showIf.in[1]', /not an option/],
    ['showIf nested in all/any', (s) => { q(s, 0, 2).showIf = { all: [{ any: [{ question: 'frist', equals: 'x' }] }] }; }, 'questionnaires[0].sections[0].questions[2].showIf.all[0].any[0].equals', /not an option/],
    ['showIf comparing codes of a municipality question', (s) => { q(s, 0, 2).showIf = { question: 'kommune', equals: '101' }; }, 'questionnaires[0].sections[0].questions[2].showIf.question', /municipality question/],
    ['combined category with an unknown option', (s) => { (q(s, 0, 1).figure as { combined: { options: string[] }[] }).combined[0]!.options = ['altid', 'x']; }, 'questionnaires[0].sections[0].questions[1].figure.combined[0].options[1]', /not an option/],
    ['headline that does not exist', (s) => { (q(s, 0, 1).figure as Record<string, unknown>).headline = 'x'; }, 'questionnaires[0].sections[0].questions[1].figure.headline', /neither/],
    ['figure on a text question', (s) => { q(s, 1, 2).figure = { number: 2, title: 't' }; }, 'questionnaires[0].sections[1].questions[2].figure', /figure can only/],
    ['figure number used twice', (s) => { q(s, 0, 2).figure = { number: 1, title: 't' }; }, 'questionnaires[0].sections[0].questions[2].figure.number', /already drawn/],
    ['minSelected above maxSelected', (s) => { q(s, 1, 0).minSelected = 4; }, 'questionnaires[0].sections[1].questions[0].minSelected', /larger than maxSelected/],
    ['number min above max', (s) => { q(s, 1, 1).min = 200; }, 'questionnaires[0].sections[1].questions[1].min', /larger than max/],
    ['a question id that collides with an "other" text', (s) => { q(s, 1, 2).id = 'kilder_other'; }, 'questionnaires[0].sections[1].questions[2].id', /collides/],
    ['two municipality questions', (s) => { q(s, 1, 2).type = 'municipality'; delete q(s, 1, 2).maxLength; }, 'questionnaires[0].sections', /municipality questions/],
    ['fieldwork closing before it opens', (s) => { s.fieldwork = { opens: '2026-02-01', closes: '2026-01-01' }; }, 'fieldwork.closes', /before it opens/],
    ['an id with path traversal', (s) => { q(s, 0, 1).id = '../../etc/passwd'; }, 'questionnaires[0].sections[0].questions[1].id', /lower-case/],
    ['an unknown question type', (s) => { q(s, 0, 1).type = 'slider'; }, 'questionnaires[0].sections[0].questions[1].type', /./],
    ['an unknown property', (s) => { s.colour = 'red'; }, '', /colour/],
  ])('%s → reported at its JSON path', (_name, edit, path, message) => {
    const problems = problemsOf(edit);
    const at = problems.filter((p) => p.path === path);
    expect(at.length, JSON.stringify(problems)).toBeGreaterThan(0);
    expect(at.map((p) => p.message).join(' ')).toMatch(message);
  });

  it('names the file and says "not valid JSON" for broken JSON', () => {
    expect(() => parseDefinitionFile('{"id": ', 'surveys/x.json')).toThrow(/surveys\/x\.json[\s\S]*not valid JSON/);
  });

  it('checks that a study\'s frame exists and ids are unique across files', () => {
    const study = parseDefinitionFile(JSON.stringify(rawStudy), 'a.json');
    const frameFile = parseDefinitionFile(JSON.stringify(frame), 'frames/f.json');
    expect(assembleDefinitions([{ file: 'frames/f.json', parsed: frameFile }, { file: 'a.json', parsed: study }]).studies).toHaveLength(1);
    expect(() => assembleDefinitions([{ file: 'a.json', parsed: study }])).toThrow(/no municipality frame with id "test_frame"/);
    expect(() =>
      assembleDefinitions([{ file: 'frames/f.json', parsed: frameFile }, { file: 'a.json', parsed: study }, { file: 'b.json', parsed: study }]),
    ).toThrow(/also used by a\.json/);
  });

  it('rejects a frame with a municipality in an unknown region', () => {
    const broken = structuredClone(frame);
    broken.municipalities[0]!.region = 'x';
    expect(() => parseDefinitionFile(JSON.stringify(broken), 'frames/f.json')).toThrow(/municipalities\[0\]\.region: unknown region/);
  });
});
