/**
 * JSON API, version 1, evaluator part: every endpoint needs `Authorization: Bearer <key>`.
 * Counts, invitation links (e-mail fieldwork: ./api-fieldwork.ts), response rates, the fieldwork window, the tables and the CSV exports.
 */
import { problems, issueDetails } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { createInvitations, linkUrl, parseWindowRequest, responseRatesOf, ZInvitationRequest } from '../services/fieldwork.ts';
import { parseResultsQuery, responseCount, tablesJson } from '../services/results.ts';
import { setWindow } from '../services/status.ts';
import { allow } from './allow.ts';
import { record, signedInActor } from './auth.ts';
import { reportDownloadRoutes } from './exports.ts';
import { newRouter, param } from './router.ts';

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
    // Links only for municipalities without one; the others keep theirs (created: false). Under PRAKSIS_PUBLIC_URL, never the Host header.
    const made = await createInvitations(ctx, param(req, 'study'), parsed.data);
    await record(ctx, res, 'invitations', { study: made.at.study.id, detail: `${made.at.questionnaire.id}: ${made.created} link(s) made, ${made.skipped.length} kept` });
    res.status(made.created > 0 ? 201 : 200).json(made.links.map((l) => ({ municipality: l.municipality, url: linkUrl(ctx, l.token), created: l.created })));
  });

  router.get('/studies/:study/response-rates', allow('evaluator', { study: 'study' }), async (req, res) => {
    res.json(await responseRatesOf(ctx, param(req, 'study')));
  });

  router.get('/studies/:study/tables', allow('viewer', { study: 'study' }), async (req, res) => {
    res.json(await tablesJson(ctx, param(req, 'study'), parseResultsQuery(req.query)));
  });


  reportDownloadRoutes(router, ctx);
  return router;
}
