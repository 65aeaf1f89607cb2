/**
 * Studies and versions in the evaluator area (session and CSRF as every admin page): the study
 * list (templates apart, archived apart), a new study from a form or a JSON import, a copy, the
 * settings and archiving, a JSON export; per questionnaire the versions and the publish panel,
 * a JSON export and import of the draft, and test mode (the respondent pages, answers stored apart).
 * Thin: the rules live in services/authoring.ts and services/test-answers.ts; the forms are read
 * by services/studies-ui.ts.
 */
import type { Request, Response } from 'express';
import { isProblem, problems, type Problem, type ProblemDetail } from '../errors.ts';
import { may } from '../services/access.ts';
import {
  authoringOverview,
  copyStudy,
  createStudy,
  draftView,
  pendingChange,
  publishQuestionnaire,
  questionnaireVersionList,
  saveDraft,
  setArchived,
  studyDefinition,
  studySettings,
  updateStudySettings,
} from '../services/authoring.ts';
import type { Context } from '../services/context.ts';
import { findStudy, questionnaireVersions, templateStudy } from '../services/studies.ts';
import {
  fieldProblems,
  newStudyFromForm,
  parseJsonText,
  plainProblems,
  postedValues,
  readForm,
  settingsFromForm,
  settingsValues,
  ZArchiveForm,
  ZCopyForm,
  ZCreateForm,
  ZImportForm,
  ZPlainForm,
  ZPublishForm,
  ZSettingsForm,
  type FormValues,
} from '../services/studies-ui.ts';
import { clearTestAnswers, postTestPage, testAnswerCounts, testBase, testFirstPage } from '../services/test-answers.ts';
import { allow } from './allow.ts';
import { signedInActor } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { multipartFields } from './multipart.ts';
import { formBody, newRouter, param, sendFlowStep } from './router.ts';

/** What a form page shows after a refused post: the posted values, the problems, a message. */
interface Refused {
  values?: FormValues;
  problems?: ProblemDetail[];
  message?: string;
  /** The section of the page the refused form is in (a page with two forms). */
  form?: string;
  /** The refusal's HTTP status (412: someone saved meanwhile). */
  status?: number;
}

/** The Danish lead sentence for a refused form (the problem's own text follows it). */
function leadOf(problem: Problem): string {
  if (problem.status === 412) return 'Nogen har gemt en ændring, siden du åbnede siden. Intet er gemt; dine indtastninger står herunder.';
  if (problem.status === 409) return 'Det kunne ikke gøres; intet er ændret.';
  if (problem.status === 428) return 'Formularen manglede sin version (hent siden igen); intet er gemt.';
  return `Der er ${problem.details.length <= 1 ? 'et problem' : `${problem.details.length} problemer`}; intet er gemt.`;
}

const quoted = (s: string) => encodeURIComponent(s);

/** Sends a JSON file as a download. */
function sendJson(res: Response, filename: string, value: unknown): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(`${JSON.stringify(value, null, 2)}\n`);
}

export function studiesAdminRoutes(ctx: Context) {
  const router = newRouter();
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);
  const evaluator = allow('evaluator', { study: 'study' });
  const qn = '/studies/:study/questionnaires/:questionnaire';
  const frames = () => [...ctx.definitions.frames.values()].map((f) => ({ id: f.id, title: f.title }));

  /** Runs a form's work; a bad input (400, 409, 412, 428) shows the page again with the posted values. */
  const form = (page: (req: Request, res: Response, refused: Refused) => Promise<void>, work: (req: Request, res: Response) => Promise<void>, which?: string) => async (req: Request, res: Response) => {
    try {
      await work(req, res);
    } catch (error) {
      if (!isProblem(error) || ![400, 409, 412, 413, 428].includes(error.status)) throw error;
      res.status(error.status);
      await page(req, res, { values: postedValues(req.body), problems: plainProblems(error.details), message: error.status === 400 && error.details.length > 0 ? leadOf(error) : `${leadOf(error)} ${error.message}`, status: error.status, ...(which ? { form: which } : {}) });
    }
  };

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
    const from = param(req, 'study');
    if (!templateStudy(ctx, from) && may(signedInActor(res), 'evaluator', from) !== 'allowed') throw problems.forbidden(`You are not an evaluator of the study "${from.slice(0, 64)}".`);
    return from;
  };

  const copyPage = async (req: Request, res: Response, refused: Refused = {}) => {
    const from = await findStudy(ctx, mayCopy(req, res));
    res.render('admin/studies-copy', { title: `Kopiér ${from.title}`, from, template: templateStudy(ctx, from.id) !== undefined, values: refused.values ?? { id: '', title: `Kopi af ${from.title}`.slice(0, 300) }, errors: fieldProblems(refused.problems ?? []), problems: refused.problems ?? [], message: refused.message });
  };

  router.get('/studies/:study/copy', allow('evaluator'), csrfToken, async (req, res) => copyPage(req, res));

  router.post('/studies/:study/copy', allow('evaluator'), csrf, csrfToken, form(copyPage, async (req, res) => {
    const from = mayCopy(req, res);
    const body = readForm(ZCopyForm, req.body);
    const made = await copyStudy(ctx, signedInActor(res), from, { id: body.id.trim(), title: body.title.trim() });
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
    const study = await findStudy(ctx, param(req, 'study'));
    const wanted = param(req, 'version');
    const found = (await questionnaireVersions(ctx, study)).get(param(req, 'questionnaire'))?.find((v) => String(v.version) === wanted);
    if (!found) throw problems.notFound(`Version ${wanted.slice(0, 12)} of the questionnaire "${param(req, 'questionnaire').slice(0, 64)}"`);
    sendJson(res, `${study.id}-${found.id}-v${found.version}.json`, found);
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
