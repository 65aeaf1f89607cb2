/**
 * JSON API, version 1: making studies and questionnaires (Bearer key of an evaluator). A study is
 * created from a definition (or copied), its questionnaires are edited as drafts under ETag /
 * If-Match, and published as frozen versions (./services/authoring.ts is the one path; the editor
 * pages call the same use cases).
 */
import type { Request } from 'express';
import { problems } from '../errors.ts';
import { copyStudy, createStudy, discardDraft, draftProblems, draftView, saveDraft, setArchived, studyDefinition, studySettings, updateStudySettings } from '../services/authoring.ts';
import { publishedVersion, publishQuestionnaire, questionnaireVersionList } from '../services/publishing.ts';
import type { Context } from '../services/context.ts';
import { clearTestAnswers, testAnswerCounts } from '../services/test-answers.ts';
import { allow } from './allow.ts';
import { signedInActor } from './auth.ts';
import { newRouter, param } from './router.ts';
import { z } from 'zod';

const ifMatch = (req: Request) => req.get('If-Match');
const ZArchive = z.strictObject({ archived: z.boolean() });

export function studiesApiRoutes(ctx: Context) {
  const router = newRouter();
  const evaluator = allow('evaluator', { study: 'study' });
  const qn = '/studies/:study/questionnaires/:questionnaire';

  router.post('/studies', allow('evaluator'), async (req, res) => {
    const made = await createStudy(ctx, signedInActor(res), req.body);
    res.status(201).setHeader('Location', `/api/v1/studies/${made.settings.id}`);
    res.setHeader('ETag', `"r${made.revision}"`);
    res.json({ id: made.settings.id, questionnaires: made.questionnaires, revision: made.revision });
  });

  // A template may be copied by any evaluator; a stored study by its members (copyStudy decides).
  router.post('/studies/:study/copy', allow('evaluator'), async (req, res) => {
    const from = param(req, 'study');
    const made = await copyStudy(ctx, signedInActor(res), from, req.body);
    res.status(201).setHeader('Location', `/api/v1/studies/${made.settings.id}`);
    res.json({ id: made.settings.id, questionnaires: made.questionnaires, copiedFrom: from, revision: made.revision });
  });

  router.get('/studies/:study/definition', evaluator, async (req, res) => {
    res.json(await studyDefinition(ctx, param(req, 'study')));
  });

  router.get('/studies/:study/settings', evaluator, async (req, res) => {
    const view = await studySettings(ctx, param(req, 'study'));
    if (view.etag) res.setHeader('ETag', view.etag);
    res.json({ ...view.settings, template: view.template, archived: view.archived });
  });

  router.put('/studies/:study/settings', evaluator, async (req, res) => {
    const stored = await updateStudySettings(ctx, signedInActor(res), param(req, 'study'), req.body, ifMatch(req));
    res.setHeader('ETag', `"r${stored.revision}"`);
    res.json(stored.settings);
  });

  router.post('/studies/:study/archive', evaluator, async (req, res) => {
    const parsed = ZArchive.safeParse(req.body);
    if (!parsed.success) throw problems.invalidInput('The body must be {"archived": true | false}.');
    const stored = await setArchived(ctx, signedInActor(res), param(req, 'study'), parsed.data.archived, ifMatch(req));
    res.setHeader('ETag', `"r${stored.revision}"`);
    res.json({ id: stored.settings.id, archived: stored.archived });
  });

  router.get(`${qn}/draft`, evaluator, async (req, res) => {
    const view = await draftView(ctx, param(req, 'study'), param(req, 'questionnaire'));
    if (view.etag) res.setHeader('ETag', view.etag);
    res.setHeader('Cache-Control', 'no-store');
    res.json(view.questionnaire);
  });

  router.put(`${qn}/draft`, evaluator, async (req, res) => {
    const view = await saveDraft(ctx, signedInActor(res), param(req, 'study'), param(req, 'questionnaire'), req.body, ifMatch(req));
    res.setHeader('ETag', view.etag!);
    res.json(view.questionnaire);
  });

  router.delete(`${qn}/draft`, evaluator, async (req, res) => {
    const view = await discardDraft(ctx, signedInActor(res), param(req, 'study'), param(req, 'questionnaire'), ifMatch(req));
    res.setHeader('ETag', view.etag!);
    res.json(view.questionnaire);
  });

  /** Live validation: the problems the definition would be refused with as the draft; nothing is stored. */
  router.post(`${qn}/draft/problems`, evaluator, async (req, res) => {
    res.json({ problems: await draftProblems(ctx, param(req, 'study'), param(req, 'questionnaire'), req.body) });
  });

  router.post(`${qn}/publish`, evaluator, async (req, res) => {
    res.json(await publishQuestionnaire(ctx, signedInActor(res), param(req, 'study'), param(req, 'questionnaire'), req.body, ifMatch(req)));
  });

  router.get(`${qn}/versions`, evaluator, async (req, res) => {
    res.json(await questionnaireVersionList(ctx, param(req, 'study'), param(req, 'questionnaire')));
  });

  router.get(`${qn}/versions/:version`, evaluator, async (req, res) => {
    res.json(await publishedVersion(ctx, param(req, 'study'), param(req, 'questionnaire'), param(req, 'version')));
  });

  router.get('/studies/:study/test-answers', evaluator, async (req, res) => {
    res.json(await testAnswerCounts(ctx, param(req, 'study')));
  });

  router.delete('/studies/:study/test-answers', evaluator, async (req, res) => {
    const questionnaire = typeof req.query.questionnaire === 'string' ? req.query.questionnaire : undefined;
    res.json({ deleted: await clearTestAnswers(ctx, signedInActor(res), param(req, 'study'), questionnaire) });
  });

  return router;
}
