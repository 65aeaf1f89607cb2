/**
 * Fieldwork over HTTP: invitation links (/i/:token) with drafts, the evaluator's dashboard
 * (invitations, response rates, reminders, the fieldwork window) and the API
 * (POST /studies/:study/invitations, GET /studies/:study/response-rates, token submissions).
 *
 * A link's page flow is the respondent flow of flow.ts with the municipality fixed by the link.
 * Drafts are tied to the link AND a resume code kept in a cookie scoped to that link's path, so
 * a caseworker link forwarded to three people never shows one person's draft to the next.
 */
import { randomBytes } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { problems } from '../errors.ts';
import { defaultUses, responseRates, TOKEN_PATTERN, windowStatus, type TInvitation } from '../fieldwork/index.ts';
import { toCsv } from '../export/csv.ts';
import type { Store } from '../storage/index.ts';
import type { Definitions } from '../survey/load.ts';
import { validateSubmission } from '../survey/answers.ts';
import type { TStudy } from '../survey/schema.ts';
import { hasValidSession, parseCookies, provideCsrfToken, requireAdminPage, requireApiKey, requireCsrf } from './auth.ts';
import { decodeFlowState, encodeFlowState, ZSubmissionId } from './flow-state.ts';
import { handlePagePost, pageIndexOf, renderFirstPage, renderFlowPage, type FlowOptions } from './flow.ts';
import { findStudy, locate, type Located } from './lookup.ts';
import { danishDay } from '../time.ts';

const RESUME_COOKIE = 'praksis_resume';
const RESUME_DAYS = 60;

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function linkPage(res: Response, status: 404 | 410, heading: string, text: string): void {
  res.status(status).render('fieldwork/link', { title: heading, heading, text });
}

/** Shared rules of the fieldwork: who may answer where, and the bookkeeping of a link's uses. */
export function fieldworkService(defs: Definitions, store: Store) {
  const fw = store.fieldwork;
  const statusOf = (study: TStudy, questionnaire: string) => windowStatus(study, fw.window(study.id, questionnaire), danishDay());

  /** Submits through a link: one use reserved, the response stored durably, then the use recorded. */
  async function submitWithLink(invitation: TInvitation, response: Parameters<Store['responses']['add']>[0], submissionId: string | undefined): Promise<{ id: string; created: boolean }> {
    if (submissionId !== undefined && store.responses.knows(submissionId)) return store.responses.add(response, submissionId);
    if (!fw.reserve(invitation)) throw problems.gone('Linket er allerede brugt det antal gange, det må bruges.');
    try {
      const result = await store.responses.add(response, submissionId);
      if (result.created) await fw.complete(invitation);
      else fw.release(invitation);
      return result;
    } catch (error) {
      fw.release(invitation);
      throw error;
    }
  }

  function createInvitations(study: TStudy, questionnaireId: string, municipalities: 'eligible' | string[], uses?: number) {
    const at = locate(defs, study.id, questionnaireId);
    const eligible = at.frame.municipalities.filter((m) => m.eligible);
    let codes: string[];
    if (municipalities === 'eligible') codes = eligible.map((m) => m.code);
    else {
      const unknown = municipalities.filter((c) => !eligible.some((m) => m.code === c));
      if (unknown.length > 0) throw problems.invalidInput(`Not eligible municipalities of frame "${at.frame.id}": ${unknown.join(', ')}`, unknown.map((c) => ({ path: 'municipalities', message: `"${c}" is not an eligible municipality` })));
      codes = [...new Set(municipalities)];
    }
    return { at, codes, uses: uses ?? defaultUses(at.questionnaire) };
  }

  return { statusOf, submitWithLink, createInvitations };
}

function linksCsv(at: Located, base: string, links: { municipality: string; token: string }[]): string {
  const byCode = new Map(at.frame.municipalities.map((m) => [m.code, m]));
  const regionName = new Map(at.frame.regions.map((r) => [r.code, r.name]));
  return toCsv(
    links.map((l) => ({ ...l, m: byCode.get(l.municipality) })),
    [
      { label: 'municipality', value: (r) => r.municipality },
      { label: 'name', value: (r) => r.m?.name },
      { label: 'region', value: (r) => regionName.get(r.m?.region ?? '') },
      { label: 'questionnaire', value: () => at.questionnaire.id },
      { label: 'url', value: (r) => `${base}/i/${r.token}` },
    ],
  );
}

function sendLinks(res: Response, filename: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(csv);
}

/** Public invitation-link pages: /i/:token … */
export function invitationRoutes(defs: Definitions, store: Store): Router {
  const router = Router();
  const fw = store.fieldwork;
  const service = fieldworkService(defs, store);

  /** The link's invitation and questionnaire, or a friendly 404/410 page (returns undefined). */
  function open(req: Request, res: Response): { invitation: TInvitation; at: Located; token: string } | undefined {
    const token = String(req.params.token);
    const invitation = TOKEN_PATTERN.test(token) ? fw.findByToken(token) : undefined;
    if (!invitation) {
      linkPage(res, 404, 'Linket findes ikke', 'Linket er ikke gyldigt. Tjek, at hele linket fra e-mailen er kopieret med, eller bed om et nyt link.');
      return undefined;
    }
    const at = locate(defs, invitation.study, invitation.questionnaire);
    if (service.statusOf(at.study, at.questionnaire.id) !== 'open') {
      linkPage(res, 410, 'Spørgeskemaet er lukket', 'Spørgeskemaet modtager ikke flere svar. Tak for din interesse.');
      return undefined;
    }
    if (fw.usesLeft(invitation) <= 0) {
      linkPage(res, 410, 'Linket er brugt', 'Der er allerede svaret det antal gange, linket må bruges. Har du brug for at svare, så bed om et nyt link.');
      return undefined;
    }
    return { invitation, at, token };
  }

  function resumeCode(req: Request, res: Response, token: string): string {
    const existing = parseCookies(req.headers.cookie).get(RESUME_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{22}$/.test(existing)) return existing;
    const code = randomBytes(16).toString('base64url');
    res.cookie(RESUME_COOKIE, code, { path: `/i/${token}`, httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: RESUME_DAYS * 86_400_000 });
    return code;
  }

  function options(found: { invitation: TInvitation; at: Located; token: string }, resume: string): FlowOptions {
    const { invitation, at, token } = found;
    return {
      at,
      base: `/i/${token}`,
      startUrl: `/i/${token}`,
      municipality: invitation.municipality,
      onProgress: (state, nextPage) => fw.saveDraft(invitation.tokenHash, resume, encodeFlowState(state), nextPage),
      submit: async (response, submissionId) => {
        await service.submitWithLink(invitation, response, submissionId);
        await fw.deleteDraft(invitation.tokenHash, resume);
        return `/i/${token}/tak`;
      },
    };
  }

  router.get('/i/:token', (req, res) => {
    const found = open(req, res);
    if (!found) return;
    const draft = fw.draft(found.invitation.tokenHash, parseCookies(req.headers.cookie).get(RESUME_COOKIE) ?? '');
    const municipality = found.at.frame.municipalities.find((m) => m.code === found.invitation.municipality);
    res.setHeader('Cache-Control', 'no-store');
    res.render('fieldwork/landing', { title: found.at.questionnaire.title, at: found.at, token: found.token, municipality, draft: Boolean(draft) });
  });

  router.get('/i/:token/p/1', (req, res) => {
    const found = open(req, res);
    if (!found) return;
    res.setHeader('Cache-Control', 'no-store');
    const resume = resumeCode(req, res, found.token);
    const draft = fw.draft(found.invitation.tokenHash, resume);
    const state = draft ? decodeFlowState(draft.state) : undefined;
    const opts = options(found, resume);
    if (state && req.query.forfra === undefined) renderFlowPage(res, opts, Math.min(draft!.page, found.at.questionnaire.sections.length - 1), state);
    else renderFirstPage(res, opts);
  });

  router.post('/i/:token/p/:n', async (req, res) => {
    const found = open(req, res);
    if (!found) return;
    res.setHeader('Cache-Control', 'no-store');
    const index = pageIndexOf(found.at.questionnaire, String(req.params.n));
    if (index === undefined) throw problems.notFound('The page');
    const resume = resumeCode(req, res, found.token);
    await handlePagePost(res, options(found, resume), index, (req.body ?? {}) as Record<string, unknown>);
  });

  router.get('/i/:token/tak', (req, res) => {
    const token = String(req.params.token);
    const invitation = TOKEN_PATTERN.test(token) ? fw.findByToken(token) : undefined;
    if (!invitation) {
      linkPage(res, 404, 'Linket findes ikke', 'Linket er ikke gyldigt.');
      return;
    }
    const at = locate(defs, invitation.study, invitation.questionnaire);
    res.render('thanks', { title: 'Tak for dine svar', questionnaire: at.questionnaire, study: at.study });
  });

  return router;
}

const ZInvitationRequest = z
  .object({
    questionnaire: z.string().min(1),
    municipalities: z.union([z.literal('eligible'), z.array(z.string().regex(/^\d{3}$/)).min(1).max(200)]),
    uses: z.number().int().min(1).max(50).optional(),
  })
  .strict();

const ZTokenSubmission = z
  .object({ token: z.string(), answers: z.record(z.string(), z.unknown()), submissionId: ZSubmissionId.optional() })
  .strict();

/** API routes (mounted under /api/v1). */
export function fieldworkApiRoutes(defs: Definitions, store: Store): Router {
  const router = Router();
  const evaluator = requireApiKey(store.settings);
  const service = fieldworkService(defs, store);

  router.post('/responses', async (req, res, next) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || !('token' in body)) return next();
    const parsed = ZTokenSubmission.safeParse(body);
    if (!parsed.success) {
      throw problems.invalidInput('The body must be a JSON object {token, answers, submissionId?}.', parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
    }
    const invitation = TOKEN_PATTERN.test(parsed.data.token) ? store.fieldwork.findByToken(parsed.data.token) : undefined;
    if (!invitation) throw problems.notFound('The invitation link');
    const at = locate(defs, invitation.study, invitation.questionnaire);
    if (service.statusOf(at.study, at.questionnaire.id) !== 'open') throw problems.gone(`The questionnaire "${at.questionnaire.id}" is not open for answers.`);
    const known = parsed.data.submissionId !== undefined && store.responses.knows(parsed.data.submissionId);
    if (!known && store.fieldwork.usesLeft(invitation) <= 0) throw problems.gone('The invitation link has been used as many times as it may be.');
    const checked = validateSubmission(at.questionnaire, at.frame, { municipality: invitation.municipality, answers: parsed.data.answers }, { hidden: 'reject' });
    if (!checked.ok) {
      res.status(400).json({ error: { code: 400.3, message: `The answers have ${checked.problems.length} problem(s).`, details: checked.problems.map((p) => ({ path: p.question, message: p.message })) }, problems: checked.problems });
      return;
    }
    const result = await service.submitWithLink(
      invitation,
      { study: at.study.id, questionnaire: at.questionnaire.id, version: at.questionnaire.version, municipality: checked.municipality, answers: checked.answers },
      parsed.data.submissionId,
    );
    res.status(result.created ? 201 : 200).json({ id: result.id });
  });

  router.post('/studies/:study/invitations', evaluator, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const parsed = ZInvitationRequest.safeParse(req.body);
    if (!parsed.success) {
      throw problems.invalidInput('The body must be {questionnaire, municipalities: "eligible" | ["101", …], uses?}.', parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
    }
    const { at, codes, uses } = service.createInvitations(study, parsed.data.questionnaire, parsed.data.municipalities, parsed.data.uses);
    const links = await store.fieldwork.issue(study.id, at.questionnaire.id, codes, uses);
    res.status(201).json(links.map((l) => ({ municipality: l.municipality, url: `${origin(req)}/i/${l.token}` })));
  });

  router.get('/studies/:study/response-rates', evaluator, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const frame = defs.frames.get(study.frame)!;
    res.json({ study: study.id, questionnaires: responseRates(study, frame, store.fieldwork.invitations(study.id), store.responses.table) });
  });

  return router;
}

const ZWindowForm = z.object({ questionnaire: z.string().min(1), mode: z.enum(['auto', 'open', 'closed']), openLinks: z.enum(['on', 'off']) }).passthrough();
const ZInvitationForm = z.object({ questionnaire: z.string().min(1), scope: z.enum(['eligible', 'list']), codes: z.string().max(2000).optional(), uses: z.coerce.number().int().min(1).max(50) }).passthrough();
const ZReminderForm = z.object({ questionnaire: z.string().min(1) }).passthrough();

/** Evaluator pages (mounted under /admin). */
export function fieldworkAdminRoutes(defs: Definitions, store: Store): Router {
  const router = Router();
  const settings = store.settings;
  const signedIn = requireAdminPage(settings);
  const csrfToken = provideCsrfToken(settings);
  const csrf = requireCsrf(settings);
  const service = fieldworkService(defs, store);
  const locals: RequestHandler = (req, res, next) => {
    res.locals.admin = true;
    res.locals.signedIn = hasValidSession(req, settings);
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  const formProblem = (error: z.ZodError) => problems.invalidInput('The form is incomplete or invalid.', error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));

  router.get('/studies/:study/fieldwork', locals, signedIn, csrfToken, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const frame = defs.frames.get(study.frame)!;
    const rates = responseRates(study, frame, store.fieldwork.invitations(study.id), store.responses.table);
    res.render('fieldwork/dashboard', {
      title: `Dataindsamling: ${study.title}`,
      study,
      rates,
      windows: Object.fromEntries(study.questionnaires.map((q) => [q.id, { ...(store.fieldwork.window(study.id, q.id) ?? { mode: 'auto', openLinks: true }), status: service.statusOf(study, q.id) }])),
      defaultUses: Object.fromEntries(study.questionnaires.map((q) => [q.id, defaultUses(q)])),
    });
  });

  router.post('/studies/:study/invitations', locals, signedIn, csrf, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const form = ZInvitationForm.safeParse(req.body);
    if (!form.success) throw formProblem(form.error);
    const list = form.data.scope === 'eligible' ? 'eligible' : (form.data.codes ?? '').split(/[\s,;]+/).filter(Boolean);
    if (list !== 'eligible' && list.length === 0) throw problems.invalidInput('Skriv mindst én kommunekode, eller vælg alle inviterede kommuner.');
    const { at, codes, uses } = service.createInvitations(study, form.data.questionnaire, list, form.data.uses);
    const links = await store.fieldwork.issue(study.id, at.questionnaire.id, codes, uses);
    sendLinks(res, `${study.id}-${at.questionnaire.id}-links.csv`, linksCsv(at, origin(req), links));
  });

  router.post('/studies/:study/reminders', locals, signedIn, csrf, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const form = ZReminderForm.safeParse(req.body);
    if (!form.success) throw formProblem(form.error);
    const at = locate(defs, study.id, form.data.questionnaire);
    const rates = responseRates(study, at.frame, store.fieldwork.invitations(study.id), store.responses.table);
    const pending = rates.find((r) => r.questionnaire === at.questionnaire.id)!.notAnswered.map((m) => m.code);
    const chosen = ([] as unknown[]).concat((req.body as Record<string, unknown>).municipality ?? []).map(String);
    const codes = chosen.length > 0 ? pending.filter((c) => chosen.includes(c)) : pending;
    if (codes.length === 0) throw problems.invalidInput('Der er ingen kommuner uden svar at sende påmindelse til.');
    const links = await store.fieldwork.issue(study.id, at.questionnaire.id, codes, 1, { reminder: true });
    sendLinks(res, `${study.id}-${at.questionnaire.id}-paamindelse.csv`, linksCsv(at, origin(req), links));
  });

  router.post('/studies/:study/window', locals, signedIn, csrf, async (req, res) => {
    const study = findStudy(defs, String(req.params.study));
    const form = ZWindowForm.safeParse(req.body);
    if (!form.success) throw formProblem(form.error);
    const at = locate(defs, study.id, form.data.questionnaire);
    await store.fieldwork.setWindow(study.id, at.questionnaire.id, { mode: form.data.mode, openLinks: form.data.openLinks === 'on' });
    res.redirect(303, `/admin/studies/${study.id}/fieldwork`);
  });

  return router;
}

/**
 * Guards the open-link flow (/s/:study/:questionnaire…) with the window set by hand and the
 * open-link switch: a closed questionnaire or switched-off open links get a friendly 410 page.
 */
/** Why an open-link path (`/s/<study>/<questionnaire>/…`) is refused now, or undefined when it may go on. */
export type OpenLinkRefusal = { title: string; text: string } | undefined;

export function openLinkRefusal(defs: Definitions, store: Store): (path: string) => OpenLinkRefusal {
  const service = fieldworkService(defs, store);
  return (path) => {
    const match = /^\/s\/([^/]+)\/([^/]+)/.exec(path);
    if (!match) return undefined;
    const study = defs.studies.find((s) => s.id === decodeURIComponent(match[1]!));
    const qn = study?.questionnaires.find((q) => q.id === decodeURIComponent(match[2]!));
    if (!study || !qn) return undefined;
    if (/\/tak$/.test(path)) return undefined;
    const window = store.fieldwork.window(study.id, qn.id);
    if (service.statusOf(study, qn.id) === 'closed') return { title: 'Spørgeskemaet er lukket', text: 'Spørgeskemaet modtager ikke flere svar. Tak for din interesse.' };
    if (window && !window.openLinks) return { title: 'Spørgeskemaet besvares via personligt link', text: 'Dette spørgeskema kan kun besvares via det link, din kommune har fået tilsendt.' };
    return undefined;
  };
}

/** Express middleware: refused open-link pages get a 410 page (see openLinkRefusal). */
export function openLinkGuard(refusal: (path: string) => OpenLinkRefusal): RequestHandler {
  return (req, res, next) => {
    const refused = refusal(req.path);
    if (refused) return linkPage(res, 410, refused.title, refused.text);
    next();
  };
}

