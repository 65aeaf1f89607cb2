/**
 * Studies in the evaluator area (session and CSRF as every admin page): the study list (templates
 * apart, archived apart), a new study from a form or a JSON import, a copy, the settings and
 * archiving, a JSON export. Per questionnaire (versions, publishing, test mode): admin-versions.ts.
 * Thin: the rules live in services/authoring.ts and services/test-answers.ts; the forms are read
 * by services/studies-ui.ts.
 */
import type { Request, Response } from 'express';
import { assertMayCopy, authoringOverview, copyStudy, createStudy, setArchived, studyDefinition, studySettings, updateStudySettings } from '../services/authoring.ts';
import type { Context } from '../services/context.ts';
import { findStudy, templateStudy } from '../services/studies.ts';
import { fieldProblems, newStudyFromForm, parseJsonText, readForm, settingsFromForm, settingsValues, ZArchiveForm, ZCopyForm, ZCreateForm, ZImportForm, ZSettingsForm, type FormValues } from '../services/studies-ui.ts';
import { allow } from './allow.ts';
import { formHandler as form, quoted, sendJson, type Refused } from './admin-studies-shared.ts';
import { signedInActor } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { multipartFields } from './multipart.ts';
import { newRouter, param } from './router.ts';

export function studiesAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);
  const evaluator = allow('evaluator', { study: 'study' });
  const qn = '/studies/:study/questionnaires/:questionnaire';
  const frames = () => [...ctx.definitions.frames.values()].map((f) => ({ id: f.id, title: f.title }));

  // --- The list, a new study, a copy, an import --------------------------------------------

  router.get('/studies', allow('evaluator'), csrfToken, async (req, res) => {
    const overview = await authoringOverview(ctx, signedInActor(res));
    const made = typeof req.query.oprettet === 'string' ? req.query.oprettet.slice(0, 64) : undefined;
    res.render('admin/studies', { title: 'Studier og spørgeskemaer', ...overview, made });
  });

  const newPage = async (_req: Request, res: Response, refused: Refused = {}) => {
    const defaults: FormValues = { frame: frames()[0]?.id ?? '', weighting: 'equal', minCellSize: '5', 'questionnaire.id': 'ledere', 'questionnaire.group': 'Ledere' };
    const create = refused.form === 'import' ? {} : refused;
    const imported = refused.form === 'import' ? refused : {};
    res.render('admin/studies-new', { title: 'Nyt studie', frames: frames(), values: create.values ?? defaults, errors: fieldProblems(create.problems ?? []), problems: create.problems ?? [], message: create.message, importMessage: imported.message, importProblems: imported.problems ?? [], importText: imported.values?.json ?? imported.values?.file ?? '' });
  };

  router.get('/studies/new', allow('evaluator'), csrfToken, async (req, res) => newPage(req, res));

  router.post('/studies', allow('evaluator'), csrf, csrfToken, form(newPage, async (req, res) => {
    const made = await createStudy(ctx, signedInActor(res), newStudyFromForm(readForm(ZCreateForm, req.body)));
    res.redirect(303, `/admin/studies?oprettet=${quoted(made.settings.id)}`);
  }));

  router.post('/studies/import', allow('evaluator'), ...multipartFields(), csrf, csrfToken, form(newPage, async (req, res) => {
    const fields = readForm(ZImportForm, req.body);
    const text = fields.file && fields.file.trim() !== '' ? fields.file : (fields.json ?? '');
    const made = await createStudy(ctx, signedInActor(res), parseJsonText(text));
    res.redirect(303, `/admin/studies?oprettet=${quoted(made.settings.id)}`);
  }, 'import'));

  /** A template may be copied by any evaluator; a stored study by its members (as the API). */
  const mayCopy = (req: Request, res: Response) => {
    assertMayCopy(ctx, signedInActor(res), param(req, 'study'));
    return param(req, 'study');
  };

  const copyPage = async (req: Request, res: Response, refused: Refused = {}) => {
    const from = await findStudy(ctx, mayCopy(req, res));
    res.render('admin/studies-copy', { title: `Kopiér ${from.title}`, from, template: templateStudy(ctx, from.id) !== undefined, values: refused.values ?? { id: '', title: `Kopi af ${from.title}`.slice(0, 300) }, errors: fieldProblems(refused.problems ?? []), problems: refused.problems ?? [], message: refused.message });
  };

  router.get('/studies/:study/copy', allow('evaluator'), csrfToken, async (req, res) => copyPage(req, res));

  router.post('/studies/:study/copy', allow('evaluator'), csrf, csrfToken, form(copyPage, async (req, res) => {
    mayCopy(req, res);
    const body = readForm(ZCopyForm, req.body);
    const made = await copyStudy(ctx, signedInActor(res), param(req, 'study'), { id: body.id.trim(), title: body.title.trim() });
    res.redirect(303, `/admin/studies?oprettet=${quoted(made.settings.id)}`);
  }));

  router.get('/studies/:study/definition.json', evaluator, async (req, res) => {
    const definition = await studyDefinition(ctx, param(req, 'study'));
    sendJson(res, `${definition.id}.json`, definition);
  });

  // --- Settings and archiving ----------------------------------------------------------------

  const settingsPage = async (req: Request, res: Response, refused: Refused = {}) => {
    const view = await studySettings(ctx, param(req, 'study'));
    const saved = settingsValues(view.settings);
    const values = refused.values ? { ...refused.values, id: view.settings.id } : saved;
    // After a conflict: which fields someone else saved differently from what was posted.
    const changed = refused.values && refused.status === 412 ? Object.keys(saved).filter((k) => k !== 'id' && (refused.values![k] ?? '') !== saved[k]).map((k) => ({ field: k, saved: saved[k]! })) : [];
    const notice = req.query.gemt === '1' ? 'Indstillingerne er gemt.' : req.query.arkiveret === '1' ? 'Studiet er arkiveret: det tager ikke imod flere svar.' : req.query.arkiveret === '0' ? 'Studiet er taget tilbage og kan igen tage imod svar.' : undefined;
    const questionnaires = view.stored?.questionnaires ?? templateStudy(ctx, view.settings.id)?.questionnaires.map((q) => q.id) ?? [];
    res.render('admin/studies-settings', { title: `Indstillinger: ${view.settings.title}`, view, questionnaires, frames: frames(), values, revision: view.etag ?? '', errors: fieldProblems(refused.problems ?? []), problems: refused.problems ?? [], message: refused.message, changed, notice });
  };

  router.get('/studies/:study/settings', evaluator, csrfToken, async (req, res) => settingsPage(req, res));

  router.post('/studies/:study/settings', evaluator, csrf, csrfToken, form(settingsPage, async (req, res) => {
    const body = readForm(ZSettingsForm, req.body);
    const studyId = param(req, 'study');
    const { settings } = await studySettings(ctx, studyId);
    await updateStudySettings(ctx, signedInActor(res), studyId, settingsFromForm(body, studyId, settings), body.revision);
    res.redirect(303, `/admin/studies/${quoted(studyId)}/settings?gemt=1`);
  }));

  router.post('/studies/:study/archive', evaluator, csrf, csrfToken, form(async (req, res, refused) => settingsPage(req, res, { message: refused.message, problems: refused.problems ?? [] }), async (req, res) => {
    const body = readForm(ZArchiveForm, req.body);
    await setArchived(ctx, signedInActor(res), param(req, 'study'), body.archived === 'ja', body.revision);
    res.redirect(303, `/admin/studies/${quoted(param(req, 'study'))}/settings?arkiveret=${body.archived === 'ja' ? 1 : 0}`);
  }));

  return router;
}
