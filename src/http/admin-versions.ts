/**
 * Per questionnaire in the evaluator area: the versions and the publish panel, the draft and each
 * version as JSON (and a JSON import replacing the draft), and test mode (the respondent pages,
 * answers stored apart). Thin: the rules live in services/authoring.ts and services/test-answers.ts.
 */
import type { Request, Response } from 'express';
import { draftView, saveDraft } from '../services/authoring.ts';
import { pendingChange, publishedVersion, publishQuestionnaire, questionnaireVersionList } from '../services/publishing.ts';
import type { Context } from '../services/context.ts';
import { findStudy } from '../services/studies.ts';
import { parseJsonText, readForm, ZImportForm, ZPlainForm, ZPublishForm } from '../services/studies-ui.ts';
import { clearTestAnswers, postTestPage, testAnswerCounts, testBase, testFirstPage } from '../services/test-answers.ts';
import { allow } from './allow.ts';
import { formHandler as form, quoted, sendJson, type Refused } from './admin-studies-shared.ts';
import { signedInActor } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { multipartFields } from './multipart.ts';
import { formBody, newRouter, param, sendFlowStep } from './router.ts';

export function versionsAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);
  const evaluator = allow('evaluator', { study: 'study' });
  const qn = '/studies/:study/questionnaires/:questionnaire';

  // --- Versions, publishing, the draft as JSON -----------------------------------------------

  const versionsPage = async (req: Request, res: Response, refused: Refused = {}) => {
    const studyId = param(req, 'study');
    const questionnaireId = param(req, 'questionnaire');
    const study = await findStudy(ctx, studyId);
    const draft = await draftView(ctx, studyId, questionnaireId);
    const versions = await questionnaireVersionList(ctx, studyId, questionnaireId);
    const pending = await pendingChange(ctx, studyId, questionnaireId);
    const tests = (await testAnswerCounts(ctx, studyId)).questionnaires[questionnaireId] ?? 0;
    const q = req.query;
    const notice = typeof q.offentliggjort === 'string' ? `Version ${q.offentliggjort.slice(0, 6)} er offentliggjort.` : q.importeret === '1' ? 'Kladden er erstattet af den importerede definition.' : typeof q.slettet === 'string' ? `${q.slettet.slice(0, 6)} testsvar er slettet.` : undefined;
    res.render('admin/versions', {
      title: `Versioner: ${draft.questionnaire.title}`,
      study,
      draft,
      versions,
      pending,
      tests,
      testUrl: testBase(studyId, questionnaireId),
      notice,
      publish: refused.form === 'publish' ? refused : undefined,
      imported: refused.form === 'import' ? { ...refused, text: refused.values?.json ?? refused.values?.file ?? '' } : undefined,
      refused: refused.form === undefined ? refused : {},
    });
  };

  router.get(`${qn}/versions`, evaluator, csrfToken, async (req, res) => versionsPage(req, res));

  router.post(`${qn}/publish`, evaluator, csrf, csrfToken, form(versionsPage, async (req, res) => {
    const body = readForm(ZPublishForm, req.body);
    const published = await publishQuestionnaire(ctx, signedInActor(res), param(req, 'study'), param(req, 'questionnaire'), { confirm: body.confirm === 'ja' }, body.revision);
    res.redirect(303, `/admin/studies/${quoted(param(req, 'study'))}/questionnaires/${quoted(param(req, 'questionnaire'))}/versions?offentliggjort=${published.version}`);
  }, 'publish'));

  router.get(`${qn}/draft.json`, evaluator, async (req, res) => {
    const view = await draftView(ctx, param(req, 'study'), param(req, 'questionnaire'));
    if (view.etag) res.setHeader('ETag', view.etag);
    sendJson(res, `${view.study}-${view.questionnaire.id}-${view.isDraft ? 'kladde' : `v${view.latest}`}.json`, view.questionnaire);
  });

  router.get(`${qn}/versions/:version.json`, evaluator, async (req, res) => {
    const found = await publishedVersion(ctx, param(req, 'study'), param(req, 'questionnaire'), param(req, 'version'));
    sendJson(res, `${param(req, 'study')}-${found.id}-v${found.version}.json`, found);
  });

  router.post(`${qn}/import`, evaluator, ...multipartFields(), csrf, csrfToken, form(versionsPage, async (req, res) => {
    const fields = readForm(ZImportForm, req.body);
    const text = fields.file && fields.file.trim() !== '' ? fields.file : (fields.json ?? '');
    await saveDraft(ctx, signedInActor(res), param(req, 'study'), param(req, 'questionnaire'), parseJsonText(text), fields.revision);
    res.redirect(303, `/admin/studies/${quoted(param(req, 'study'))}/questionnaires/${quoted(param(req, 'questionnaire'))}/versions?importeret=1`);
  }, 'import'));

  // --- Test mode -----------------------------------------------------------------------------

  /** The banner every test page shows (views/admin/test-banner.ejs, included by views/page.ejs). */
  const testMode = (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.locals.testMode = { versionsUrl: `/admin/studies/${quoted(param(req, 'study'))}/questionnaires/${quoted(param(req, 'questionnaire'))}/versions` };
  };

  router.get(`${qn}/test`, evaluator, csrfToken, async (req, res) => {
    testMode(req, res);
    sendFlowStep(res, await testFirstPage(ctx, param(req, 'study'), param(req, 'questionnaire')));
  });

  router.post(`${qn}/test/p/:n`, evaluator, csrf, csrfToken, async (req, res) => {
    testMode(req, res);
    sendFlowStep(res, await postTestPage(ctx, param(req, 'study'), param(req, 'questionnaire'), param(req, 'n'), formBody(req.body)));
  });

  router.get(`${qn}/test/tak`, evaluator, csrfToken, async (req, res) => {
    testMode(req, res);
    const view = await draftView(ctx, param(req, 'study'), param(req, 'questionnaire'));
    const tests = (await testAnswerCounts(ctx, view.study)).questionnaires[view.questionnaire.id] ?? 0;
    res.render('admin/test-thanks', { title: 'Testsvar gemt', questionnaire: view.questionnaire, study: view.study, tests, testUrl: testBase(view.study, view.questionnaire.id) });
  });

  router.post(`${qn}/test-answers/delete`, evaluator, csrf, csrfToken, form(versionsPage, async (req, res) => {
    readForm(ZPlainForm, req.body);
    const deleted = await clearTestAnswers(ctx, signedInActor(res), param(req, 'study'), param(req, 'questionnaire'));
    res.redirect(303, `/admin/studies/${quoted(param(req, 'study'))}/questionnaires/${quoted(param(req, 'questionnaire'))}/versions?slettet=${deleted}`);
  }));

  return router;
}
