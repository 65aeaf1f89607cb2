/**
 * Lists every route of an Express 5 app by walking its router (app.router.stack), so a route added
 * later is checked by the access tests without anyone remembering to add it there.
 */
import type { Express } from 'express';

export interface AppRoute {
  method: string;
  /** Full path pattern, e.g. "/admin/studies/:study/questionnaires/:questionnaire". */
  path: string;
}

interface LayerLike {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  rawPath?: string | string[] | RegExp;
  handle?: { stack?: LayerLike[] };
}

function join(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix || '/';
  return (prefix + path).replace(/\/{2,}/g, '/');
}

function walk(stack: LayerLike[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const method of Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m])) {
        for (const p of paths) out.push({ method: method.toUpperCase(), path: join(prefix, p) });
      }
    } else if (layer.handle?.stack) {
      const raw = layer.rawPath;
      const mounts = raw === undefined ? ['/'] : Array.isArray(raw) ? raw : [raw];
      for (const mount of mounts) {
        if (typeof mount !== 'string') throw new Error(`router mounted on a RegExp (${String(mount)}): extend routes.ts`);
        walk(layer.handle.stack, join(prefix, mount === '/' ? '' : mount), out);
      }
    }
  }
}

export function listRoutes(app: Express): AppRoute[] {
  const router = (app as unknown as { router?: { stack: LayerLike[] } }).router;
  if (!router) throw new Error('app.router is missing: is this Express 5?');
  const out: AppRoute[] = [];
  walk(router.stack, '', out);
  return out;
}

/** A concrete URL for a route pattern: `:study` and friends from `values`, anything else "x". */
export function fillPath(path: string, values: Record<string, string>): string {
  return path
    .replace(/\{([^}]*)\}/g, '$1') // optional groups: include them
    .replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => values[name] ?? 'x')
    .replace(/\*([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => values[name] ?? 'x');
}
