/**
 * JSON API, version 1, case-file audits: every endpoint needs `Authorization: Bearer <key>`.
 * Import of cases.csv / events.csv (text/csv bodies), the results, the figures as PNG and the
 * import format back.
 */
import type { Response } from 'express';
import type { Context } from '../services/context.ts';
import { casesCsv, eventsCsv, figurePng, importCases, importEvents, resultsCsv, type ImportOutcome } from '../services/audit.ts';
import { allow } from './allow.ts';
import { record } from './auth.ts';
import { newRouter, param, sendCsv } from './router.ts';

/** 200 with what was stored, or 400 with every problem of the refused file by line (nothing changed). */
function sendImport(res: Response, outcome: ImportOutcome): void {
  if (outcome.ok) {
    res.json({ created: outcome.created, updated: outcome.updated, events: outcome.events });
    return;
  }
  const { problem } = outcome;
  res.status(400).json({ error: { code: problem.code, message: problem.message, details: problem.details }, problems: outcome.problems });
}

export function auditApiRoutes(ctx: Context) {
  const router = newRouter();
  // An audit's members are its study's: auditors (and evaluators) of that study, and admins.
  const studyOfAudit = (audit: string) => ctx.definitions.audits?.find((a) => a.id === audit)?.study;
  const auditor = allow('auditor', { study: 'audit', studyOf: studyOfAudit });

  for (const [kind, run] of [['cases', importCases], ['events', importEvents]] as const) {
    router.post(`/audits/:audit/${kind}`, auditor, async (req, res) => {
      const audit = param(req, 'audit');
      const outcome = await run(ctx, audit, req.body);
      if (outcome.ok) await record(ctx, res, 'audit-import', { study: studyOfAudit(audit), detail: `${audit} ${kind}.csv: ${outcome.created} new, ${outcome.updated} updated, ${outcome.events} events` });
      sendImport(res, outcome);
    });
  }
  router.get('/audits/:audit/results.csv', auditor, async (req, res) => sendCsv(res, await resultsCsv(ctx, param(req, 'audit'), req.query)));
  router.get('/audits/:audit/cases.csv', auditor, async (req, res) => sendCsv(res, await casesCsv(ctx, param(req, 'audit'), req.query)));
  router.get('/audits/:audit/events.csv', auditor, async (req, res) => sendCsv(res, await eventsCsv(ctx, param(req, 'audit'), req.query)));
  router.get('/audits/:audit/figures/:figure.png', auditor, async (req, res) => {
    const { filename, png } = await figurePng(ctx, param(req, 'audit'), param(req, 'figure'));
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('Content-Disposition', `inline; filename="${filename}"`);
    res.send(png);
  });

  return router;
}
