/**
 * The questionnaire editor (evaluators of the study; session and CSRF): the structure page, the
 * question and section forms, the small move / duplicate / delete forms and `…/edit/check` (live
 * validation and preview for the browser script). Every form works without JavaScript. Thin: each
 * save is one pure operation (src/survey/edit.ts) applied by services/editor.ts through saveDraft,
 * which refuses an invalid draft (400.18, shown next to the fields) or a stale revision (412, the
 * posted text kept).
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { isProblem, problems, type Problem, type ProblemDetail } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { applyEdit, editorView, editProblems, questionOf, sectionOf, type EditorView } from '../services/editor.ts';
import * as edit from '../survey/edit.ts';
import { questionFromForm, text } from '../survey/edit-form.ts';
import type { TQuestion, TQuestionType } from '../survey/schema.ts';
import { allow } from './allow.ts';
import { signedInActor } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { editUrl, publishedQuestion, questionPage, structurePage } from './editor-page.ts';
import { BODY_LIMIT, checkJsonBody } from './errors.ts';
import { formBody, newRouter, param } from './router.ts';

const BASE = '/studies/:study/questionnaires/:questionnaire/edit';
const ids = (req: Request) => ({ study: param(req, 'study'), questionnaire: param(req, 'questionnaire') });
const isRefusal = (e: unknown): e is Problem => isProblem(e) && (e.code === 400.18 || e.status === 412);
const CONFLICT = 'En anden har gemt kladden, siden du åbnede formularen. Intet er gemt. Din tekst står herunder; gem igen for at erstatte den andens ændring med din, eller gå tilbage til oversigten og se den gemte udgave.';

/** No field of an editor form is longer than this (the longest text a question may ask for is 10,000). */
const MAX_FIELD = 10_000;

/** The fields of a form longer than MAX_FIELD, as problems at `prefix` + the field's name. */
function overlong(body: Record<string, unknown>, prefix: string): ProblemDetail[] {
  return Object.entries(body)
    .filter(([, v]) => ([] as unknown[]).concat(v).some((x) => typeof x === 'string' && x.length > MAX_FIELD))
    .map(([key]) => ({ path: `${prefix}.${key}`, message: `is longer than ${MAX_FIELD.toLocaleString('en')} characters` }));
}

/** The JSON check takes its CSRF token from the X-CSRF-Token header (a form post: from `_csrf`). */
const csrfFromHeader: RequestHandler = (req, _res, next) => {
  const token = req.get('x-csrf-token');
  if (token !== undefined && req.body && typeof req.body === 'object' && !Array.isArray(req.body)) (req.body as Record<string, unknown>)._csrf = token;
  next();
};

/** Where the question `id` is in the draft, the questions before it and the JSON path of it. */
function placeOf(view: EditorView, id: string | undefined, sectionId: string) {
  const qn = view.questionnaire;
  const at = id === undefined ? undefined : edit.locateQuestion(qn, id);
  const si = at ? at.section : qn.sections.findIndex((s) => s.id === sectionId);
  const qi = at ? at.index : qn.sections[si]!.questions.length;
  const earlier = qn.sections.slice(0, si + 1).flatMap((s, i) => (i < si ? s.questions : s.questions.slice(0, qi)));
  return { sectionId: qn.sections[si]!.id, earlier, prefix: `sections[${si}].questions[${qi}]` };
}

export function editorAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);
  const rule = allow('evaluator', { study: 'study' });

  const structure = async (res: Response, at: ReturnType<typeof ids>, extra: Parameters<typeof structurePage>[1] = {}, status = 200) =>
    res.status(status).render('admin/editor', structurePage(await editorView(ctx, at.study, at.questionnaire), extra));

  /** A small form of the structure page: one edit, then back to the page (refused: the page with the problems). */
  const structureEdit = (make: (req: Request, draft: edit.EditedQuestionnaire, view: EditorView) => edit.EditedQuestionnaire, anchor: (req: Request) => string) =>
    async (req: Request, res: Response) => {
      const at = ids(req);
      let refused: edit.EditedQuestionnaire | undefined;
      try {
        await applyEdit(ctx, signedInActor(res), at.study, at.questionnaire, formBody(req.body).revision, (draft, view) => (refused = make(req, draft, view as EditorView)));
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

  /** Renders the question form for `candidate` (GET: the saved question; after a refusal: what was posted). */
  const questionForm = async (res: Response, view: EditorView, sectionId: string, candidate: edit.EditedQuestion, existing: TQuestion | undefined, extra: { problems?: Problem['details']; conflict?: string; extraRows?: number } = {}, status = 200) => {
    const place = placeOf(view, existing?.id, sectionId);
    const action = existing ? `${editUrl(view.study, view.questionnaire.id)}/questions/${existing.id}` : `${editUrl(view.study, view.questionnaire.id)}/sections/${place.sectionId}/new-question`;
    res.status(status).render('admin/editor-question', questionPage({ view, sectionId: place.sectionId, existing, candidate, earlier: place.earlier, prefix: place.prefix, action, ...extra }));
  };

  /** A posted question form: re-shown (more rows, another type), or saved (then back to the structure page). */
  const saveQuestion = (existingOf: (view: EditorView, req: Request) => TQuestion | undefined) => async (req: Request, res: Response) => {
    const at = ids(req);
    const view = await editorView(ctx, at.study, at.questionnaire);
    if (view.template) throw problems.readOnlyTemplate(at.study);
    const existing = existingOf(view, req);
    const sectionId = existing ? placeOf(view, existing.id, '').sectionId : sectionOf(view, param(req, 'section')).id;
    const body = formBody(req.body);
    const takenIds = edit.questionIds(view.questionnaire).filter((id) => id !== existing?.id);
    const candidate = questionFromForm(body, { ...(existing ? { existing } : {}), ...(existing && publishedQuestion(view, existing.id) ? { published: publishedQuestion(view, existing.id)! } : {}), takenIds });
    const action = text(body, 'action');
    if (action === 'more' || action === 'retype') return questionForm(res, view, sectionId, candidate, existing, { extraRows: action === 'more' ? 5 : 2 });
    const tooLong = overlong(body, placeOf(view, existing?.id, sectionId).prefix);
    if (tooLong.length > 0) return questionForm(res, view, sectionId, candidate, existing, { problems: tooLong }, 400);
    try {
      await applyEdit(ctx, signedInActor(res), at.study, at.questionnaire, body.revision, (draft) => (existing ? edit.updateQuestion(draft, existing.id, candidate) : edit.addQuestion(draft, sectionId, candidate)));
      res.redirect(303, `${editUrl(at.study, at.questionnaire)}?gemt=1#q-${candidate.id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const fresh = await editorView(ctx, at.study, at.questionnaire);
      if (error.status === 412) return questionForm(res, fresh, sectionId, candidate, existing && edit.locateQuestion(fresh.questionnaire, existing.id) ? questionOf(fresh, existing.id) : undefined, { conflict: CONFLICT }, 412);
      await questionForm(res, view, sectionId, candidate, existing, { problems: error.details }, 400);
    }
  };

  router.get(`${BASE}/questions/:question`, rule, csrfToken, async (req, res) => {
    const at = ids(req);
    const view = await editorView(ctx, at.study, at.questionnaire);
    const q = questionOf(view, param(req, 'question'));
    await questionForm(res, view, '', q, q);
  });
  router.post(`${BASE}/questions/:question`, rule, csrf, csrfToken, saveQuestion((view, req) => questionOf(view, param(req, 'question'))));

  router.get(`${BASE}/sections/:section/new-question`, rule, csrfToken, async (req, res) => {
    const at = ids(req);
    const view = await editorView(ctx, at.study, at.questionnaire);
    const section = sectionOf(view, param(req, 'section'));
    const type = edit.QUESTION_TYPES.find((t) => t === req.query.type) ?? 'single';
    const starter = edit.newQuestion(type as TQuestionType, view.questionnaire);
    const { options: _options, ...blank } = { ...starter, id: '', text: '' } as edit.EditedQuestion;
    await questionForm(res, view, section.id, blank, undefined, { extraRows: 4 });
  });
  router.post(`${BASE}/sections/:section/new-question`, rule, csrf, csrfToken, saveQuestion(() => undefined));

  const question = (req: Request, view: EditorView) => questionOf(view, param(req, 'question')).id;
  router.post(`${BASE}/questions/:question/move`, rule, csrf, csrfToken, structureEdit((req, draft, view) => edit.moveQuestion(draft, question(req, view), direction(req)), (req) => `q-${param(req, 'question')}`));
  router.post(`${BASE}/questions/:question/duplicate`, rule, csrf, csrfToken, structureEdit((req, draft, view) => edit.duplicateQuestion(draft, question(req, view)).questionnaire, (req) => `q-${param(req, 'question')}`));
  router.post(`${BASE}/questions/:question/delete`, rule, csrf, csrfToken, structureEdit((req, draft, view) => edit.deleteQuestion(draft, question(req, view)), () => 'spoergeskema'));

  // --- Sections ----------------------------------------------------------------------------

  const sectionForm = async (res: Response, view: EditorView, section: { id?: string; title: string; intro?: string }, extra: { problems?: Problem['details']; conflict?: string } = {}, status = 200) => {
    const index = section.id === undefined ? view.questionnaire.sections.length : view.questionnaire.sections.findIndex((s) => s.id === section.id);
    const messages = (field: string) => (extra.problems ?? []).filter((d) => d.path === `sections[${index}].${field}`).map((d) => d.message);
    const others = (extra.problems ?? []).filter((d) => d.path !== `sections[${index}].title` && d.path !== `sections[${index}].intro`);
    const base = editUrl(view.study, view.questionnaire.id);
    res.status(status).render('admin/editor-section', { title: section.id ? `Rediger afsnit ${section.id}` : 'Nyt afsnit', view, section, action: section.id ? `${base}/sections/${section.id}` : `${base}/new-section`, base, errors: { title: messages('title'), intro: messages('intro') }, others, conflict: extra.conflict });
  };
  const fields = (req: Request) => ({ title: text(formBody(req.body), 'title').trim(), intro: text(formBody(req.body), 'intro').trim() });
  const saveSection = (isNew: boolean) => async (req: Request, res: Response) => {
    const at = ids(req);
    const view = await editorView(ctx, at.study, at.questionnaire);
    if (view.template) throw problems.readOnlyTemplate(at.study);
    const sectionId = isNew ? undefined : sectionOf(view, param(req, 'section')).id;
    const posted = fields(req);
    const index = sectionId === undefined ? view.questionnaire.sections.length : view.questionnaire.sections.findIndex((s) => s.id === sectionId);
    const tooLong = overlong(formBody(req.body), `sections[${index}]`);
    if (tooLong.length > 0) return sectionForm(res, view, { ...(sectionId ? { id: sectionId } : {}), ...posted }, { problems: tooLong }, 400);
    try {
      const saved = await applyEdit(ctx, signedInActor(res), at.study, at.questionnaire, formBody(req.body).revision, (draft) =>
        sectionId === undefined ? edit.addSection(draft, posted, edit.newQuestion('text', draft)) : edit.updateSection(draft, sectionId, posted));
      const id = sectionId ?? saved.questionnaire.sections.at(-1)!.id;
      res.redirect(303, `${editUrl(at.study, at.questionnaire)}?gemt=1#s-${id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const fresh = error.status === 412 ? await editorView(ctx, at.study, at.questionnaire) : view;
      await sectionForm(res, fresh, { ...(sectionId ? { id: sectionId } : {}), ...posted }, error.status === 412 ? { conflict: CONFLICT } : { problems: error.details }, error.status);
    }
  };

  router.get(`${BASE}/new-section`, rule, csrfToken, async (req, res) => sectionForm(res, await editorView(ctx, ids(req).study, ids(req).questionnaire), { title: '' }));
  router.post(`${BASE}/new-section`, rule, csrf, csrfToken, saveSection(true));
  router.get(`${BASE}/sections/:section`, rule, csrfToken, async (req, res) => {
    const view = await editorView(ctx, ids(req).study, ids(req).questionnaire);
    await sectionForm(res, view, sectionOf(view, param(req, 'section')));
  });
  router.post(`${BASE}/sections/:section`, rule, csrf, csrfToken, saveSection(false));

  const section = (req: Request, view: EditorView) => sectionOf(view, param(req, 'section')).id;
  router.post(`${BASE}/sections/:section/move`, rule, csrf, csrfToken, structureEdit((req, draft, view) => edit.moveSection(draft, section(req, view), direction(req)), (req) => `s-${param(req, 'section')}`));
  router.post(`${BASE}/sections/:section/duplicate`, rule, csrf, csrfToken, structureEdit((req, draft, view) => edit.duplicateSection(draft, section(req, view)).questionnaire, (req) => `s-${param(req, 'section')}`));
  router.post(`${BASE}/sections/:section/delete`, rule, csrf, csrfToken, structureEdit((req, draft, view) => edit.deleteSection(draft, section(req, view)), () => 'spoergeskema'));

  // --- Live validation and preview ---------------------------------------------------------

  router.post(`${BASE}/check`, rule, express.json({ limit: BODY_LIMIT }), checkJsonBody, csrfFromHeader, csrf, async (req, res) => {
    const at = ids(req);
    const body = formBody(req.body);
    if (body.definition !== undefined) return void res.json({ problems: await editProblems(ctx, at.study, at.questionnaire, () => body.definition) });
    const form = formBody(body.form);
    const view = await editorView(ctx, at.study, at.questionnaire);
    const questionId = typeof body.question === 'string' && body.question !== '' ? body.question : undefined;
    const existing = questionId === undefined ? undefined : questionOf(view, questionId);
    const sectionId = existing ? placeOf(view, existing.id, '').sectionId : sectionOf(view, typeof body.section === 'string' ? body.section : '').id;
    const takenIds = edit.questionIds(view.questionnaire).filter((id) => id !== existing?.id);
    const published = existing ? publishedQuestion(view, existing.id) : undefined;
    const candidate = questionFromForm(form, { ...(existing ? { existing } : {}), ...(published ? { published } : {}), takenIds });
    const found = await editProblems(ctx, at.study, at.questionnaire, (draft) => (existing ? edit.updateQuestion(draft, existing.id, candidate) : edit.addQuestion(draft, sectionId, candidate)));
    const place = placeOf(view, existing?.id, sectionId);
    const page = questionPage({ view, sectionId, ...(existing ? { existing } : {}), candidate, earlier: place.earlier, prefix: place.prefix, action: '', problems: found });
    const preview = await new Promise<string>((resolve, reject) => res.app.render('partials/questions', { questions: page.preview }, (error, html) => (error ? reject(error) : resolve(html))));
    res.json({ problems: found, fields: page.summary, codes: (candidate.options as { code: string }[] | undefined)?.map((o) => o.code) ?? [], preview });
  });

  return router;
}
