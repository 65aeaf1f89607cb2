/**
 * What the editor pages render (views/admin/editor*.ejs): the structure page's sections and the
 * question form's fields, each problem of a refused save placed next to the field its JSON path
 * names (an error summary at the top links to them), and the preview built with the respondent
 * page's own partial (views/partials/questions.ejs). Presentation only: no rule is decided here.
 */
import type { ProblemDetail } from '../errors.ts';
import { publishedQuestion, type EditorView, type QuestionEdit } from '../services/editor.ts';
import type { EditedQuestionnaire, Form } from '../survey/edit.ts';
import { QUESTION_TYPES } from '../survey/edit.ts';
import { fieldId, formFromQuestion, MAX_ROWS, OPERATORS, placeProblems, type SummaryItem } from '../survey/edit-form.ts';
import { municipalityOptions, type QuestionView } from '../survey/page.ts';
import { ZQuestion, type TQuestion, type TQuestionType } from '../survey/schema.ts';
import { describeCondition } from './describe.ts';

export const TYPE_NAMES: Record<TQuestionType, string> = { single: 'Enkeltvalg', multi: 'Flervalg', scale: 'Skala', text: 'Fritekst', number: 'Tal', municipality: 'Kommune' };
export const OPERATOR_NAMES: Record<(typeof OPERATORS)[number], string> = {
  equals: 'er lig med',
  in: 'er en af',
  notIn: 'er besvaret og ikke en af',
  answered: 'er besvaret',
  unanswered: 'er ikke besvaret',
};

const isChoice = (type: string) => type === 'single' || type === 'scale' || type === 'multi';

function rowCount(form: Form, prefix: string): number {
  let n = 0;
  while (n < MAX_ROWS && Object.keys(form).some((k) => k.startsWith(`${prefix}[${n}].`))) n += 1;
  return n;
}

export interface QuestionPageInput {
  problems?: readonly ProblemDetail[];
  conflict?: string;
  extraRows?: number;
}

/** The locals of views/admin/editor-question.ejs. */
export function questionPage(edit: QuestionEdit, input: QuestionPageInput = {}) {
  const { view, candidate, existing } = edit;
  const form = formFromQuestion(candidate);
  const type = candidate.type;
  const extra = input.extraRows ?? 2;
  const optionRows = isChoice(type) ? [...Array(Math.min(MAX_ROWS, rowCount(form, 'options') + extra)).keys()] : [];
  const combinedRows = isChoice(type) ? [...Array(Math.min(MAX_ROWS, rowCount(form, 'figure.combined') + 1)).keys()] : [];
  const fields = new Set(['type', 'id', 'text', 'help', 'required', 'showIf', 'showIf.question', 'showIf.operator', 'showIf.values', 'minSelected', 'maxSelected', 'maxLength', 'min', 'max', 'integer', 'unit', 'options', 'figure', 'figure.number', 'figure.title', 'figure.headline', 'figure.combined']);
  for (const i of optionRows) for (const f of ['label', 'code', 'nonSubstantive', 'other', 'remove']) fields.add(`options[${i}].${f}`);
  for (const i of combinedRows) for (const f of ['label', 'code', 'options']) fields.add(`figure.combined[${i}].${f}`);
  const placed = placeProblems(input.problems ?? [], edit.prefix, fields);
  const published = existing ? publishedQuestion(view, existing.id) : undefined;
  const publishedCodes = new Set(published && 'options' in published ? published.options.map((o) => o.code) : []);
  const value = (name: string): string => {
    const v = form[name];
    return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  };
  const field = (name: string) => {
    const errors = placed.byField.get(name) ?? [];
    const id = fieldId(name);
    return { id, name, value: value(name), values: ([] as string[]).concat(form[name] ?? []), errors, errorId: `${id}-fejl`, invalid: errors.length > 0 };
  };
  const parsed = ZQuestion.safeParse(candidate);
  const shown = parsed.success ? parsed.data : existing;
  const preview: QuestionView[] = shown ? [{ q: shown, value: undefined, other: '', errors: [], dependsOnPage: false, ...(shown.type === 'municipality' ? { optionsHtml: municipalityOptions(view.municipalities, undefined) } : {}) }] : [];
  return {
    title: existing ? `Rediger spørgsmål ${existing.id}` : 'Nyt spørgsmål',
    view,
    type,
    types: QUESTION_TYPES,
    typeNames: TYPE_NAMES,
    operators: OPERATORS,
    operatorNames: OPERATOR_NAMES,
    field,
    optionRows,
    combinedRows,
    publishedCodes: [...publishedCodes],
    idFrozen: published !== undefined,
    compound: form['showIf.operator'] === 'keep',
    earlier: edit.earlier.map((q) => ({ id: q.id, text: q.text, options: 'options' in q ? q.options.map((o) => ({ code: o.code, label: o.label })) : [] })),
    optionCodes: (Array.isArray(candidate.options) ? (candidate.options as { code: string; label: string }[]) : []).filter((o) => o.code),
    summary: placed.summary,
    conflict: input.conflict,
    preview,
    action: existing ? `${editUrl(view.study, view.questionnaire.id)}/questions/${existing.id}` : `${editUrl(view.study, view.questionnaire.id)}/sections/${edit.sectionId}/new-question`,
    sectionId: edit.sectionId,
    isNew: !existing,
    checkUrl: `${editUrl(view.study, view.questionnaire.id)}/check`,
    backUrl: editUrl(view.study, view.questionnaire.id),
  };
}

export function editUrl(study: string, questionnaire: string): string {
  return `/admin/studies/${encodeURIComponent(study)}/questionnaires/${encodeURIComponent(questionnaire)}/edit`;
}

/** The locals of views/admin/editor.ejs: every section and question with its problems. */
export function structurePage(view: EditorView, extra: { problems?: readonly ProblemDetail[]; refused?: EditedQuestionnaire; conflict?: string; saved?: boolean } = {}) {
  const problemsAt = new Map<string, string[]>();
  const summary: SummaryItem[] = [];
  // Problem paths point into the refused questionnaire (after the move or deletion), not the saved one.
  const against = extra.refused ?? view.questionnaire;
  for (const d of extra.problems ?? []) {
    const m = /^sections\[(\d+)\](?:\.questions\[(\d+)\])?/.exec(d.path);
    const section = m ? against.sections[Number(m[1])] : undefined;
    const question = m && m[2] !== undefined ? section?.questions[Number(m[2])] : undefined;
    const anchor = question ? `q-${question.id}` : section ? `s-${section.id}` : undefined;
    if (anchor) problemsAt.set(anchor, [...(problemsAt.get(anchor) ?? []), d.message]);
    summary.push({ message: `${d.path || 'spørgeskemaet'}: ${d.message}`, ...(anchor ? { href: `#${anchor}` } : {}) });
  }
  const qn = view.questionnaire;
  return {
    title: `Rediger ${qn.title}`,
    view,
    qn,
    typeNames: TYPE_NAMES,
    types: QUESTION_TYPES,
    describe: (q: TQuestion) => (q.showIf ? describeCondition(q.showIf, qn) : ''),
    problemsAt,
    summary,
    conflict: extra.conflict,
    saved: extra.saved ?? false,
    base: editUrl(view.study, qn.id),
  };
}
