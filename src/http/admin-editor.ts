/**
 * The questionnaire editor (evaluators of the study; session and CSRF): the structure page, the
 * question form, the small move / duplicate / delete forms and `…/edit/check` (live validation and
 * preview for the browser script); the section forms are in admin-editor-sections.ts. Every form
 * works without JavaScript. Thin: each save is one pure operation (src/survey/edit.ts) applied by
 * services/editor.ts through saveDraft, which refuses an invalid draft (400.18, shown next to the
 * fields) or a stale revision (412, the posted text kept).
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { problems } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { applyEdit, editorView, editProblems, questionEdit, questionOf, sectionOf, type EditorView, type QuestionEdit } from '../services/editor.ts';
import * as edit from '../survey/edit.ts';
import { text } from '../survey/edit-form.ts';
import type { TQuestionType } from '../survey/schema.ts';
import { sectionRoutes } from './admin-editor-sections.ts';
import { questionnaireRoutes } from './admin-editor-questionnaire.ts';
import { allow } from './allow.ts';
import { signedInActor } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { editUrl, questionPage, structurePage, type QuestionPageInput } from './editor-page.ts';
import { BODY_LIMIT, checkJsonBody } from './errors.ts';
import { BASE, CONFLICT, ids, isRefusal, overlong } from './editor-shared.ts';
import { formBody, newRouter, param } from './router.ts';

/** The JSON check takes its CSRF token from the X-CSRF-Token header (a form post: from `_csrf`). */
const csrfFromHeader: RequestHandler = (req, _res, next) => {
  const token = req.get('x-csrf-token');
  if (token !== undefined && req.body && typeof req.body === 'object' && !Array.isArray(req.body)) (req.body as Record<string, unknown>)._csrf = token;
  next();
};

export function editorAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);
  const rule = allow('evaluator', { study: 'study' });
  const view = (req: Request) => editorView(ctx, ids(req).study, ids(req).questionnaire);

  const structure = async (res: Response, at: ReturnType<typeof ids>, extra: Parameters<typeof structurePage>[1] = {}, status = 200) =>
    res.status(status).render('admin/editor', structurePage(await editorView(ctx, at.study, at.questionnaire), extra));

  /** A small form of the structure page: one edit, then back to the page (refused: the page with the problems). */
  const structureEdit = (make: (req: Request, draft: edit.EditedQuestionnaire, view: EditorView) => edit.EditedQuestionnaire, anchor: (req: Request) => string) =>
    async (req: Request, res: Response) => {
      const at = ids(req);
      let refused: edit.EditedQuestionnaire | undefined;
      try {
        await applyEdit(ctx, signedInActor(res), at.study, at.questionnaire, formBody(req.body).revision, (draft, v) => (refused = make(req, draft, v as EditorView)));
        res.redirect(303, `${editUrl(at.study, at.questionnaire)}?gemt=1#${anchor(req)}`);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        await structure(res, at, error.status === 412 ? { conflict: 'En anden har gemt kladden, siden du åbnede siden. Intet er ændret; her er den gemte udgave. Prøv igen.' } : { problems: error.details, ...(refused ? { refused } : {}) }, error.status);
      }
    };
  const direction = (req: Request): edit.Direction => {
    const d = formBody(req.body).direction;
    if (d !== 'up' && d !== 'down') throw problems.invalidInput('direction must be "up" or "down".', [{ path: 'direction', message: 'must be "up" or "down"' }]);
    return d;
  };

  router.get(BASE, rule, csrfToken, async (req, res) => structure(res, ids(req), { saved: req.query.gemt === '1' }));

  // --- Questions ---------------------------------------------------------------------------

  const questionForm = (res: Response, qe: QuestionEdit, extra: QuestionPageInput = {}, status = 200) => res.status(status).render('admin/editor-question', questionPage(qe, extra));

  /** A posted question form: shown again (more option rows, another type), or saved (then back to the structure page). */
  const saveQuestion = (target: (req: Request) => { question?: string; section?: string }) => async (req: Request, res: Response) => {
    const at = ids(req);
    const v = await view(req);
    if (v.template) throw problems.readOnlyTemplate(at.study);
    const body = formBody(req.body);
    const qe = questionEdit(v, target(req), body);
    const action = text(body, 'action');
    if (action === 'more' || action === 'retype') return questionForm(res, qe, { extraRows: action === 'more' ? 5 : 2 });
    const tooLong = overlong(body, qe.prefix);
    if (tooLong.length > 0) return questionForm(res, qe, { problems: tooLong }, 400);
    try {
      await applyEdit(ctx, signedInActor(res), at.study, at.questionnaire, body.revision, qe.apply);
      res.redirect(303, `${editUrl(at.study, at.questionnaire)}?gemt=1#q-${qe.candidate.id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // 412: the form again on the draft as it is now (the new revision), with the posted text.
      if (error.status === 412) return questionForm(res, questionEdit(await view(req), target(req), body), { conflict: CONFLICT }, 412);
      await questionForm(res, qe, { problems: error.details }, 400);
    }
  };

  router.get(`${BASE}/questions/:question`, rule, csrfToken, async (req, res) => questionForm(res, questionEdit(await view(req), { question: param(req, 'question') })));
  router.post(`${BASE}/questions/:question`, rule, csrf, csrfToken, saveQuestion((req) => ({ question: param(req, 'question') })));

  router.get(`${BASE}/sections/:section/new-question`, rule, csrfToken, async (req, res) => {
    const type = edit.QUESTION_TYPES.find((t) => t === req.query.type) ?? 'single';
    await questionForm(res, questionEdit(await view(req), { section: param(req, 'section'), type: type as TQuestionType }), { extraRows: 4 });
  });
  router.post(`${BASE}/sections/:section/new-question`, rule, csrf, csrfToken, saveQuestion((req) => ({ section: param(req, 'section') })));

  const question = (req: Request, v: EditorView) => questionOf(v, param(req, 'question')).id;
  router.post(`${BASE}/questions/:question/move`, rule, csrf, csrfToken, structureEdit((req, draft, v) => edit.moveQuestion(draft, question(req, v), direction(req)), (req) => `q-${param(req, 'question')}`));
  router.post(`${BASE}/questions/:question/duplicate`, rule, csrf, csrfToken, structureEdit((req, draft, v) => edit.duplicateQuestion(draft, question(req, v)).questionnaire, (req) => `q-${param(req, 'question')}`));
  router.post(`${BASE}/questions/:question/delete`, rule, csrf, csrfToken, structureEdit((req, draft, v) => edit.deleteQuestion(draft, question(req, v)), () => 'spoergeskema'));

  // --- Sections ----------------------------------------------------------------------------

  sectionRoutes(router, ctx, { rule, csrf, csrfToken, view });
  questionnaireRoutes(router, ctx, { rule, csrf, csrfToken, view });
  const section = (req: Request, v: EditorView) => sectionOf(v, param(req, 'section')).id;
  router.post(`${BASE}/sections/:section/move`, rule, csrf, csrfToken, structureEdit((req, draft, v) => edit.moveSection(draft, section(req, v), direction(req)), (req) => `s-${param(req, 'section')}`));
  router.post(`${BASE}/sections/:section/duplicate`, rule, csrf, csrfToken, structureEdit((req, draft, v) => edit.duplicateSection(draft, section(req, v)).questionnaire, (req) => `s-${param(req, 'section')}`));
  router.post(`${BASE}/sections/:section/delete`, rule, csrf, csrfToken, structureEdit((req, draft, v) => edit.deleteSection(draft, section(req, v)), () => 'spoergeskema'));

  // --- Live validation and preview ---------------------------------------------------------

  /**
   * `{definition}`: its problems as the draft. `{form, question | section}`: the problems the
   * question form would be saved with (by JSON path and by field) and its preview. Stores nothing.
   */
  router.post(`${BASE}/check`, rule, express.json({ limit: BODY_LIMIT }), checkJsonBody, csrfFromHeader, csrf, async (req, res) => {
    const at = ids(req);
    const body = formBody(req.body);
    if (body.definition !== undefined) return void res.json({ problems: await editProblems(ctx, at.study, at.questionnaire, () => body.definition) });
    const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const question = str(body.question);
    const qe = questionEdit(await view(req), question ? { question } : { section: str(body.section) ?? '' }, formBody(body.form));
    const found = await editProblems(ctx, at.study, at.questionnaire, qe.apply);
    const page = questionPage(qe, { problems: found });
    const preview = await new Promise<string>((resolve, reject) => res.app.render('partials/questions', { questions: page.preview }, (error, html) => (error ? reject(error) : resolve(html ?? ''))));
    res.json({ problems: found, fields: page.summary, preview });
  });

  return router;
}
