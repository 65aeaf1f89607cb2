/**
 * JSON API, version 1, evaluator part: every endpoint needs `Authorization: Bearer <key>`.
 * Counts, invitation links, response rates, the fieldwork window, the tables and the CSV exports.
 */
import { problems, issueDetails } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { createInvitations, parseWindowRequest, responseRatesOf, ZInvitationRequest } from '../services/fieldwork.ts';
import { codebookExport, parseResultsQuery, responseCount, responsesExport, tablesExport, tablesJson } from '../services/results.ts';
import { setWindow } from '../services/status.ts';
import { allow } from './allow.ts';
import { record, signedInActor } from './auth.ts';
import { sendLoggedCsv } from './exports.ts';
import { newRouter, origin, param } from './router.ts';

export function evaluatorApiRoutes(ctx: Context) {
  const router = newRouter();

  router.get('/whoami', allow('signed-in'), (_req, res) => {
    const { name, role, studies } = signedInActor(res);
    res.json({ name, role, studies });
  });

  router.get('/studies/:study/questionnaires/:questionnaire/count', allow('viewer', { study: 'study' }), async (req, res) => {
    res.json(await responseCount(ctx, param(req, 'study'), param(req, 'questionnaire')));
  });

  router.put('/studies/:study/questionnaires/:questionnaire/window', allow('evaluator', { study: 'study' }), async (req, res) => {
    const status = await setWindow(ctx, param(req, 'study'), param(req, 'questionnaire'), parseWindowRequest(req.body));
    await record(ctx, res, 'window', { study: status.study, detail: `${status.questionnaire}: ${status.mode}, åbne links ${status.openLinks ? 'on' : 'off'}` });
    res.json(status);
  });

  router.post('/studies/:study/invitations', allow('evaluator', { study: 'study' }), async (req, res) => {
    const parsed = ZInvitationRequest.safeParse(req.body);
    if (!parsed.success) throw problems.invalidInput('The body must be {questionnaire, municipalities: "eligible" | ["101", …], uses?}.', issueDetails(parsed.error.issues));
    const { links } = await createInvitations(ctx, param(req, 'study'), parsed.data);
    res.status(201).json(links.map((l) => ({ municipality: l.municipality, url: `${origin(req)}/i/${l.token}` })));
  });

  router.get('/studies/:study/response-rates', allow('evaluator', { study: 'study' }), async (req, res) => {
    res.json(await responseRatesOf(ctx, param(req, 'study')));
  });

  router.get('/studies/:study/tables', allow('viewer', { study: 'study' }), async (req, res) => {
    res.json(await tablesJson(ctx, param(req, 'study'), parseResultsQuery(req.query)));
  });

  router.get('/studies/:study/exports/responses.csv', allow('evaluator', { study: 'study' }), async (req, res) => sendLoggedCsv(ctx, req, res, await responsesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/tables.csv', allow('viewer', { study: 'study' }), async (req, res) => sendLoggedCsv(ctx, req, res, await tablesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/codebook.csv', allow('evaluator', { study: 'study' }), (req, res) => sendLoggedCsv(ctx, req, res, codebookExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));

  return router;
}
