/**
 * The questionnaire flow, shared by open links (/s/…, respondent.ts) and invitation links (/i/…,
 * links.ts): which page to show, a posted page validated, moving on, and finally the response
 * stored through the caller's `submit`. Returns what to show; the route renders it.
 *
 * Stateless on the server: earlier pages' answers travel in the hidden `state` field (flow-state.ts),
 * cut to the questionnaire's own answers, re-validated on every step and in full before anything is stored.
 */
import type { NewResponse } from '../storage/ports.ts';
import { validateSection, validateSubmission } from '../survey/answers.ts';
import { isQuestionVisible } from '../survey/condition.ts';
import { decodeFlowState, newFlowState, ownAnswers, withoutQuestions, type FlowState } from '../survey/flow-state.ts';
import { buildPage, rawFromBody, sectionIsShown, valuesFromState, type FieldProblem, type PageModel, type RawValue } from '../survey/page.ts';
import type { TAnswers, TQuestionnaire } from '../survey/schema.ts';
import { eligibleMunicipalities, type Located } from './studies.ts';

export interface FlowOptions {
  at: Located;
  /** URL prefix of the pages: page n is `${base}/p/${n}` (n from 1). */
  base: string;
  /** Where "start again" leads when the posted state is missing or forged. */
  startUrl: string;
  /** Invitation mode: the municipality is fixed by the link (its question is neither shown nor asked). */
  municipality?: string;
  /** Called after each page that validated, with the state the next page will carry (drafts). */
  onProgress?: (state: FlowState, nextPageIndex: number) => Promise<void>;
  /** Stores the complete, validated response durably; returns the URL of the thank-you page. */
  submit: (response: NewResponse, submissionId: string) => Promise<string>;
}

export type FlowStep =
  | { kind: 'page'; status: 200 | 400; locals: PageModel }
  | { kind: 'restart'; startUrl: string }
  | { kind: 'done'; location: string };

/** Drops answers to questions that are hidden by the answers before them (questionnaire order). */
function pruneHidden(questionnaire: TQuestionnaire, answers: TAnswers): TAnswers {
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
function askable(options: FlowOptions, index: number) {
  const section = options.at.questionnaire.sections[index]!;
  if (options.municipality === undefined) return section;
  return { ...section, questions: section.questions.filter((q) => q.type !== 'municipality') };
}

function shown(options: FlowOptions, index: number, answers: TAnswers): boolean {
  const section = askable(options, index);
  return section.questions.length > 0 && sectionIsShown(section, withoutQuestions(answers, sectionIds(options.at.questionnaire, index)));
}

/** The nearest section after (step 1) or before (step -1) `from` that has something to show. */
function nearestShown(options: FlowOptions, from: number, step: 1 | -1, answers: TAnswers): number | undefined {
  for (let i = from + step; i >= 0 && i < options.at.questionnaire.sections.length; i += step) {
    if (shown(options, i, answers)) return i;
  }
  return undefined;
}

/**
 * Page `index`'s place among the pages this respondent sees: the earlier sections shown by the answers
 * so far, this one, and the later ones the answers so far leave shown (a later answer may still change them).
 */
function progressOf(options: FlowOptions, index: number, answers: TAnswers): { pageNumber: number; pageCount: number } {
  let before = 0;
  let after = 0;
  for (let i = 0; i < options.at.questionnaire.sections.length; i += 1) {
    if (i === index || !shown(options, i, answers)) continue;
    if (i < index) before += 1;
    else after += 1;
  }
  return { pageNumber: before + 1, pageCount: before + 1 + after };
}

/** Page `index` (0-based) with the given state, form values and problems (status 400 when there are problems). */
function pageStep(options: FlowOptions, index: number, state: FlowState, values?: Record<string, RawValue>, problems: FieldProblem[] = []): FlowStep {
  const { at } = options;
  const locals = buildPage({
    studyId: at.study.id,
    questionnaire: at.questionnaire,
    section: askable(options, index),
    sectionIndex: index,
    base: options.base,
    state,
    earlier: withoutQuestions(state.a, sectionIds(at.questionnaire, index)),
    values: values ?? valuesFromState(at.questionnaire.sections[index]!, state),
    problems,
    municipalities: eligibleMunicipalities(at.frame),
    progress: progressOf(options, index, state.a),
  });
  return { kind: 'page', status: problems.length > 0 ? 400 : 200, locals };
}

/** The first page with something to show, with a fresh state. */
export function firstPage(options: FlowOptions): FlowStep {
  const state = newFlowState(options.at.questionnaire.version);
  const first = shown(options, 0, state.a) ? 0 : (nearestShown(options, 0, 1, state.a) ?? 0);
  return pageStep(options, first, options.municipality === undefined ? state : { ...state, m: options.municipality });
}

/** A decoded state as the flow carries it on: only the questionnaire's own answers, and the link's municipality. */
function carried(options: FlowOptions, decoded: FlowState): FlowState {
  return { ...decoded, qv: options.at.questionnaire.version, a: ownAnswers(options.at.questionnaire, decoded.a), ...(options.municipality === undefined ? {} : { m: options.municipality }) };
}

/** A saved draft's page, or the first page when the draft no longer decodes. */
export function resumePage(options: FlowOptions, encodedState: string, page: number): FlowStep {
  const decoded = decodeFlowState(encodedState);
  if (!decoded) return firstPage(options);
  const state = carried(options, decoded);
  return pageStep(options, Math.min(page, options.at.questionnaire.sections.length - 1), state);
}

/**
 * A posted page `index` (0-based): "back" goes to the previous shown page keeping what was valid,
 * errors show the page again with the entered values, a valid page moves on, and the last page
 * validates everything and calls `submit`.
 */
export async function postPage(options: FlowOptions, index: number, body: Record<string, unknown>): Promise<FlowStep> {
  const { at } = options;
  const qn = at.questionnaire;
  const decoded = decodeFlowState(body.state);
  if (!decoded) return { kind: 'restart', startUrl: options.startUrl };
  const state = carried(options, decoded);
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

  if (body.action === 'back') return pageStep(options, nearestShown(options, index, -1, next.a) ?? index, next);
  if (result.problems.length > 0) return pageStep(options, index, state, raw, result.problems);
  const following = nearestShown(options, index, 1, next.a);
  if (following !== undefined) {
    await options.onProgress?.(next, following);
    return pageStep(options, following, next);
  }

  const checked = validateSubmission(qn, at.frame, { municipality: next.m, answers: next.a }, { hidden: 'drop' });
  if (!checked.ok) {
    const bad = new Set(checked.problems.map((p) => p.question.replace(/_other$/, '')));
    const first = qn.sections.findIndex((s) => s.questions.some((q) => bad.has(q.id)));
    return pageStep(options, first >= 0 && shown(options, first, next.a) ? first : index, next, undefined, checked.problems);
  }
  const location = await options.submit(
    { study: at.study.id, questionnaire: qn.id, version: qn.version, municipality: checked.municipality, answers: checked.answers },
    next.sid,
  );
  return { kind: 'done', location };
}

/** Page number from the URL (1-based) → section index; undefined when out of range. */
export function pageIndexOf(questionnaire: TQuestionnaire, param: string | undefined): number | undefined {
  const n = Number(param);
  if (!Number.isInteger(n) || n < 1 || n > questionnaire.sections.length) return undefined;
  return n - 1;
}
