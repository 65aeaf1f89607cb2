/**
 * `allow(rule, { study })`: the ONE declaration of who may use a route, written where the route is
 * added, e.g.
 *
 *   router.get('/studies/:study/report', allow('viewer', { study: 'study' }), handler)
 *
 * The rule (src/services/access.ts) is recorded in the route registry (router.ts), so the access
 * test walks every route with its rule, and a route without one fails it. `study` names the path
 * parameter that holds the study id (members only, but admins). Refused: a page sends a signed-out
 * visitor to the sign-in page (303); the API answers 401; a signed-in actor without the right gets
 * 403, and the refusal is logged.
 */
import type { RequestHandler } from 'express';
import { problems } from '../errors.ts';
import { may, type Rule } from '../services/access.ts';
import { actorOf } from './auth.ts';

export interface Declared {
  rule: Rule;
  /** The path parameter holding the study id, if the rule is per study. */
  study?: string;
}

const declared = new WeakMap<object, Declared>();

/** The declaration a handler carries (router.ts records it), if it is an `allow`. */
export function declaredBy(handler: unknown): Declared | undefined {
  return typeof handler === 'function' ? declared.get(handler) : undefined;
}

/**
 * `studyOf` maps the parameter's value to the study it belongs to (a case-file audit's study);
 * when it has none, no membership lets in (admins only).
 */
export function allow(rule: Rule, options: { study?: string; studyOf?: (value: string) => string | undefined } = {}): RequestHandler {
  const handler: RequestHandler = (req, res, next) => {
    const value = options.study === undefined ? undefined : String((req.params as Record<string, string | undefined>)[options.study] ?? '');
    const study = value === undefined || !options.studyOf ? value : (options.studyOf(value) ?? `\u0000no study of ${value}`);
    const decision = may(actorOf(res), rule, study);
    if (decision === 'allowed') return next();
    const api = req.originalUrl.startsWith('/api/');
    if (decision === 'unauthenticated') {
      if (api) return next(res.locals.authProblem ?? problems.unauthenticated());
      return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    res.locals.denied = true;
    res.locals.deniedStudy = study;
    next(problems.forbidden(study === undefined ? `Your role may not do this.` : `Your role or your studies do not allow this for the study "${study.slice(0, 64)}".`));
  };
  declared.set(handler, { rule, ...(options.study === undefined ? {} : { study: options.study }) });
  return handler;
}
