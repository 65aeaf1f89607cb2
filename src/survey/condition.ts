/**
 * showIf evaluation: the ONE function that decides whether a question is shown. The server uses
 * it for skip logic and validation; the browser script (public/js/questionnaire.ts) bundles the
 * same file, so it must stay free of runtime imports (types only).
 *
 * Semantics (see ZCondition in ./schema.ts):
 * - `equals`: a single/scale answer equals the code, or a multi answer includes it.
 * - `in`: a single answer is one of the codes, or a multi answer includes at least one.
 * - `notIn`: the question IS answered and includes none of the codes (unanswered → false).
 * - `answered`: whether the question has a non-empty answer.
 * - `all` / `any`: conjunction / disjunction.
 *
 * @example evaluateCondition({ question: 'frist', notIn: ['altid'] }, { frist: 'ofte' }) // true
 */
import type { TAnswers, TAnswerValue, TCondition, TQuestion, TQuestionnaire } from './schema.ts';

function isAnswered(value: TAnswerValue | undefined): value is TAnswerValue {
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'string') return value.trim() !== '';
  return Number.isFinite(value);
}

function codesOf(value: TAnswerValue): string[] {
  return Array.isArray(value) ? value : [String(value)];
}

export function evaluateCondition(condition: TCondition, answers: TAnswers): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, answers));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, answers));
  const value = Object.prototype.hasOwnProperty.call(answers, condition.question) ? answers[condition.question] : undefined;
  if ('answered' in condition) return isAnswered(value) === condition.answered;
  if (!isAnswered(value)) return false;
  const codes = codesOf(value);
  if ('equals' in condition) return codes.includes(condition.equals);
  if ('in' in condition) return codes.some((code) => condition.in.includes(code));
  return !codes.some((code) => condition.notIn.includes(code));
}

/** A question without showIf is always shown. */
export function isQuestionVisible(question: Pick<TQuestion, 'showIf'>, answers: TAnswers): boolean {
  return question.showIf === undefined || evaluateCondition(question.showIf, answers);
}

/** The questions shown for these answers, in questionnaire order. */
export function visibleQuestions(questionnaire: TQuestionnaire, answers: TAnswers): TQuestion[] {
  return questionnaire.sections.flatMap((s) => s.questions).filter((q) => isQuestionVisible(q, answers));
}

/** Every question id a condition refers to (for refinements and the browser's listeners). */
export function conditionQuestions(condition: TCondition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionQuestions);
  if ('any' in condition) return condition.any.flatMap(conditionQuestions);
  return [condition.question];
}
