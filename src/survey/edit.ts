/**
 * The questionnaire editor's operations, pure: codes from Danish labels, adding, changing, moving,
 * copying and deleting questions and sections, and a posted form turned into a question. Each
 * operation returns a new questionnaire and leaves the one given as it was.
 *
 * Nothing here decides whether the result is valid: saving it as the draft
 * (services/authoring.ts saveDraft) checks it with the schema and refinements the files are read
 * with, so there is one copy of the rules. That is why the edited shapes below are loose: a form
 * value that does not parse is kept as typed, for the schema to name its field.
 */
import { idFromText, withSuffix } from './codes.ts';
import type { TCondition, TQuestion, TQuestionnaire, TQuestionType } from './schema.ts';

/** A question as the editor holds it before it is checked. */
export type EditedQuestion = { id: string; type: string; [key: string]: unknown };
export interface EditedSection {
  id: string;
  title: string;
  intro?: string;
  questions: EditedQuestion[];
}
export type EditedQuestionnaire = Omit<TQuestionnaire, 'sections'> & { sections: EditedSection[] };
export type Direction = 'up' | 'down';
/** A posted form: field name -> its value (a repeated field: a list). */
export type Form = Record<string, unknown>;

export const QUESTION_TYPES: readonly TQuestionType[] = ['single', 'multi', 'scale', 'text', 'number', 'municipality'];
export function questionIds(qn: EditedQuestionnaire): string[] {
  return qn.sections.flatMap((s) => s.questions.map((q) => q.id));
}

/** Where a question is: its section's and its own index, or undefined. */
export function locateQuestion(qn: EditedQuestionnaire, id: string): { section: number; index: number } | undefined {
  for (const [section, s] of qn.sections.entries()) {
    const index = s.questions.findIndex((q) => q.id === id);
    if (index >= 0) return { section, index };
  }
  return undefined;
}

/**
 * Where a question form saves: the question `id`, or (no id) a new question at the end of section
 * `sectionId`. Gives its section, the questions before it (those a condition may refer to) and
 * its JSON path in the draft; undefined when the question or section is not there.
 */
export function placeOf(qn: EditedQuestionnaire, id: string | undefined, sectionId: string): { sectionId: string; earlier: EditedQuestion[]; prefix: string } | undefined {
  const at = id === undefined ? undefined : locateQuestion(qn, id);
  if (id !== undefined && !at) return undefined;
  const si = at ? at.section : qn.sections.findIndex((s) => s.id === sectionId);
  const section = qn.sections[si];
  if (!section) return undefined;
  const qi = at ? at.index : section.questions.length;
  const earlier = qn.sections.slice(0, si).flatMap((s) => s.questions).concat(section.questions.slice(0, qi));
  return { sectionId: section.id, earlier, prefix: `sections[${si}].questions[${qi}]` };
}

function mustLocate(qn: EditedQuestionnaire, id: string): { section: number; index: number } {
  const at = locateQuestion(qn, id);
  if (!at) throw new Error(`there is no question "${id}" in the questionnaire "${qn.id}"`);
  return at;
}

function sectionIndex(qn: EditedQuestionnaire, id: string): number {
  const index = qn.sections.findIndex((s) => s.id === id);
  if (index < 0) throw new Error(`there is no section "${id}" in the questionnaire "${qn.id}"`);
  return index;
}

const copy = (qn: EditedQuestionnaire): EditedQuestionnaire => structuredClone(qn);

/** A new question of `type` that the schema accepts, with an id not yet taken (the editor's "add question"). */
export function newQuestion(type: TQuestionType, qn: EditedQuestionnaire): TQuestion {
  const id = withSuffix(`nyt_${type === 'municipality' ? 'kommune' : 'spoergsmaal'}`, new Set(questionIds(qn)));
  const text = type === 'municipality' ? 'Hvilken kommune arbejder du i?' : 'Nyt spørgsmål';
  const options = [
    { code: 'ja', label: 'Ja', nonSubstantive: false, other: false },
    { code: 'nej', label: 'Nej', nonSubstantive: false, other: false },
  ];
  switch (type) {
    case 'single':
    case 'scale':
    case 'multi':
      return { id, type, text, required: true, options };
    case 'text':
      return { id, type, text, required: false, maxLength: 2000 };
    case 'number':
      return { id, type, text, required: true, integer: true };
    case 'municipality':
      return { id, type, text, required: true };
  }
}

export function addQuestion(qn: EditedQuestionnaire, sectionId: string, question: EditedQuestion, at?: number): EditedQuestionnaire {
  const next = copy(qn);
  const questions = next.sections[sectionIndex(next, sectionId)]!.questions;
  questions.splice(at === undefined ? questions.length : Math.max(0, Math.min(at, questions.length)), 0, structuredClone(question));
  return next;
}

export function updateQuestion(qn: EditedQuestionnaire, id: string, question: EditedQuestion): EditedQuestionnaire {
  const next = copy(qn);
  const at = mustLocate(next, id);
  next.sections[at.section]!.questions[at.index] = structuredClone(question);
  return next;
}

/**
 * One step up or down in reading order: past the first (last) question of a section it goes to
 * the end (start) of the section before (after). At the very top or bottom nothing changes.
 */
export function moveQuestion(qn: EditedQuestionnaire, id: string, direction: Direction): EditedQuestionnaire {
  const next = copy(qn);
  const { section, index } = mustLocate(next, id);
  const list = next.sections[section]!.questions;
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target >= 0 && target < list.length) {
    [list[index], list[target]] = [list[target]!, list[index]!];
    return next;
  }
  const neighbour = next.sections[direction === 'up' ? section - 1 : section + 1];
  if (!neighbour) return next;
  const [moved] = list.splice(index, 1);
  if (direction === 'up') neighbour.questions.push(moved!);
  else neighbour.questions.unshift(moved!);
  return next;
}

/** A copy right after the question, under a new unique id; without its figure (a figure number is drawn once). */
export function duplicateQuestion(qn: EditedQuestionnaire, id: string): { questionnaire: EditedQuestionnaire; id: string } {
  const { section, index } = mustLocate(qn, id);
  const original = qn.sections[section]!.questions[index]!;
  const newId = withSuffix(id, new Set(questionIds(qn)));
  const { figure: _figure, ...rest } = structuredClone(original);
  return { questionnaire: addQuestion(qn, qn.sections[section]!.id, { ...rest, id: newId }, index + 1), id: newId };
}

export function deleteQuestion(qn: EditedQuestionnaire, id: string): EditedQuestionnaire {
  const next = copy(qn);
  const { section, index } = mustLocate(next, id);
  next.sections[section]!.questions.splice(index, 1);
  return next;
}

// --- Sections ------------------------------------------------------------------------------

export interface SectionFields {
  title: string;
  intro?: string;
}

function sectionFields(fields: SectionFields): SectionFields {
  return { title: fields.title, ...(fields.intro ? { intro: fields.intro } : {}) };
}

/** A new last section (id from its title) holding `first` (a section has at least one question). */
export function addSection(qn: EditedQuestionnaire, fields: SectionFields, first: EditedQuestion): EditedQuestionnaire {
  const next = copy(qn);
  const id = idFromText(fields.title, next.sections.map((s) => s.id));
  next.sections.push({ id, ...sectionFields(fields), questions: [structuredClone(first)] });
  return next;
}

export function updateSection(qn: EditedQuestionnaire, id: string, fields: SectionFields): EditedQuestionnaire {
  const next = copy(qn);
  const index = sectionIndex(next, id);
  const { intro: _intro, title: _title, ...rest } = next.sections[index]!;
  next.sections[index] = { ...rest, ...sectionFields(fields), questions: rest.questions };
  return next;
}

export function moveSection(qn: EditedQuestionnaire, id: string, direction: Direction): EditedQuestionnaire {
  const next = copy(qn);
  const index = sectionIndex(next, id);
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target < 0 || target >= next.sections.length) return next;
  [next.sections[index], next.sections[target]] = [next.sections[target]!, next.sections[index]!];
  return next;
}

function renameInCondition(condition: TCondition, names: Map<string, string>): TCondition {
  if ('all' in condition) return { all: condition.all.map((c) => renameInCondition(c, names)) };
  if ('any' in condition) return { any: condition.any.map((c) => renameInCondition(c, names)) };
  return { ...condition, question: names.get(condition.question) ?? condition.question };
}

/**
 * A copy right after the section with new section and question ids (figures left out); a condition
 * on a question of the same section points at that question's copy.
 */
export function duplicateSection(qn: EditedQuestionnaire, id: string): { questionnaire: EditedQuestionnaire; id: string } {
  const next = copy(qn);
  const index = sectionIndex(next, id);
  const original = next.sections[index]!;
  const taken = new Set(questionIds(next));
  const names = new Map<string, string>();
  for (const q of original.questions) {
    const name = withSuffix(q.id, taken);
    taken.add(name);
    names.set(q.id, name);
  }
  const questions = original.questions.map((q) => {
    const { figure: _figure, ...rest } = structuredClone(q);
    const showIf = rest.showIf as TCondition | undefined;
    return { ...rest, id: names.get(q.id)!, ...(showIf ? { showIf: renameInCondition(showIf, names) } : {}) };
  });
  const newId = withSuffix(id, new Set(next.sections.map((s) => s.id)));
  next.sections.splice(index + 1, 0, { ...structuredClone(original), id: newId, questions });
  return { questionnaire: next, id: newId };
}

export function deleteSection(qn: EditedQuestionnaire, id: string): EditedQuestionnaire {
  const next = copy(qn);
  next.sections.splice(sectionIndex(next, id), 1);
  return next;
}

export { codeFromLabel, idFromText } from './codes.ts';
export { questionFromForm } from './edit-form.ts';
