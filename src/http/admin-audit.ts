/**
 * The case-file audit in the evaluator area (session and CSRF as every admin page): the audits,
 * one audit's cases and CSV upload, one page per case, double entry and the agreement of the two
 * entries, the results with figures, PNG and CSV.
 */
import type { Request, Response } from 'express';
import { danishDate } from '../audit/form.ts';
import { auditFigures, categoryLabel, meanLines, ruleText } from '../audit/present.ts';
import { danishNumber, danishPercent } from '../report/figures.ts';
import {
  auditRecords,
  auditsOverview,
  casesCsv,
  eventsCsv,
  figurePng,
  importCases,
  importEvents,
  resultsCsv,
  resultsOf,
  type ImportOutcome,
} from '../services/audit.ts';
import { agreementOf, casePage, submitCasePage, type CasePage, type Entry } from '../services/audit-cases.ts';
import type { Context } from '../services/context.ts';
import { allow } from './allow.ts';
import { actorOf, record } from './auth.ts';
import { provideCsrfToken, requireCsrf } from './csrf.ts';
import { may } from '../services/access.ts';
import { multipartFields } from './multipart.ts';
import { formBody, newRouter, param, sendCsv } from './router.ts';

function renderCase(res: Response, page: CasePage, status = 200): void {
  const title = `${page.caseId ? `Sag ${page.caseId}` : 'Ny sag'}${page.entry === 'second' ? ' (dobbeltindtastning)' : ''}`;
  res.status(status).render('audit/case', { title: `${title}: ${page.audit.title}`, heading: title, ...page, caseId: page.caseId, danishDate });
}

export function auditAdminRoutes(ctx: Context) {
  const router = newRouter();
  // An audit's members are its study's: auditors (and evaluators) of that study, and admins.
  const findStudyOfAudit = (audit: string) => ctx.definitions.audits?.find((a) => a.id === audit)?.study;
  const auditor = allow('auditor', { study: 'audit', studyOf: (audit) => ctx.definitions.audits?.find((a) => a.id === audit)?.study });
  const csrfToken = provideCsrfToken(ctx);
  const csrf = requireCsrf(ctx);

  router.get('/audits', allow('auditor'), csrfToken, async (_req, res) => {
    // Only the audits of the actor's studies (an admin sees all).
    const mine = (await auditsOverview(ctx)).filter((o) => o.audit.study !== undefined ? may(actorOf(res), 'auditor', o.audit.study) === 'allowed' : actorOf(res)?.role === 'admin');
    res.render('audit/index', { title: 'Journalanalyser', audits: mine });
  });

  const auditPage = async (res: Response, auditId: string, upload?: { file: string; outcome: ImportOutcome; text: string }) => {
    const { audit, cases, events } = await auditRecords(ctx, auditId);
    const eventCount = new Map<string, number>();
    for (const e of events) eventCount.set(e.caseId, (eventCount.get(e.caseId) ?? 0) + 1);
    res.status(upload && !upload.outcome.ok ? 400 : 200).render('audit/audit', { title: audit.title, audit, cases, eventCount, upload, imported: res.req.query.imported, danishDate });
  };

  router.get('/audits/:audit', auditor, csrfToken, async (req, res) => auditPage(res, param(req, 'audit')));

  for (const [kind, run] of [['cases', importCases], ['events', importEvents]] as const) {
    // A file chosen (multipart) or the text pasted: the file wins when one was chosen.
    router.post(`/audits/:audit/upload/${kind}`, auditor, ...multipartFields(), csrf, csrfToken, async (req, res) => {
      const body = formBody(req.body);
      const file = typeof body.file === 'string' ? body.file : '';
      const text = file.trim() !== '' ? file : String(body.csv ?? '');
      const outcome = await run(ctx, param(req, 'audit'), text);
      if (outcome.ok) await record(ctx, res, 'audit-import', { study: findStudyOfAudit(param(req, 'audit')), detail: `${param(req, 'audit')} ${kind}.csv: ${outcome.created} new, ${outcome.updated} updated, ${outcome.events} events` });
      if (outcome.ok) return res.redirect(303, `/admin/audits/${encodeURIComponent(param(req, 'audit'))}?imported=${kind}-${outcome.created}-${outcome.updated}-${outcome.events}`);
      await auditPage(res, param(req, 'audit'), { file: `${kind}.csv`, outcome, text });
    });
  }

  // The case pages: `cases` (the first entry) and `second` (double entry, a second evaluator's own).
  for (const [path, entry] of [['cases', 'first'], ['second', 'second']] as [string, Entry][]) {
    router.get(`/audits/:audit/${path}/new`, auditor, csrfToken, async (req, res) => renderCase(res, await casePage(ctx, param(req, 'audit'), undefined, entry)));
    router.get(`/audits/:audit/${path}/:case`, auditor, csrfToken, async (req, res) => renderCase(res, await casePage(ctx, param(req, 'audit'), param(req, 'case'), entry)));
    const submit = (existing: boolean) => async (req: Request, res: Response) => {
      const result = await submitCasePage(ctx, param(req, 'audit'), formBody(req.body), existing ? param(req, 'case') : undefined, entry);
      if ('saved' in result) return res.redirect(303, `/admin/audits/${encodeURIComponent(param(req, 'audit'))}/${path}/${encodeURIComponent(result.saved)}`);
      renderCase(res, result, result.problems.length > 0 ? 400 : 200);
    };
    router.post(`/audits/:audit/${path}`, auditor, csrf, csrfToken, submit(false));
    router.post(`/audits/:audit/${path}/:case`, auditor, csrf, csrfToken, submit(true));
  }

  router.get('/audits/:audit/agreement', auditor, csrfToken, async (req, res) => {
    const { audit, agreement, secondCases } = await agreementOf(ctx, param(req, 'audit'));
    res.render('audit/agreement', { title: `Dobbeltindtastning: ${audit.title}`, audit, agreement, secondCases, label: (id: string) => audit.fields.find((f) => f.id === id)?.label ?? audit.events.find((e) => e.id === id)?.label ?? (id === 'municipality' ? 'Kommune' : id), pct: danishPercent, num: danishNumber, danishDate });
  });

  router.get('/audits/:audit/results', auditor, csrfToken, async (req, res) => {
    const { audit, data, results } = await resultsOf(ctx, param(req, 'audit'));
    const figures = auditFigures(audit, results);
    const tables = audit.measures
      .filter((m) => m.kind !== 'mean_days' && !figures.some((f) => f.measure.id === m.id))
      .map((m) => ({ measure: m, rows: results.rows.filter((r) => r.measure === m.id), rule: ruleText(audit, m) }));
    res.render('audit/results', {
      title: `Resultater: ${audit.title}`,
      audit,
      cases: data.cases.length,
      municipalities: new Set(data.cases.map((c) => c.municipality)).size,
      figures,
      tables,
      means: meanLines(audit, results),
      survival: results.survival,
      specs: figures.filter((f) => f.baseN > 0).map((f) => f.spec),
      label: categoryLabel,
      pct: danishPercent,
      num: danishNumber,
    });
  });

  router.get('/audits/:audit/figures/:figure.png', auditor, async (req, res) => {
    const { filename, png } = await figurePng(ctx, param(req, 'audit'), param(req, 'figure'));
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('Content-Disposition', `inline; filename="${filename}"`);
    res.send(png);
  });
  router.get('/audits/:audit/results.csv', auditor, async (req, res) => sendCsv(res, await resultsCsv(ctx, param(req, 'audit'), req.query)));
  router.get('/audits/:audit/cases.csv', auditor, async (req, res) => sendCsv(res, await casesCsv(ctx, param(req, 'audit'), req.query)));
  router.get('/audits/:audit/events.csv', auditor, async (req, res) => sendCsv(res, await eventsCsv(ctx, param(req, 'audit'), req.query)));

  return router;
}
