/**
 * The app's routes as it lists them itself (src/http/router.ts: every route is recorded when it is
 * added), so a route added later is checked by the access tests without anyone remembering to add it there.
 */
import type { Express } from 'express';
import { routesOf, type RouteEntry } from '../../src/http/router.ts';

export type AppRoute = RouteEntry;

export function listRoutes(app: Express): readonly AppRoute[] {
  return routesOf(app);
}

/** A concrete URL for a route pattern: `:study` and friends from `values`, anything else "x". */
export function fillPath(path: string, values: Record<string, string>): string {
  return path
    .replace(/\{([^}]*)\}/g, '$1') // optional groups: include them
    .replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => values[name] ?? 'x')
    .replace(/\*([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => values[name] ?? 'x');
}
