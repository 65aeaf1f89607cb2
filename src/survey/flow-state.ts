/**
 * The respondent flow is stateless on the server: the answers of earlier pages travel in a hidden
 * form field as base64url JSON. It is re-validated on every step and in full before anything is
 * stored, so a tampered field can do no more than a hand-written API request.
 */
import { randomId } from '../random.ts';
import { z } from 'zod';
import { OTHER_MAX_LENGTH } from './answers.ts';
import { ZAnswerValue, type TAnswers, type TAnswerValue, type TQuestion, type TQuestionnaire } from './schema.ts';

const SUBMISSION_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const ZSubmissionId = z.string().regex(SUBMISSION_ID_PATTERN, 'must be 16–64 letters, digits, - or _');

const ZFlowState = z
  .object({
    v: z.literal(1),
    /** Random id chosen when the questionnaire was started: a double submit stores one response. */
    sid: ZSubmissionId,
    /** The municipality chosen so far (open-link mode), three digits. */
    m: z.string().regex(/^\d{3}$/).optional(),
    /** The questionnaire version the respondent started on: they finish on it, whatever is published meanwhile. */
    qv: z.number().int().positive().optional(),
    a: z.record(z.string().max(200), ZAnswerValue),
  })
  .strict();
export type FlowState = z.infer<typeof ZFlowState>;

export function newFlowState(version?: number): FlowState {
  return { v: 1, sid: randomId(), ...(version === undefined ? {} : { qv: version }), a: {} };
}

/** The version a posted or saved state started on (undefined when it names none or does not decode). */
export function startedVersion(text: unknown): number | undefined {
  return decodeFlowState(text)?.qv;
}

export function encodeFlowState(state: FlowState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** Returns undefined when the field is missing or not a state this server wrote. */
export function decodeFlowState(text: unknown): FlowState | undefined {
  if (typeof text !== 'string' || text.length === 0 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const parsed = ZFlowState.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Answers without the given question ids (and their `_other` texts). */
export function withoutQuestions(answers: TAnswers, ids: readonly string[]): TAnswers {
  const drop = new Set(ids.flatMap((id) => [id, `${id}_other`]));
  return Object.fromEntries(Object.entries(answers).filter(([key]) => !drop.has(key)));
}

/** Whether a stored value has the form and the limits `q` allows (codes of its options, its maximum length). */
function fits(q: TQuestion, value: TAnswerValue): boolean {
  switch (q.type) {
    case 'single':
    case 'scale':
      return typeof value === 'string' && q.options.some((o) => o.code === value);
    case 'multi':
      return Array.isArray(value) && value.length <= q.options.length && value.every((code) => q.options.some((o) => o.code === code));
    case 'text':
      return typeof value === 'string' && value.length <= q.maxLength;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'municipality':
      return false; // kept as the state's `m`, never as an answer
  }
}

/**
 * Only the questionnaire's own answers within its limits: what a posted state (or a draft made from
 * it) may carry. Anything else a client puts in the hidden field is dropped, so a draft stays as
 * small as a real respondent's answers.
 */
export function ownAnswers(questionnaire: TQuestionnaire, answers: TAnswers): TAnswers {
  const kept: TAnswers = {};
  for (const q of questionnaire.sections.flatMap((s) => s.questions)) {
    const value = Object.hasOwn(answers, q.id) ? answers[q.id] : undefined;
    if (value !== undefined && fits(q, value)) kept[q.id] = value;
    const other = Object.hasOwn(answers, `${q.id}_other`) ? answers[`${q.id}_other`] : undefined;
    if (typeof other === 'string' && other.length <= OTHER_MAX_LENGTH && 'options' in q && q.options.some((o) => o.other)) kept[`${q.id}_other`] = other;
  }
  return kept;
}
