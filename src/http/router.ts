/**
 * What every route file shares: routers with case-sensitive paths (decided once, for every route:
 * `/S/…` is not `/s/…`), the rendering of a questionnaire flow step, and file downloads.
 */
import { Router, type Express, type Request, type Response } from 'express';
import type { FlowStep } from '../services/flow.ts';
import type { CsvFile } from '../services/results.ts';
import { declaredBy, type Declared } from './allow.ts';

export const ROUTER_OPTIONS = { caseSensitive: true, strict: false } as const;

export interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Full path pattern, e.g. "/admin/studies/:study/report". */
  path: string;
  /** Who may use it: the route's `allow(...)` (./allow.ts); undefined when it declares none. */
  access?: Declared;
}

const routesOfRouter = new WeakMap<Router, RouteEntry[]>();

/** A router whose routes are recorded as they are added, so the app can list them (routesOf). */
export function newRouter(): Router {
  const router = Router(ROUTER_OPTIONS);
  const routes: RouteEntry[] = [];
  for (const method of ['get', 'post', 'put', 'delete'] as const) {
    const add = router[method].bind(router) as (path: string, ...handlers: unknown[]) => Router;
    (router as unknown as Record<string, unknown>)[method] = (path: string, ...handlers: unknown[]) => {
      const access = handlers.map(declaredBy).find((d) => d !== undefined);
      routes.push({ method: method.toUpperCase() as RouteEntry['method'], path, ...(access ? { access } : {}) });
      return add(path, ...handlers);
    };
  }
  routesOfRouter.set(router, routes);
  return router;
}

/** Mounts a router made by newRouter at `prefix` and records its routes as the app's. */
export function mount(app: Express, prefix: string, router: Router): void {
  app.use(prefix, router);
  const list = (app.locals.routes ??= []) as RouteEntry[];
  for (const route of routesOfRouter.get(router) ?? []) list.push({ ...route, path: prefix === '/' ? route.path : `${prefix}${route.path === '/' ? '' : route.path}` });
}

/** Every route the app serves, as mounted (tests walk them all: a route added later is checked too). */
export function routesOf(app: Express): readonly RouteEntry[] {
  return (app.locals.routes ?? []) as RouteEntry[];
}

/** Renders a flow step: a questionnaire page, the "start again" page, or the redirect after the last page. */
export function sendFlowStep(res: Response, step: FlowStep): void {
  if (step.kind === 'done') return res.redirect(303, step.location);
  if (step.kind === 'restart') return void res.status(400).render('restart', { title: 'Start forfra', startUrl: step.startUrl });
  res.status(step.status).render('page', step.locals);
}

/** A download (CSV, or the R and SPSS syntax files: plain text): its type follows the file name. */
export function sendCsv(res: Response, file: CsvFile): void {
  res.setHeader('Content-Type', `${file.filename.endsWith('.csv') ? 'text/csv' : 'text/plain'}; charset=utf-8`);
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
