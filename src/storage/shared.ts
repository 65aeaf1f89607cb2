/**
 * What both storage adapters (./files/, ./postgres/) share beyond the ports: the error of a write
 * whose outcome is unknown, the check of complete responses (imports, the demo) and of audit changes.
 */
import { ZAuditCase, ZAuditEvent } from '../audit/records.ts';
import { ZResponse, type TResponse } from '../survey/schema.ts';
import type { AuditChange } from './ports.ts';

/**
 * Marks an error of a write whose outcome is not known: its data may still be stored (a
 * failed write that could not be cut back off the log, a database connection lost mid-commit), so
 * it may turn up at the next read.
 * useLink keeps the link's use for such a failure instead of giving it back: a use may be lost,
 * but a link never stores more responses than it allows.
 */
export class MaybeWritten extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MaybeWritten';
  }
}

/** Complete responses checked with ZResponse, or an Error naming the first bad one (nothing is stored then). */
export function checkResponses(responses: readonly TResponse[]): TResponse[] {
  return responses.map((r, i) => {
    const result = ZResponse.safeParse(r);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    throw new Error(`response ${i + 1} of ${responses.length} is not a valid response (${issue.path.join('.') || '(root)'}: ${issue.message}); nothing was stored`);
  });
}

/**
 * An audit change checked before anything is written: every case and event valid (ZAuditCase,
 * ZAuditEvent), every event belonging to a case whose events it replaces. An Error otherwise
 * (a programming error: the use cases check the input first).
 */
export function checkAuditChange(change: AuditChange): AuditChange {
  const cases = change.cases.map((c) => ZAuditCase.parse(c));
  const events = change.events.map((e) => ZAuditEvent.parse(e));
  const of = new Set(change.eventsOf);
  const stray = events.find((e) => !of.has(e.caseId));
  if (stray) throw new Error(`an audit change adds an event of the case "${stray.caseId}", which is not in eventsOf; nothing was stored`);
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.caseId)) throw new Error(`an audit change has the case "${c.caseId}" twice; nothing was stored`);
    ids.add(c.caseId);
  }
  return { cases, eventsOf: [...of], events };
}

/** Freezes a value and everything in it (read-only records an adapter hands out without copying). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
