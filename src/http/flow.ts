/**
 * The questionnaire flow, shared by open links (/s/..., src/http/respondent.ts) and invitation
 * links (/i/..., src/http/fieldwork.ts): show a page, take a posted page, validate, move on, and
 * finally store the response through a caller-supplied `submit`.
 *
 * Stateless on the server: earlier pages' answers travel in the hidden `state` field (see
 * flow-state.ts), are re-validated on every step and in full before anything is stored.
 */
import type { Response } from 'express';
import { validateSection, validateSubmission } from '../survey/answers.ts';
import { isQuestionVisible } from '../survey/condition.ts';
import type { TAnswers, TQuestionnaire } from '../survey/schema.ts';
import { decodeFlowState, newFlowState, withoutQuestions, type FlowState } from './flow-state.ts';
import { eligibleMunicipalities, type Located } from './lookup.ts';
import { buildPage, rawFromBody, sectionIsShown, valuesFromState, type FieldProblem, type PageModel, type RawValue } from './questionnaire-page.ts';
import type { NewResponse } from '../storage/index.ts';

export interface FlowOptions {
  at: Located;
  /** URL prefix of the pages: page n is `${base}/p/${n}` (n from 1). */
  base: string;
  /** Where "start again" leads when the posted state is missing or forged. */
  startUrl: string;
  /**
   * Invitation mode: the municipality is fixed by the link, so the municipality question is
   * neither shown nor asked; open-link mode (undefined) lets the respondent choose it.
   */
  municipality?: string;
  /** Extra hidden fields every page form carries (e.g. a draft's resume code). Escaped by the view. */
  hiddenFields?: Record<string, string>;
  /** Called after each page that validated, with the state the next page will carry (drafts). */
  onProgress?: (state: FlowState, nextPageIndex: number) => Promise<void> | void;
  /**
   * Stores the complete, validated response durably; `submissionId` is the flow's random id,
   * the same on a double submit. Returns the URL to redirect to (the thank-you page).
   */
  submit: (response: NewResponse, submissionId: string) => Promise<string>;
}

/** Drops answers to questions that are hidden by the answers before them (questionnaire order). */
export function pruneHidden(questionnaire: TQuestionnaire, answers: TAnswers): TAnswers {
  const kept: TAnswers = { ...answers };
  for (const q of questionnaire.sections.flatMap((s) => s.questions)) {
    if (!isQuestionVisible(q, kept)) {
      delete kept[q.id];
      delete kept[`${q.id}_other`];
    }
  }
  return kept;
}

function sectionIds(questionnaire: TQuestionnaire, index: number): string[] {
  return questionnaire.sections[index]!.questions.map((q) => q.id);
}

/** In invitation mode the municipality question is answered by the link: not a question to show. */
function askable(options: FlowOptions, questionnaire: TQuestionnaire, index: number) {
  const section = questionnaire.sections[index]!;
  if (options.municipality === undefined) return section;
  return { ...section, questions: section.questions.filter((q) => q.type !== 'municipality') };
}

function shown(options: FlowOptions, index: number, answers: TAnswers): boolean {
  const qn = options.at.questionnaire;
  const section = askable(options, qn, index);
  return section.questions.length > 0 && sectionIsShown(section, withoutQuestions(answers, sectionIds(qn, index)));
}

/** The nearest section after (step 1) or before (step -1) `from` that has something to show. */
function nearestShown(options: FlowOptions, from: number, step: 1 | -1, answers: TAnswers): number | undefined {
  for (let i = from + step; i >= 0 && i < options.at.questionnaire.sections.length; i += step) {
    if (shown(options, i, answers)) return i;
  }
  return undefined;
}

/** What a flow page renders: the view `page` with these locals, and the status. */
export interface FlowPageView {
  status: 200 | 400;
  locals: PageModel & { hiddenFields: Record<string, string> };
}

/** The view of page `index` (0-based) with the given state, form values and problems (400 when there are problems). */
export function flowPageView(
  options: FlowOptions,
  index: number,
  state: FlowState,
  values?: Record<string, RawValue>,
  fieldProblems: FieldProblem[] = [],
): FlowPageView {
  const { at } = options;
  const model = buildPage({
    studyId: at.study.id,
    questionnaire: at.questionnaire,
    section: askable(options, at.questionnaire, index),
    sectionIndex: index,
    base: options.base,
    state,
    earlier: withoutQuestions(state.a, sectionIds(at.questionnaire, index)),
    values: values ?? valuesFromState(at.questionnaire.sections[index]!, state),
    problems: fieldProblems,
    municipalities: eligibleMunicipalities(at.frame),
  });
  return { status: fieldProblems.length > 0 ? 400 : 200, locals: { ...model, hiddenFields: options.hiddenFields ?? {} } };
}

/** Renders page `index` (0-based) with the given state, form values and problems (400 when there are problems). */
export function renderFlowPage(
  res: Response,
  options: FlowOptions,
  index: number,
  state: FlowState,
  values?: Record<string, RawValue>,
  fieldProblems: FieldProblem[] = [],
): void {
  const view = flowPageView(options, index, state, values, fieldProblems);
  res.status(view.status).render('page', view.locals);
}

/** The view of the first page with something to show, with a fresh state (or `state`, e.g. a resumed draft, at its page). */
export function firstPageView(options: FlowOptions, state: FlowState = newFlowState()): FlowPageView {
  const first = shown(options, 0, state.a) ? 0 : (nearestShown(options, 0, 1, state.a) ?? 0);
  return flowPageView(options, first, options.municipality === undefined ? state : { ...state, m: options.municipality });
}

/** Renders the first page with something to show, with a fresh state (or `state`, e.g. a resumed draft, at its page). */
export function renderFirstPage(res: Response, options: FlowOptions, state: FlowState = newFlowState()): void {
  const view = firstPageView(options, state);
  res.status(view.status).render('page', view.locals);
}

/**
 * Handles a posted page `index` (0-based): "back" goes to the previous shown page keeping what was
 * valid, errors re-render the page with the entered values, a valid page moves on, and the last
 * page validates everything and calls `submit` before redirecting.
 */
export async function handlePagePost(res: Response, options: FlowOptions, index: number, body: Record<string, unknown>): Promise<void> {
  const { at } = options;
  const qn = at.questionnaire;
  const decoded = decodeFlowState(body.state);
  if (!decoded) {
    res.status(400).render('restart', { title: 'Start forfra', startUrl: options.startUrl });
    return;
  }
  const state: FlowState = options.municipality === undefined ? decoded : { ...decoded, m: options.municipality };
  const section = qn.sections[index]!;
  const earlier = withoutQuestions(state.a, sectionIds(qn, index));
  const raw = rawFromBody(section, body);
  const municipalityQuestion = section.questions.find((q) => q.type === 'municipality');
  if (municipalityQuestion && options.municipality !== undefined) raw[municipalityQuestion.id] = options.municipality;
  const result = validateSection(qn, section.id, earlier, raw, at.frame);
  const next: FlowState = { ...state, a: pruneHidden(qn, { ...earlier, ...result.answers }) };
  if (municipalityQuestion && options.municipality === undefined) {
    if (result.municipality === undefined) delete next.m;
    else next.m = result.municipality;
  }

  if (body.action === 'back') {
    const previous = nearestShown(options, index, -1, next.a) ?? index;
    renderFlowPage(res, options, previous, next);
    return;
  }
  if (result.problems.length > 0) {
    renderFlowPage(res, options, index, state, raw, result.problems);
    return;
  }
  const following = nearestShown(options, index, 1, next.a);
  if (following !== undefined) {
    await options.onProgress?.(next, following);
    renderFlowPage(res, options, following, next);
    return;
  }

  const checked = validateSubmission(qn, at.frame, { municipality: next.m, answers: next.a }, { hidden: 'drop' });
  if (!checked.ok) {
    const bad = new Set(checked.problems.map((p) => p.question.replace(/_other$/, '')));
    const first = qn.sections.findIndex((s) => s.questions.some((q) => bad.has(q.id)));
    const target = first >= 0 && shown(options, first, next.a) ? first : index;
    renderFlowPage(res, options, target, next, undefined, checked.problems);
    return;
  }
  const location = await options.submit(
    { study: at.study.id, questionnaire: qn.id, version: qn.version, municipality: checked.municipality, answers: checked.answers },
    next.sid,
  );
  res.redirect(303, location);
}

/** Page number from the URL (1-based) → section index; undefined when out of range. */
export function pageIndexOf(questionnaire: TQuestionnaire, param: string | undefined): number | undefined {
  const n = Number(param);
  if (!Number.isInteger(n) || n < 1 || n > questionnaire.sections.length) return undefined;
  return n - 1;
}
