/**
 * Who may do what: ONE rule set for every route and use case. A route declares a rule (src/http/
 * allow.ts records it in the route registry); `may` decides it. Pure: no Express, no store.
 *
 *   rule         admin  evaluator  auditor  viewer  anonymous
 *   'public'       ✓        ✓         ✓        ✓        ✓
 *   'signed-in'    ✓        ✓         ✓        ✓
 *   'viewer'       ✓        ✓                  ✓            report and its tables, no free texts or response exports
 *   'auditor'      ✓        ✓         ✓                     case-file audits
 *   'evaluator'    ✓        ✓                               questionnaires, fieldwork, every export
 *   'admin'        ✓                                        users and the activity log
 *
 * With a study, everyone but an admin must also be a member of that study.
 */
import type { TRole } from '../storage/accounts.ts';

export const RULES = ['public', 'signed-in', 'viewer', 'auditor', 'evaluator', 'admin'] as const;
export type Rule = (typeof RULES)[number];

const ROLES_OF: Record<Exclude<Rule, 'public' | 'signed-in'>, readonly TRole[]> = {
  viewer: ['admin', 'evaluator', 'viewer'],
  auditor: ['admin', 'evaluator', 'auditor'],
  evaluator: ['admin', 'evaluator'],
  admin: ['admin'],
};

/** Who is asking: a user, or the old shared key (PRAKSIS_API_KEY) acting as an admin. */
export interface Actor {
  /** The user's id; null for the old shared key. */
  id: string | null;
  login: string;
  name: string;
  role: TRole;
  studies: readonly string[];
}

export const LEGACY_KEY_ACTOR: Actor = Object.freeze({ id: null, login: 'PRAKSIS_API_KEY', name: 'PRAKSIS_API_KEY', role: 'admin', studies: Object.freeze([]) });

export type Decision = 'allowed' | 'unauthenticated' | 'forbidden';

export function may(actor: Actor | undefined, rule: Rule, study?: string): Decision {
  if (rule === 'public') return 'allowed';
  if (!actor) return 'unauthenticated';
  if (rule !== 'signed-in' && !ROLES_OF[rule].includes(actor.role)) return 'forbidden';
  if (study !== undefined && actor.role !== 'admin' && !actor.studies.includes(study)) return 'forbidden';
  return 'allowed';
}
