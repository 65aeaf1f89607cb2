/**
 * JSON API, version 1: public study metadata, questionnaire definitions, response submission,
 * and evaluator endpoints behind `Authorization: Bearer <key>`.
 */
import { Router } from 'express';
import { requireApiKey } from './auth.ts';
import { findStudy, locate } from './lookup.ts';
import { checkSubmission, storedStatus } from './submission.ts';
import type { Store } from '../storage/index.ts';
import type { Definitions } from '../survey/load.ts';

/**
 * POST /api/v1/responses without a link token: checks the body, the questionnaire, the fieldwork
 * window and the answers (checkSubmission), then stores the response (durable before it resolves).
 * Throws a Problem for anything wrong; 201 for a new response, 200 for a retried `submissionId`.
 * Shared by the Express route below and the fast lane (fast-lane.ts).
 */
export async function submitResponse(defs: Definitions, store: Store, rawBody: unknown): Promise<{ status: 200 | 201; id: string }> {
  const checked = checkSubmission(defs, rawBody);
  const { id, created } = await store.responses.add(checked.response, checked.submissionId);
  return { status: storedStatus(created), id };
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
