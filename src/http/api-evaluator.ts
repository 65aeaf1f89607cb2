/**
 * JSON API, version 1, evaluator part: every endpoint needs `Authorization: Bearer <key>`.
 * Counts, invitation links (e-mail fieldwork: ./api-fieldwork.ts), response rates, the fieldwork window, the tables and the CSV exports.
 */
import { problems, issueDetails } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { createInvitations, linkUrl, parseWindowRequest, responseRatesOf, ZInvitationRequest } from '../services/fieldwork.ts';
import { codebookExport, parseResultsQuery, responseCount, responsesExport, syntaxExport, tablesExport, tablesJson } from '../services/results.ts';
import { setWindow } from '../services/status.ts';
import { requireApiKey } from './auth.ts';
import { newRouter, param, sendCsv } from './router.ts';

export function evaluatorApiRoutes(ctx: Context) {
  const router = newRouter();
  const key = requireApiKey(ctx.store.settings);

  router.get('/whoami', key, (_req, res) => {
    res.json({ role: 'evaluator' });
  });

  router.get('/studies/:study/questionnaires/:questionnaire/count', key, async (req, res) => {
    res.json(await responseCount(ctx, param(req, 'study'), param(req, 'questionnaire')));
  });

  router.put('/studies/:study/questionnaires/:questionnaire/window', key, async (req, res) => {
    res.json(await setWindow(ctx, param(req, 'study'), param(req, 'questionnaire'), parseWindowRequest(req.body)));
  });

  router.post('/studies/:study/invitations', key, async (req, res) => {
    const parsed = ZInvitationRequest.safeParse(req.body);
    if (!parsed.success) throw problems.invalidInput('The body must be {questionnaire, municipalities: "eligible" | ["101", …], uses?}.', issueDetails(parsed.error.issues));
    // Links only for municipalities without one; the others keep theirs (created: false). Under PRAKSIS_PUBLIC_URL, never the Host header.
    const made = await createInvitations(ctx, param(req, 'study'), parsed.data);
    res.status(made.created > 0 ? 201 : 200).json(made.links.map((l) => ({ municipality: l.municipality, url: linkUrl(ctx, l.token), created: l.created })));
  });

  router.get('/studies/:study/response-rates', key, async (req, res) => {
    res.json(await responseRatesOf(ctx, param(req, 'study')));
  });

  router.get('/studies/:study/tables', key, async (req, res) => {
    res.json(await tablesJson(ctx, param(req, 'study'), parseResultsQuery(req.query)));
  });

  router.get('/studies/:study/exports/responses.csv', key, async (req, res) => sendCsv(res, await responsesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/tables.csv', key, async (req, res) => sendCsv(res, await tablesExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/codebook.csv', key, (req, res) => sendCsv(res, codebookExport(ctx, param(req, 'study'), parseResultsQuery(req.query))));
  router.get('/studies/:study/exports/responses.R', key, (req, res) => sendCsv(res, syntaxExport(ctx, param(req, 'study'), 'R')));
  router.get('/studies/:study/exports/responses.sps', key, (req, res) => sendCsv(res, syntaxExport(ctx, param(req, 'study'), 'sps')));

  return router;
}
