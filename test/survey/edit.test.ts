/**
 * The editor's pure operations (src/survey/edit.ts), known answers: codes from Danish labels, the
 * moves, copies and deletions of questions and sections, and a posted form turned into a question.
 */
import { describe, expect, it } from 'vitest';
import {
  addQuestion,
  addSection,
  codeFromLabel,
  deleteQuestion,
  deleteSection,
  duplicateQuestion,
  duplicateSection,
  moveQuestion,
  moveSection,
  newQuestion,
  questionFromForm,
  updateQuestion,
  updateSection,
  type EditedQuestionnaire,
} from '../../src/survey/edit.ts';
import { fieldOfPath, formFromQuestion } from '../../src/survey/edit-form.ts';
import { ZQuestionnaireDefinition } from '../../src/survey/refinements.ts';
import { ZCode, ZQuestion, type TQuestion } from '../../src/survey/schema.ts';

const qn = (): EditedQuestionnaire => ({
  id: 'ledere',
  group: 'Ledere',
  version: 1,
  title: 'Ledere',
  intro: 'Intro',
  minutes: 5,
  sections: [
    {
      id: 's1',
      title: 'Om dig',
      questions: [
        { id: 'a', type: 'single', text: 'A?', required: true, options: [{ code: 'ja', label: 'Ja', nonSubstantive: false, other: false }, { code: 'nej', label: 'Nej', nonSubstantive: false, other: false }] },
        { id: 'b', type: 'text', text: 'B?', required: false, maxLength: 2000, showIf: { question: 'a', equals: 'ja' } },
      ],
    },
    { id: 's2', title: 'Mere', questions: [{ id: 'c', type: 'number', text: 'C?', required: true, integer: true }] },
  ],
});

const ids = (q: EditedQuestionnaire) => q.sections.map((s) => `${s.id}: ${s.questions.map((x) => x.id).join(' ')}`);

describe('codeFromLabel', () => {
  it('writes Danish letters out, lower-cases, and makes every other character an underscore', () => {
    expect(codeFromLabel('Ved ikke')).toBe('ved_ikke');
    expect(codeFromLabel('Næsten altid')).toBe('naesten_altid');
    expect(codeFromLabel('ÆØÅ æøå')).toBe('aeoeaa_aeoeaa');
    expect(codeFromLabel('Ø-område / Å')).toBe('oe_omraade_aa');
    expect(codeFromLabel('  Ja!  ')).toBe('ja');
    expect(codeFromLabel('1-2 gange om året')).toBe('1_2_gange_om_aaret');
    expect(codeFromLabel('Andet, angiv')).toBe('andet_angiv');
    expect(codeFromLabel('Café')).toBe('cafe');
  });

  it('is unique among the codes taken, by the suffix _2, _3, …', () => {
    expect(codeFromLabel('Ja', ['ja'])).toBe('ja_2');
    expect(codeFromLabel('Ja', ['ja', 'ja_2'])).toBe('ja_3');
    expect(codeFromLabel('Nej', ['ja'])).toBe('nej');
  });

  it('always gives a valid code: a label without letters becomes "svar", a long one is cut to 64 characters', () => {
    expect(codeFromLabel('???')).toBe('svar');
    expect(codeFromLabel('')).toBe('svar');
    const long = codeFromLabel('Meget lang svarmulighed '.repeat(10));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(ZCode.safeParse(long).success).toBe(true);
    const suffixed = codeFromLabel('Meget lang svarmulighed '.repeat(10), [long]);
    expect(suffixed.length).toBeLessThanOrEqual(64);
    expect(suffixed.endsWith('_2')).toBe(true);
    expect(ZCode.safeParse(suffixed).success).toBe(true);
  });
});

describe('moving, copying and deleting', () => {
  it('moves a question within its section and across section boundaries', () => {
    expect(ids(moveQuestion(qn(), 'b', 'up'))).toEqual(['s1: b a', 's2: c']);
    expect(ids(moveQuestion(qn(), 'b', 'down'))).toEqual(['s1: a', 's2: b c']);
    expect(ids(moveQuestion(qn(), 'c', 'up'))).toEqual(['s1: a b c', 's2: ']);
    // The first question cannot go further up, the last no further down: nothing changes.
    expect(ids(moveQuestion(qn(), 'a', 'up'))).toEqual(['s1: a b', 's2: c']);
    expect(ids(moveQuestion(qn(), 'c', 'down'))).toEqual(['s1: a b', 's2: c']);
  });

  it('returns a new questionnaire and leaves the one given as it was', () => {
    const before = qn();
    const copy = structuredClone(before);
    moveQuestion(before, 'b', 'up');
    deleteQuestion(before, 'a');
    expect(before).toEqual(copy);
  });

  it('duplicates a question right after itself under a new unique id, without its figure', () => {
    const start = updateQuestion(qn(), 'a', { ...qn().sections[0]!.questions[0]!, figure: { number: 3, title: 'A', combined: [], includeNonSubstantive: false } });
    const { questionnaire, id } = duplicateQuestion(start, 'a');
    expect(id).toBe('a_2');
    expect(ids(questionnaire)).toEqual(['s1: a a_2 b', 's2: c']);
    expect(questionnaire.sections[0]!.questions[1]!.figure).toBeUndefined();
    expect(questionnaire.sections[0]!.questions[1]!.options).toEqual(start.sections[0]!.questions[0]!.options);
    expect(duplicateQuestion(questionnaire, 'a').id).toBe('a_3');
  });

  it('deletes a question; an unknown id is an error naming it', () => {
    expect(ids(deleteQuestion(qn(), 'b'))).toEqual(['s1: a', 's2: c']);
    expect(() => deleteQuestion(qn(), 'zz')).toThrow(/"zz"/);
  });

  it('adds a question at the end of a section or at a position', () => {
    const q = newQuestion('scale', qn());
    expect(ids(addQuestion(qn(), 's2', q))).toEqual(['s1: a b', `s2: c ${q.id}`]);
    expect(ids(addQuestion(qn(), 's1', q, 1))).toEqual([`s1: a ${q.id} b`, 's2: c']);
  });

  it('gives every type a starter question the schema accepts, with an id not yet taken', () => {
    for (const type of ['single', 'multi', 'scale', 'text', 'number', 'municipality'] as const) {
      const q = newQuestion(type, qn());
      expect(ZQuestion.safeParse(q).success, type).toBe(true);
      expect(q.type).toBe(type);
    }
    const taken = addQuestion(qn(), 's1', newQuestion('text', qn()));
    expect(newQuestion('text', taken).id).not.toBe(newQuestion('text', qn()).id);
  });

  it('moves, changes, copies and deletes sections', () => {
    expect(ids(moveSection(qn(), 's2', 'up'))).toEqual(['s2: c', 's1: a b']);
    expect(ids(moveSection(qn(), 's2', 'down'))).toEqual(['s1: a b', 's2: c']);
    const changed = updateSection(qn(), 's1', { title: 'Ny titel', intro: 'Læs dette' });
    expect(changed.sections[0]).toMatchObject({ id: 's1', title: 'Ny titel', intro: 'Læs dette' });
    expect(updateSection(changed, 's1', { title: 'Uden intro', intro: '' }).sections[0]!.intro).toBeUndefined();
    expect(ids(deleteSection(qn(), 's1'))).toEqual(['s2: c']);
  });

  it('copies a section with new ids, and a condition inside the copy points at the copied question', () => {
    const { questionnaire, id } = duplicateSection(qn(), 's1');
    expect(id).toBe('s1_2');
    expect(ids(questionnaire)).toEqual(['s1: a b', 's1_2: a_2 b_2', 's2: c']);
    expect(questionnaire.sections[1]!.questions[1]!.showIf).toEqual({ question: 'a_2', equals: 'ja' });
    expect(ZQuestionnaireDefinition.safeParse(questionnaire).success).toBe(true);
  });

  it('adds a section with a first question after the last one', () => {
    const first = newQuestion('text', qn());
    const added = addSection(qn(), { title: 'Afslutning', intro: '' }, first);
    expect(added.sections.at(-1)).toEqual({ id: 'afslutning', title: 'Afslutning', questions: [first] });
    expect(addSection(added, { title: 'Afslutning' }, newQuestion('text', added)).sections.at(-1)!.id).toBe('afslutning_2');
  });
});

describe('questionFromForm', () => {
  it('builds a single choice: codes generated from blank labels, blank rows left out, "Ved ikke" outside the base', () => {
    const q = questionFromForm({
      type: 'single', id: 'tilfreds', text: 'Er du tilfreds?', help: '', required: 'on',
      'options[0].label': 'Ja', 'options[0].code': '',
      'options[1].label': 'Nej', 'options[1].code': 'nej_tak',
      'options[2].label': '', 'options[2].code': '',
      'options[3].label': 'Ved ikke', 'options[3].code': '', 'options[3].nonSubstantive': 'on',
    });
    expect(q).toEqual({
      id: 'tilfreds', type: 'single', text: 'Er du tilfreds?', required: true,
      options: [
        { code: 'ja', label: 'Ja', nonSubstantive: false, other: false },
        { code: 'nej_tak', label: 'Nej', nonSubstantive: false, other: false },
        { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true, other: false },
      ],
    });
    expect(ZQuestion.safeParse(q).success).toBe(true);
  });

  it('generates unique codes (two labels that write the same) and an id from the text when none is given', () => {
    const q = questionFromForm({ type: 'scale', text: 'Hvor ofte får du hjælp?', 'options[0].label': 'Ofte', 'options[1].label': 'ofte!' }, { takenIds: ['hvor_ofte_faar_du_hjaelp'] });
    expect(q.id).toBe('hvor_ofte_faar_du_hjaelp_2');
    expect((q.options as { code: string }[]).map((o) => o.code)).toEqual(['ofte', 'ofte_2']);
    expect(q.required).toBe(false);
  });

  it('keeps the code of an option that is published, whatever the form says; a new option\'s code can be edited', () => {
    const published = qn().sections[0]!.questions[0] as TQuestion;
    const q = questionFromForm(
      { type: 'single', id: 'a', text: 'A?', 'options[0].label': 'Ja tak', 'options[0].code': 'ja_tak', 'options[0].was': 'ja', 'options[1].label': 'Nej', 'options[1].code': 'nej', 'options[1].was': 'nej', 'options[2].label': 'Måske', 'options[2].code': 'maaske_lidt' },
      { existing: published, published },
    );
    expect((q.options as { code: string; label: string }[]).map((o) => [o.code, o.label])).toEqual([['ja', 'Ja tak'], ['nej', 'Nej'], ['maaske_lidt', 'Måske']]);
  });

  it('leaves out a row marked for removal, even one with a published code', () => {
    const published = qn().sections[0]!.questions[0] as TQuestion;
    const q = questionFromForm({ type: 'single', id: 'a', text: 'A?', 'options[0].label': 'Ja', 'options[0].code': 'ja', 'options[0].was': 'ja', 'options[0].remove': 'on', 'options[1].label': 'Nej', 'options[1].was': 'nej', 'options[2].label': 'Måske' }, { existing: published, published });
    expect((q.options as { code: string }[]).map((o) => o.code)).toEqual(['nej', 'maaske']);
  });

  it('keeps the id of a published question', () => {
    const published = qn().sections[0]!.questions[0] as TQuestion;
    expect(questionFromForm({ type: 'single', id: 'nyt_id', text: 'A?' }, { existing: published, published }).id).toBe('a');
    expect(questionFromForm({ type: 'single', id: 'nyt_id', text: 'A?' }, { existing: published }).id).toBe('nyt_id');
  });

  it('builds a multi choice with "Andet, angiv" and limits', () => {
    const q = questionFromForm({ type: 'multi', id: 'tilbud', text: 'Hvilke tilbud?', required: 'on', minSelected: '1', maxSelected: '', 'options[0].label': 'Sprogskole', 'options[1].label': 'Praktik', 'options[2].label': 'Andet, angiv', 'options[2].other': 'on' });
    expect(q).toMatchObject({ type: 'multi', minSelected: 1, options: [{ code: 'sprogskole' }, { code: 'praktik' }, { code: 'andet_angiv', other: true }] });
    expect('maxSelected' in q).toBe(false);
    expect(ZQuestion.safeParse(q).success).toBe(true);
  });

  it('builds text, number and municipality questions and leaves out the fields of other types', () => {
    expect(questionFromForm({ type: 'text', id: 'hvorfor', text: 'Hvorfor?', maxLength: '500', 'options[0].label': 'Ignoreret' })).toEqual({ id: 'hvorfor', type: 'text', text: 'Hvorfor?', required: false, maxLength: 500 });
    const n = questionFromForm({ type: 'number', id: 'antal', text: 'Hvor mange?', min: '0', max: '1000,5', integer: 'on', unit: 'borgere' });
    expect(n).toEqual({ id: 'antal', type: 'number', text: 'Hvor mange?', required: false, min: 0, max: 1000.5, integer: true, unit: 'borgere' });
    expect(questionFromForm({ type: 'number', id: 'antal', text: 'Hvor mange?' })).toMatchObject({ integer: false });
    expect(questionFromForm({ type: 'municipality', id: 'kommune', text: 'Kommune?', required: 'on' })).toEqual({ id: 'kommune', type: 'municipality', text: 'Kommune?', required: true });
  });

  it('keeps what does not parse as it was typed, so the schema names the field', () => {
    const q = questionFromForm({ type: 'number', id: 'antal', text: 'Hvor mange?', min: 'mange' });
    expect(q.min).toBe('mange');
    const parsed = ZQuestion.safeParse(q);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['min']);
  });

  it('builds the condition: question, operator and values', () => {
    const base = { type: 'text', id: 'b', text: 'B?' };
    expect(questionFromForm({ ...base, 'showIf.question': 'a', 'showIf.operator': 'equals', 'showIf.values': 'a:ja' }).showIf).toEqual({ question: 'a', equals: 'ja' });
    expect(questionFromForm({ ...base, 'showIf.question': 'a', 'showIf.operator': 'in', 'showIf.values': ['a:ja', 'a:nej'] }).showIf).toEqual({ question: 'a', in: ['ja', 'nej'] });
    expect(questionFromForm({ ...base, 'showIf.question': 'a', 'showIf.operator': 'notIn', 'showIf.values': ['a:nej'] }).showIf).toEqual({ question: 'a', notIn: ['nej'] });
    expect(questionFromForm({ ...base, 'showIf.question': 'a', 'showIf.operator': 'answered', 'showIf.values': ['a:nej'] }).showIf).toEqual({ question: 'a', answered: true });
    expect(questionFromForm({ ...base, 'showIf.question': 'a', 'showIf.operator': 'unanswered' }).showIf).toEqual({ question: 'a', answered: false });
    expect('showIf' in questionFromForm({ ...base, 'showIf.question': '', 'showIf.operator': 'equals' })).toBe(false);
    // Values of another question than the one chosen are kept as codes (the refinements then name them).
    expect(questionFromForm({ ...base, 'showIf.question': 'a', 'showIf.operator': 'in', 'showIf.values': ['a:ja', 'c:x'] }).showIf).toEqual({ question: 'a', in: ['ja', 'x'] });
  });

  it('keeps a combined condition the builder cannot show when asked to', () => {
    const existing = { id: 'b', type: 'text', text: 'B?', required: false, maxLength: 2000, showIf: { any: [{ question: 'a', equals: 'ja' }, { question: 'a', answered: false }] } } as TQuestion;
    expect(questionFromForm({ type: 'text', id: 'b', text: 'B?', 'showIf.operator': 'keep' }, { existing }).showIf).toEqual(existing.showIf);
  });

  it('builds the figure: number, title, combined categories, headline and the base', () => {
    const q = questionFromForm({
      type: 'scale', id: 'frist', text: 'Frist?',
      'options[0].label': 'Altid', 'options[1].label': 'Næsten altid', 'options[2].label': 'Aldrig', 'options[3].label': 'Ved ikke', 'options[3].nonSubstantive': 'on',
      'figure.number': '7', 'figure.title': 'Frister', 'figure.headline': 'altid_naesten', 'figure.includeNonSubstantive': 'on',
      'figure.combined[0].label': 'Altid eller næsten altid', 'figure.combined[0].code': 'altid_naesten', 'figure.combined[0].options': ['altid', 'naesten_altid'],
      'figure.combined[1].label': '', 'figure.combined[1].code': '',
    });
    expect(q.figure).toEqual({ number: 7, title: 'Frister', headline: 'altid_naesten', includeNonSubstantive: true, combined: [{ code: 'altid_naesten', label: 'Altid eller næsten altid', options: ['altid', 'naesten_altid'] }] });
    expect(ZQuestion.safeParse(q).success).toBe(true);
    expect('figure' in questionFromForm({ type: 'scale', id: 'x', text: 'X', 'figure.number': '', 'figure.title': '' })).toBe(false);
    // A combined category without a code gets one from its label.
    const generated = questionFromForm({ type: 'scale', id: 'x', text: 'X', 'figure.number': '2', 'figure.title': 'T', 'figure.combined[0].label': 'Altid eller ofte', 'figure.combined[0].options': 'altid' });
    expect((generated.figure as { combined: { code: string; options: string[] }[] }).combined[0]).toEqual({ code: 'altid_eller_ofte', label: 'Altid eller ofte', options: ['altid'] });
  });

  it('keeps what the form does not show (English texts, sources) from the question it edits, and ignores unknown fields', () => {
    const existing = { id: 'a', type: 'single', text: 'A?', textEn: 'A in English', source: 'seed 000 l. 3', required: true, options: [{ code: 'ja', label: 'Ja', labelEn: 'Yes', nonSubstantive: false, other: false }, { code: 'nej', label: 'Nej', nonSubstantive: false, other: false }], figure: { number: 1, title: 'A', combined: [], includeNonSubstantive: false, source: 'seed 000 l. 9' } } as TQuestion;
    const q = questionFromForm({ type: 'single', id: 'a', text: 'A!', evil: 'x', '__proto__': 'y', 'options[0].label': 'Ja', 'options[0].was': 'ja', 'options[1].label': 'Nej', 'options[1].was': 'nej', 'figure.number': '1', 'figure.title': 'A' }, { existing });
    expect(q).toMatchObject({ text: 'A!', textEn: 'A in English', source: 'seed 000 l. 3', figure: { source: 'seed 000 l. 9' } });
    expect((q.options as { labelEn?: string }[])[0]!.labelEn).toBe('Yes');
    expect('evil' in q).toBe(false);
    expect(ZQuestion.safeParse(q).success).toBe(true);
  });

  it('takes only strings: a list where one value is expected counts as its first string', () => {
    const q = questionFromForm({ type: 'text', id: ['x', 'y'], text: ['Første', 'Anden'] } as unknown as Record<string, string>);
    expect(q).toMatchObject({ id: 'x', text: 'Første' });
  });
});

describe('formFromQuestion and fieldOfPath', () => {
  it('gives the form values that questionFromForm reads back as the same question', () => {
    const q = {
      id: 'frist', type: 'scale', text: 'Frist?', help: 'Tænk på sidste år', required: true,
      showIf: { question: 'a', in: ['ja', 'nej'] },
      options: [{ code: 'altid', label: 'Altid', nonSubstantive: false, other: false }, { code: 'ofte', label: 'Ofte', nonSubstantive: false, other: false }, { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true, other: false }],
      figure: { number: 4, title: 'Frister', combined: [{ code: 'mindst_ofte', label: 'Altid eller ofte', options: ['altid', 'ofte'] }], headline: 'mindst_ofte', includeNonSubstantive: false },
    } as TQuestion;
    expect(questionFromForm(formFromQuestion(q), { existing: q, published: q })).toEqual(q);
    const n = { id: 'antal', type: 'number', text: 'Antal?', required: false, min: 0, max: 10, integer: true, unit: 'sager' } as TQuestion;
    expect(questionFromForm(formFromQuestion(n), { existing: n })).toEqual(n);
  });

  it('finds the field of a problem path, or none', () => {
    const fields = new Set(['text', 'options[1].code', 'options', 'showIf.question', 'showIf.values', 'figure.combined[0].options', 'figure.number']);
    expect(fieldOfPath('options[1].code', fields)).toBe('options[1].code');
    expect(fieldOfPath('showIf.in[1]', fields)).toBe('showIf.values');
    expect(fieldOfPath('showIf.equals', fields)).toBe('showIf.values');
    expect(fieldOfPath('figure.combined[0].options[2]', fields)).toBe('figure.combined[0].options');
    expect(fieldOfPath('options[4].label', fields)).toBe('options');
    expect(fieldOfPath('maxSelected', fields)).toBeUndefined();
  });
});
