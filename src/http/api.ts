/**
 * JSON API, version 1: public study metadata, questionnaire definitions, response submission,
 * and evaluator endpoints behind `Authorization: Bearer <key>`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { problems } from '../errors.ts';
import { validateSubmission } from '../survey/answers.ts';
import { requireApiKey } from './auth.ts';
import { ZSubmissionId } from './flow-state.ts';
import { assertOpen, findStudy, locate } from './lookup.ts';
import type { Store } from '../storage/index.ts';
import type { Definitions } from '../survey/load.ts';

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

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The answers exactly as sent: JSON.parse keeps a `"__proto__"` key as an own property, but copying
 * the object (as zod does) would turn it into a prototype and hide it. Such keys are never question
 * ids (ids start with a lower-case letter and are plain words): they are reported, not passed on.
 */
function ownAnswers(raw: Record<string, unknown>): { answers: Record<string, unknown>; reserved: string[] } {
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
 * POST /api/v1/responses without a link token: checks the body, the questionnaire, the fieldwork
 * window and the answers, then stores the response (durable before it resolves). Throws a Problem
 * for anything wrong; 201 for a new response, 200 for a retried `submissionId`.
 * Shared by the Express route below and the fast lane (fast-lane.ts).
 */
export async function submitResponse(defs: Definitions, store: Store, rawBody: unknown): Promise<{ status: 200 | 201; id: string }> {
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
  const { id, created } = await store.responses.add(
    {
      study: at.study.id,
      questionnaire: at.questionnaire.id,
      version: at.questionnaire.version,
      municipality: checked.municipality,
      answers: checked.answers,
    },
    body.submissionId,
  );
  return { status: created ? 201 : 200, id };
}

export function apiRoutes(defs: Definitions, store: Store): Router {
  const router = Router();

  router.get('/studies', (_req, res) => {
    res.json(
      defs.studies.map((s) => ({
        id: s.id,
        title: s.title,
        questionnaires: s.questionnaires.map((q) => ({ id: q.id, group: q.group })),
      })),
    );
  });

  router.get('/studies/:study', (req, res) => {
    const s = findStudy(defs, req.params.study);
    res.json({
      id: s.id,
      title: s.title,
      organisation: s.organisation,
      frame: s.frame,
      fieldwork: s.fieldwork,
      questionnaires: s.questionnaires.map((q) => ({ id: q.id, group: q.group, version: q.version, title: q.title })),
    });
  });

  router.get('/studies/:study/questionnaires/:questionnaire', (req, res) => {
    res.json(locate(defs, req.params.study, req.params.questionnaire).questionnaire);
  });

  router.post('/responses', async (req, res) => {
    const { status, id } = await submitResponse(defs, store, req.body);
    res.status(status).json({ id });
  });

  // Evaluator endpoints: each needs the API key.
  const evaluator = requireApiKey(store.settings);
  router.get('/whoami', evaluator, (_req, res) => {
    res.json({ role: 'evaluator' });
  });
  router.get('/studies/:study/questionnaires/:questionnaire/count', evaluator, async (req, res) => {
    const params = req.params as Record<string, string>;
    const at = locate(defs, String(params.study), String(params.questionnaire));
    const count = await store.responses.count({ study: at.study.id, questionnaire: at.questionnaire.id });
    res.json({ study: at.study.id, questionnaire: at.questionnaire.id, responses: count });
  });

  return router;
}
