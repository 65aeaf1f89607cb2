/**
 * JSON API, version 1, public part: study metadata, questionnaire definitions and answer
 * submission (POST /api/v1/responses, with or without an invitation link's `token`).
 */
import type { Context } from '../services/context.ts';
import { findStudy, listStudies, locate } from '../services/studies.ts';
import { submitThroughApi } from '../services/submit.ts';
import { allow } from './allow.ts';
import { newRouter, param } from './router.ts';

export function apiRoutes(ctx: Context) {
  const router = newRouter();
  router.get('/studies', allow('public'), async (_req, res) => {
    res.json((await listStudies(ctx)).map((s) => ({ id: s.id, title: s.title, questionnaires: s.questionnaires.map((q) => ({ id: q.id, group: q.group })) })));
  });

  router.get('/studies/:study', allow('public'), async (req, res) => {
    const s = await findStudy(ctx, param(req, 'study'));
    res.json({
      id: s.id,
      title: s.title,
      organisation: s.organisation,
      frame: s.frame,
      fieldwork: s.fieldwork,
      questionnaires: s.questionnaires.map((q) => ({ id: q.id, group: q.group, version: q.version, title: q.title })),
    });
  });

  router.get('/studies/:study/questionnaires/:questionnaire', allow('public'), async (req, res) => {
    res.json((await locate(ctx, param(req, 'study'), param(req, 'questionnaire'))).questionnaire);
  });

  router.post('/responses', allow('public'), async (req, res) => {
    const { id, created } = await submitThroughApi(ctx, req.body);
    res.status(created ? 201 : 200).json({ id });
  });

  return router;
}
