/**
 * View models for the respondent pages: which questions a section page shows, the values to
 * fill in, the errors to show, and the conditions the browser script re-evaluates.
 * No Express here: routes hand the result to `res.render`.
 */
import type { TMunicipality } from '../frame/schema.ts';
import { isQuestionVisible } from './condition.ts';
import type { TAnswers, TAnswerValue, TCondition, TQuestion, TQuestionnaire, TSection } from './schema.ts';
import { encodeFlowState, type FlowState } from './flow-state.ts';

export interface FieldProblem {
  question: string;
  message: string;
}

/** A raw form value as it is shown again in an input. */
export type RawValue = string | string[] | undefined;

export interface QuestionView {
  q: TQuestion;
  value: RawValue;
  other: string;
  errors: string[];
  /** Depends on another question of the same page: shown without JavaScript, toggled with it. */
  dependsOnPage: boolean;
  /** Municipality question: the escaped <option> elements of the frame, the chosen one selected. */
  optionsHtml?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const optionHtmlCache = new WeakMap<readonly TMunicipality[], string[]>();

/**
 * The <option> list of a municipality select. Built once per (cached) municipality list: a frame
 * has ~100 municipalities: escaped once, not on every page view.
 */
export function municipalityOptions(municipalities: readonly TMunicipality[], selected: string | undefined): string {
  let options = optionHtmlCache.get(municipalities);
  if (!options) {
    options = municipalities.map((m) => `<option value="${escapeHtml(m.code)}">${escapeHtml(m.name)}</option>`);
    optionHtmlCache.set(municipalities, options);
  }
  const index = selected === undefined ? -1 : municipalities.findIndex((m) => m.code === selected);
  if (index < 0) return options.join('\n');
  const marked = options.slice();
  marked[index] = marked[index]!.replace('">', '" selected>');
  return marked.join('\n');
}

export interface ErrorLink {
  message: string;
  href: string | undefined;
}

/** Every question id a condition mentions. */
export function conditionQuestionIds(cond: TCondition): string[] {
  if ('all' in cond) return cond.all.flatMap(conditionQuestionIds);
  if ('any' in cond) return cond.any.flatMap(conditionQuestionIds);
  return [cond.question];
}

function dependsOnSection(q: TQuestion, section: TSection): boolean {
  if (!q.showIf) return false;
  const ids = new Set(section.questions.map((x) => x.id));
  return conditionQuestionIds(q.showIf).some((id) => ids.has(id));
}

/**
 * Questions of a section to render, given the answers of the other pages: a question whose
 * condition depends only on other pages is left out when it is hidden; one that depends on this
 * page is always rendered (the server decides on submit, the browser hides it meanwhile).
 */
export function renderedQuestions(section: TSection, earlier: TAnswers): TQuestion[] {
  return section.questions.filter((q) => dependsOnSection(q, section) || isQuestionVisible(q, earlier));
}

/** A section is skipped when none of its questions can be shown. */
export function sectionIsShown(section: TSection, earlier: TAnswers): boolean {
  return renderedQuestions(section, earlier).length > 0;
}

function displayValue(value: TAnswerValue | undefined): RawValue {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return String(value).replace('.', ',');
  return value;
}

/** Values to show on a page: what was just posted (after an error), else what the state carries. */
export function valuesFromState(section: TSection, state: FlowState): Record<string, RawValue> {
  const values: Record<string, RawValue> = {};
  for (const q of section.questions) {
    values[q.id] = q.type === 'municipality' ? state.m : displayValue(state.a[q.id]);
    const other = state.a[`${q.id}_other`];
    if (typeof other === 'string') values[`${q.id}_other`] = other;
  }
  return values;
}

/** The fields of a section as posted by a browser: strings or string lists only. */
export function rawFromBody(section: TSection, body: Record<string, unknown>): Record<string, RawValue> {
  const raw: Record<string, RawValue> = {};
  const pick = (key: string) => {
    const v = body[key];
    if (typeof v === 'string') raw[key] = v;
    else if (Array.isArray(v)) raw[key] = v.filter((x): x is string => typeof x === 'string');
  };
  for (const q of section.questions) {
    pick(q.id);
    pick(`${q.id}_other`);
    // One ticked checkbox arrives as a string: a multi-select's value is always a list.
    const value = raw[q.id];
    if (q.type === 'multi' && typeof value === 'string') raw[q.id] = [value];
    // "Andet, angiv" without JavaScript: a text typed in the box of a single choice with no option chosen chooses its option.
    const other = raw[`${q.id}_other`];
    if ((q.type === 'single' || q.type === 'scale') && (value === undefined || value === '') && typeof other === 'string' && other.trim() !== '') {
      const option = q.options.find((o) => o.other);
      if (option) raw[q.id] = option.code;
    }
  }
  return raw;
}

function fieldId(q: TQuestion): string {
  if ((q.type === 'single' || q.type === 'scale' || q.type === 'multi') && q.options[0]) return `${q.id}-${q.options[0].code}`;
  return q.id;
}

export interface PageModel {
  title: string;
  studyId: string;
  questionnaire: TQuestionnaire;
  section: TSection;
  pageNumber: number;
  pageCount: number;
  action: string;
  backAllowed: boolean;
  questions: QuestionView[];
  errorLinks: ErrorLink[];
  state: string;
  municipalities: TMunicipality[];
  /** JSON for <script type="application/json">, already safe to place in HTML. */
  conditionsJson: string;
}

/** JSON that cannot end a <script> element or open a comment. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function buildPage(args: {
  studyId: string;
  questionnaire: TQuestionnaire;
  /** The section to show (the questionnaire's section at sectionIndex, possibly without its municipality question). */
  section?: TSection;
  sectionIndex: number;
  /** URL prefix of the pages; default `/s/<study>/<questionnaire>`. */
  base?: string;
  state: FlowState;
  earlier: TAnswers;
  values: Record<string, RawValue>;
  problems: FieldProblem[];
  municipalities: TMunicipality[];
  /** The progress as this respondent sees it (pages whose questions are all hidden are not counted); default: every section. */
  progress?: { pageNumber: number; pageCount: number };
}): PageModel {
  const { studyId, questionnaire, sectionIndex, state, earlier, values, problems } = args;
  const section = args.section ?? questionnaire.sections[sectionIndex]!;
  const shown = renderedQuestions(section, earlier);
  const ids = new Set(section.questions.map((q) => q.id));
  const baseOf = (key: string) => (key.endsWith('_other') && ids.has(key.slice(0, -6)) ? key.slice(0, -6) : key);

  const questions: QuestionView[] = shown.map((q) => {
    const other = values[`${q.id}_other`];
    return {
      q,
      value: values[q.id],
      other: typeof other === 'string' ? other : '',
      errors: problems.filter((p) => baseOf(p.question) === q.id).map((p) => p.message),
      dependsOnPage: dependsOnSection(q, section),
      ...(q.type === 'municipality'
        ? { optionsHtml: municipalityOptions(args.municipalities, typeof values[q.id] === 'string' ? (values[q.id] as string) : undefined) }
        : {}),
    };
  });
  const errorLinks: ErrorLink[] = problems.map((p) => {
    const base = baseOf(p.question);
    const q = shown.find((x) => x.id === base);
    let href: string | undefined;
    if (q) href = p.question.endsWith('_other') && base !== p.question ? `#${p.question}` : `#${fieldId(q)}`;
    // The summary names the question ("Hvad er din rolle?: Vælg et svar"), not the bare message.
    return { message: q ? `${q.text}: ${p.message.replace(/\.$/, '')}` : p.message, href };
  });

  const base = args.base ?? `/s/${studyId}/${questionnaire.id}`;
  return {
    title: `${questionnaire.title} – ${section.title}`,
    studyId,
    questionnaire,
    section,
    pageNumber: args.progress?.pageNumber ?? sectionIndex + 1,
    pageCount: args.progress?.pageCount ?? questionnaire.sections.length,
    action: `${base}/p/${sectionIndex + 1}`,
    backAllowed: sectionIndex > 0,
    questions,
    errorLinks,
    state: encodeFlowState(state),
    municipalities: args.municipalities,
    conditionsJson: jsonForScript({
      earlier,
      questions: shown.map((q) => ({ id: q.id, type: q.type, showIf: q.showIf ?? null })),
    }),
  };
}
