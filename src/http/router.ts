/**
 * What every route file shares: routers with case-sensitive paths (decided once, for every route:
 * `/S/…` is not `/s/…`), the rendering of a questionnaire flow step, and file downloads.
 */
import { Router, type Request, type Response } from 'express';
import type { FlowStep } from '../services/flow.ts';
import type { CsvFile } from '../services/results.ts';

export const ROUTER_OPTIONS = { caseSensitive: true, strict: false } as const;

export function newRouter(): Router {
  return Router(ROUTER_OPTIONS);
}

/** Renders a flow step: a questionnaire page, the "start again" page, or the redirect after the last page. */
export function sendFlowStep(res: Response, step: FlowStep): void {
  if (step.kind === 'done') return res.redirect(303, step.location);
  if (step.kind === 'restart') return void res.status(400).render('restart', { title: 'Start forfra', startUrl: step.startUrl });
  res.status(step.status).render('page', step.locals);
}

export function sendCsv(res: Response, file: CsvFile): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(file.text);
}

/** The form body as a plain object (absent for requests without one). */
export function formBody(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

/** A named parameter of the route's path (Express has decoded it; every one in our paths is a single segment). */
export function param(req: Request, name: string): string {
  return String((req.params as Record<string, string | undefined>)[name] ?? '');
}
