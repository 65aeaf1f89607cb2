/**
 * Checking an answer submission (POST /api/v1/responses without a link token): the body's shape,
 * the study and questionnaire, the fieldwork window and every answer against the questionnaire.
 * Pure and synchronous: a parsed body in, the response to store out, or a Problem thrown.
 *
 * One function for the three places that check a submission: the Express route (api.ts), the fast
 * lane (fast-lane.ts) and the check worker (check-worker.ts), which runs it off the main thread.
 * No Express and no storage here: the check worker bundles this file.
 */
import { z } from 'zod';
import { problems } from '../errors.ts';
import type { NewResponse } from '../storage/responses.ts';
import { validateSubmission } from '../survey/answers.ts';
import type { Definitions } from '../survey/load.ts';
import { ZSubmissionId } from './flow-state.ts';
import { assertOpen, locate } from './lookup.ts';

const ZSubmission = z
  .object({
    study: z.string().min(1),
    questionnaire: z.string().min(1),
    municipality: z.string().optional(),
    // Checked as a plain object only: the answers themselves are validated against the questionnaire.
    answers: z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      message: 'must be an object {questionId: value}',
    }),
    submissionId: ZSubmissionId.optional(),
  })
  .strict();

/** Whether a parsed body carries an invitation link's `token` (the fieldwork route's business, not checkSubmission's). */
export function hasLinkToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'token' in body;
}

/** The answer to a stored submission: 201 for a new response, 200 for a retried `submissionId`. */
export function storedStatus(created: boolean): 200 | 201 {
  return created ? 201 : 200;
}

/** A submission that passed every check: what the store is given. */
export interface CheckedSubmission {
  response: NewResponse;
  submissionId?: string;
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The answers exactly as sent: JSON.parse keeps a `"__proto__"` key as an own property, but copying
 * the object (as zod does) would turn it into a prototype and hide it. Such keys are never question
 * ids (ids start with a lower-case letter and are plain words): they are reported, not passed on.
 */
function ownAnswers(raw: Record<string, unknown>): { answers: Record<string, unknown>; reserved: string[] } {
  // The usual case: no reserved key, so the object can be read as it is (validation reads own properties only).
  if (!Object.hasOwn(raw, '__proto__') && !Object.hasOwn(raw, 'constructor') && !Object.hasOwn(raw, 'prototype')) return { answers: raw, reserved: [] };
  const answers: Record<string, unknown> = {};
  const reserved: string[] = [];
  for (const key of Object.keys(raw)) {
    // Assigning any other key to a plain object creates an own property; only these are special.
    if (RESERVED_KEYS.has(key)) reserved.push(key);
    else answers[key] = raw[key];
  }
  return { answers, reserved };
}

/**
 * Checks a parsed submission body in this order (the first failing step decides the answer):
 * the body's shape (400.2), the study and questionnaire (404), the fieldwork window (410/403),
 * then every answer (400.3, all problems listed).
 */
export function checkSubmission(defs: Definitions, rawBody: unknown): CheckedSubmission {
  const parsed = ZSubmission.safeParse(rawBody);
  if (!parsed.success) {
    throw problems.invalidInput(
      'The body must be a JSON object {study, questionnaire, municipality, answers, submissionId?}.',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
    );
  }
  const body = parsed.data;
  const at = locate(defs, body.study, body.questionnaire);
  assertOpen(at.study);
  const { answers, reserved } = ownAnswers((rawBody as { answers: Record<string, unknown> }).answers);
  const checked = validateSubmission(at.questionnaire, at.frame, { municipality: body.municipality, answers }, { hidden: 'reject' });
  const found = [
    ...reserved.map((key) => ({ path: key, message: `Ukendt spørgsmål «${key}».` })),
    ...(checked.ok ? [] : checked.problems.map((p) => ({ path: p.question, message: p.message }))),
  ];
  if (!checked.ok || found.length > 0) throw problems.invalidAnswers(found);
  const response: NewResponse = {
    study: at.study.id,
    questionnaire: at.questionnaire.id,
    version: at.questionnaire.version,
    municipality: checked.municipality,
    answers: checked.answers,
  };
  return body.submissionId === undefined ? { response } : { response, submissionId: body.submissionId };
}
