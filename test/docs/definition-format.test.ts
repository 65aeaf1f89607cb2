/**
 * docs/definition-format.md is the definition format's documentation: its example must be a valid
 * study (as `POST /api/v1/studies` takes it, and through the real API), every field of the schemas
 * must be described in its section (a field added later without documentation fails here), and the
 * broken variants it lists must report problems at exactly the JSON paths it says.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZFrame, ZMunicipality, ZRegion } from '../../src/frame/schema.ts';
import { ZStudyInputDefinition, issuesToDetails } from '../../src/survey/refinements.ts';
import {
  ZCombinedCategory,
  ZCondition,
  ZContact,
  ZFigure,
  ZMultiQuestion,
  ZMunicipalityQuestion,
  ZNumberQuestion,
  ZOption,
  ZQuestion,
  ZQuestionnaire,
  ZScaleQuestion,
  ZSection,
  ZSingleQuestion,
  ZStudy,
  ZTextQuestion,
  ZWeighting,
} from '../../src/survey/schema.ts';
import { API_KEY, repoRoot, startApp, type Running } from '../http/helpers.ts';

const doc = await readFile(join(repoRoot, 'docs/definition-format.md'), 'utf8');

/** The JSON code block right after `<!-- marker -->`. */
function block(marker: string): string {
  const match = new RegExp(`<!-- ${marker} -->\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/definition-format.md has no json block after <!-- ${marker} -->`);
  return match[1]!;
}

/** The example as plain JSON, to break on purpose. */
type Json = Record<string, any>;
const example = (): Json => JSON.parse(block('definition-example')) as Json;

/** The text under a heading (`## Study`, `### Option`, …) up to the next heading of any level. */
function sectionOf(heading: string): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && l.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`docs/definition-format.md has no heading "${heading}"`);
  const end = lines.findIndex((l, i) => i > start && /^#{2,3} /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

type AnySchema = z.core.$ZodType;
const defOf = (s: AnySchema) => s._zod.def as unknown as { type: string; innerType?: AnySchema; element?: AnySchema; shape?: Record<string, AnySchema>; options?: AnySchema[] };

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let def = defOf(s); def.innerType && ['optional', 'default', 'nullable', 'prefault'].includes(def.type); def = defOf(s)) s = def.innerType;
  return s;
}

/**
 * Every field name of an object schema, nested objects as `parent.child` and objects in arrays as
 * `parent[].child`; schemas in `stop` (documented in their own section) are not entered.
 */
function fieldsOf(schema: AnySchema, stop: readonly AnySchema[] = [], prefix = ''): string[] {
  const def = defOf(unwrap(schema));
  if (def.type !== 'object' || !def.shape) throw new Error('fieldsOf: not an object schema');
  const out: string[] = [];
  for (const [key, value] of Object.entries(def.shape)) {
    out.push(prefix + key);
    let inner = unwrap(value);
    let sep = '.';
    if (defOf(inner).type === 'array') {
      inner = unwrap(defOf(inner).element!);
      sep = '[].';
    }
    if (defOf(inner).type === 'object' && !stop.includes(inner)) out.push(...fieldsOf(inner, stop, `${prefix}${key}${sep}`));
  }
  return out;
}

const questionSchemas = [ZSingleQuestion, ZScaleQuestion, ZMultiQuestion, ZTextQuestion, ZNumberQuestion, ZMunicipalityQuestion];
const documentedApart = [ZQuestionnaire, ZSection, ZOption, ZFigure, ZContact];

/** Names that must appear in backticks in a section, e.g. `` `minSelected` ``. */
function missing(section: string, names: readonly string[], quote = (n: string) => `\`${n}\``): string[] {
  const text = sectionOf(section);
  return [...new Set(names)].filter((n) => !text.includes(quote(n)));
}

describe('docs/definition-format.md documents every field of the schemas', () => {
  it('walks the schemas (so the checks below cannot pass on an empty list)', () => {
    expect(fieldsOf(ZStudy, documentedApart)).toEqual(expect.arrayContaining(['contact', 'fieldwork.opens', 'original.source', 'archived']));
    expect(fieldsOf(ZFigure)).toEqual(expect.arrayContaining(['combined[].options', 'includeNonSubstantive']));
    expect(fieldsOf(ZFrame)).toEqual(expect.arrayContaining(['regions[].code', 'municipalities[].eligibilitySource']));
    expect(defOf(ZQuestion).options).toHaveLength(questionSchemas.length);
  });

  it('the study, its contact, fieldwork and original, and every weighting', () => {
    expect(missing('Study', [...fieldsOf(ZStudy, documentedApart), ...fieldsOf(ZContact, [], 'contact.'), ...ZWeighting.options])).toEqual([]);
  });

  it('the questionnaire (with version) and the section', () => {
    expect(missing('Questionnaire', fieldsOf(ZQuestionnaire, documentedApart))).toEqual([]);
    expect(missing('Section', fieldsOf(ZSection, documentedApart))).toEqual([]);
  });

  it('every question type and every field of each', () => {
    for (const schema of questionSchemas) {
      const fields = fieldsOf(schema, documentedApart);
      const documented = `${sectionOf('Question')}\n${sectionOf('Question types')}`;
      expect(fields.filter((f) => !documented.includes(`\`${f}\``))).toEqual([]);
      expect(sectionOf('Question types')).toContain(`| \`${schema.shape.type.value}\` |`);
    }
  });

  it('the option, every form of showIf, the figure and its combined categories', () => {
    expect(missing('Option', fieldsOf(ZOption))).toEqual([]);
    const conditionKeys = (defOf(ZCondition).options ?? []).flatMap((o) => fieldsOf(o));
    expect(conditionKeys).toEqual(expect.arrayContaining(['question', 'equals', 'in', 'notIn', 'answered', 'all', 'any']));
    expect(missing('Conditions (`showIf`)', conditionKeys, (n) => `"${n}"`)).toEqual([]);
    expect(missing('Figures', [...fieldsOf(ZFigure), ...fieldsOf(ZCombinedCategory, [], 'combined[].')])).toEqual([]);
  });

  it('the municipality frame, its regions and municipalities', () => {
    const fields = [...fieldsOf(ZFrame), ...fieldsOf(ZRegion, [], 'regions[].'), ...fieldsOf(ZMunicipality, [], 'municipalities[].')];
    expect(missing('Municipality frame', fields)).toEqual([]);
  });
});

describe('the example in docs/definition-format.md', () => {
  it('is a valid study as POST /api/v1/studies takes it (no questionnaire version)', () => {
    const parsed = ZStudyInputDefinition.safeParse(example());
    expect(parsed.success ? [] : issuesToDetails(parsed.error)).toEqual([]);
    expect(example().questionnaires[0].version).toBeUndefined();
  });

  it('has what the doc says it has', () => {
    const study = ZStudyInputDefinition.parse(example());
    const [qn] = study.questionnaires;
    const questions = qn!.sections.flatMap((s) => s.questions);
    expect(study.questionnaires).toHaveLength(1);
    expect(qn!.sections).toHaveLength(2);
    expect(study.contact?.name).toBeTruthy();
    expect(questions.map((q) => q.type).sort()).toEqual(['multi', 'municipality', 'scale', 'text']);
    const scale = questions.find((q) => q.type === 'scale');
    expect(scale?.type === 'scale' && scale.options.filter((o) => o.nonSubstantive).map((o) => o.label)).toEqual(['Ved ikke']);
    const multi = questions.find((q) => q.type === 'multi');
    expect(multi?.type === 'multi' && multi.options.filter((o) => o.other).map((o) => o.label)).toEqual(['Andet, angiv']);
    expect(questions.filter((q) => q.showIf)).toHaveLength(1);
    expect(scale?.figure?.combined).toHaveLength(1);
  });

  // Each change of the doc's table "What some broken variants of it report", by the path it names.
  const variants: Record<string, (s: Json) => void> = {
    title: (s) => delete s.title,
    weighting: (s) => (s.weighting = 'weighted'),
    'questionnaires[0].sections[1].questions[0].options[4].code': (s) => (s.questionnaires[0].sections[1].questions[0].options[4].code = 'altid'),
    'questionnaires[0].sections[0].questions[1].showIf.question': (s) => (s.questionnaires[0].sections[0].questions[1].showIf = { question: 'kontrakt_frist', answered: true }),
    'questionnaires[0].sections[1].questions[1].showIf.in[1]': (s) => (s.questionnaires[0].sections[1].questions[1].showIf.in = ['sjaeldent', 'tit']),
    'questionnaires[0].sections[1].questions[0].figure.combined[0].options[1]': (s) => (s.questionnaires[0].sections[1].questions[0].figure.combined[0].options = ['altid', 'tit']),
    'questionnaires[0].sections[0].questions[1].minSelected': (s) => Object.assign(s.questionnaires[0].sections[0].questions[1], { minSelected: 3, maxSelected: 2 }),
    'questionnaires[0].sections[0].questions[1].options[0]': (s) => (s.questionnaires[0].sections[0].questions[1].options[0].lable = 'Sprog'),
    'fieldwork.closes': (s) => (s.fieldwork.closes = '2027-02-01'),
  };
  const variant = (path: string): Json => {
    const s = example();
    variants[path]!(s);
    return s;
  };

  it('lists exactly the broken variants tested here', () => {
    const table = doc.slice(doc.indexOf('What some broken variants of it report'));
    const paths = [...table.slice(0, table.indexOf('\n## ')).matchAll(/^\|.*\| `([^`]+)` \|$/gm)].map((m) => m[1]);
    expect(paths.sort()).toEqual(Object.keys(variants).sort());
  });

  it.each(Object.keys(variants))('reports one problem, at %s', (path) => {
    const parsed = ZStudyInputDefinition.safeParse(variant(path));
    expect(parsed.success ? [] : issuesToDetails(parsed.error).map((d) => d.path)).toEqual([path]);
  });
});

describe('the example through the real API', () => {
  let app: Running;
  const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
  const post = (path: string, body: unknown) => fetch(app.url + path, { method: 'POST', headers, body: JSON.stringify(body) });

  beforeAll(async () => {
    app = await startApp({ today: '2027-03-10' });
  });
  afterAll(async () => app.close());

  it('refuses a broken variant with its problem by JSON path and stores nothing', async () => {
    const bad = example();
    bad.questionnaires[0].sections[1].questions[1].showIf.in = ['sjaeldent', 'tit'];
    const res = await post('/api/v1/studies', bad);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: { path: string; message: string }[] };
    expect(body.problems.map((p) => p.path)).toEqual(['questionnaires[0].sections[1].questions[1].showIf.in[1]']);
    expect(body.problems[0]!.message).toContain('"tit" is not an option of "kontrakt_frist"');
    expect((await fetch(`${app.url}/api/v1/studies/opfoelgning_2027/definition`, { headers })).status).toBe(404);
  });

  it('creates the study, publishes it and takes the documented answer', async () => {
    const created = await post('/api/v1/studies', example());
    expect(created.status).toBe(201);
    const definition = (await (await fetch(`${app.url}/api/v1/studies/opfoelgning_2027/definition`, { headers })).json()) as Json;
    expect(definition).toEqual({ ...ZStudyInputDefinition.parse(example()), questionnaires: [{ ...ZStudyInputDefinition.parse(example()).questionnaires[0], version: 1 }] });

    const published = await post('/api/v1/studies/opfoelgning_2027/questionnaires/ledere/publish', {});
    expect(published.status).toBe(200);
    expect(((await published.json()) as { version: number }).version).toBe(1);

    const answer = JSON.parse(block('answer-example')) as Json;
    const stored = await post('/api/v1/responses', answer);
    expect(stored.status).toBe(201);
    const hidden = await post('/api/v1/responses', { ...answer, answers: { ...answer.answers, kontrakt_frist: 'ofte' } });
    expect(hidden.status).toBe(400);
    expect(((await hidden.json()) as { problems: { question: string }[] }).problems.map((p) => p.question)).toEqual(['kontrakt_hvorfor']);
    const count = await fetch(`${app.url}/api/v1/studies/opfoelgning_2027/questionnaires/ledere/count`, { headers });
    expect(((await count.json()) as { responses: number }).responses).toBe(1);
  });
});
