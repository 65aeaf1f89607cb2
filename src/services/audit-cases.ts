/**
 * Use cases of the case page (one case entered or corrected by hand) and of double entry: a second
 * evaluator enters a sample of the cases independently (stored apart, as the audit's records
 * `<audit>/second`), and the two entries are compared (disagreements per field, the share of
 * identical dates, Cohen's kappa on the outcomes). The rules are the import's (src/audit).
 */
import { compareEntries, type Agreement } from '../audit/agreement.ts';
import { caseForm, checkCaseForm, readCaseForm, type CaseForm, type FormProblem } from '../audit/form.ts';
import { caseOutcomes, type CaseOutcome } from '../audit/present.ts';
import type { TAuditDefinition } from '../audit/schema.ts';
import { problems } from '../errors.ts';
import { findAudit, Refused } from './audit.ts';
import type { Context } from './context.ts';

/** The first entry (the audit's records) or the second (double entry). */
export type Entry = 'first' | 'second';

/** Where an entry's records are in the store: the audit's id, or `<id>/second` (an audit id has no `/`). */
export function recordsOf(audit: TAuditDefinition, entry: Entry): string {
  return entry === 'first' ? audit.id : `${audit.id}/second`;
}

export interface CasePage {
  audit: TAuditDefinition;
  entry: Entry;
  form: CaseForm;
  /** Set when editing a stored case (its id cannot change on the page). */
  caseId?: string;
  outcomes: CaseOutcome[];
  problems: FormProblem[];
}

/** The case page: an empty form, or a stored case with its outcomes. */
export async function casePage(ctx: Context, auditId: string, caseId?: string, entry: Entry = 'first'): Promise<CasePage> {
  const audit = findAudit(ctx, auditId);
  const { cases, events } = await ctx.store.audits.read(recordsOf(audit, entry));
  if (caseId === undefined) return { audit, entry, form: caseForm(audit), outcomes: [], problems: [] };
  const kase = cases.find((c) => c.caseId === caseId);
  if (!kase) throw problems.notFound(`The case "${caseId}"`);
  const mine = events.filter((e) => e.caseId === caseId);
  return { audit, entry, form: caseForm(audit, kase, mine), caseId, outcomes: caseOutcomes(audit, kase, mine), problems: [] };
}

/**
 * A posted case form: saved (its events replace the stored ones), or the form again as typed,
 * with every problem by field, or with one more row (»add row«). A new case may not take the id
 * of a stored one.
 */
export async function submitCasePage(ctx: Context, auditId: string, body: Record<string, unknown>, caseId?: string, entry: Entry = 'first'): Promise<{ saved: string } | CasePage> {
  const audit = findAudit(ctx, auditId);
  const { form, addRow } = readCaseForm(audit, body);
  if (caseId !== undefined) form.caseId = caseId;
  if (addRow) return { audit, entry, form, outcomes: [], problems: [], ...(caseId !== undefined ? { caseId } : {}) };
  const checked = checkCaseForm(audit, form);
  const page = (list: FormProblem[]): CasePage => ({ audit, entry, form, outcomes: [], problems: list, ...(caseId !== undefined ? { caseId } : {}) });
  if (!checked.ok) return page(checked.problems);
  try {
    const firstIds = entry === 'second' ? new Set((await ctx.store.audits.read(audit.id)).cases.map((c) => c.caseId)) : undefined;
    if (firstIds && !firstIds.has(checked.kase.caseId)) return page([{ field: 'case_id', message: `Der er ingen sag med id »${checked.kase.caseId}« i den første indtastning. Dobbeltindtast en sag, der allerede er indtastet.` }]);
    await ctx.store.audits.update(recordsOf(audit, entry), (current) => {
      const known = current.cases.some((c) => c.caseId === checked.kase.caseId);
      if (caseId === undefined && known) throw new Refused([{ line: 0, column: 'case_id', message: `Der findes allerede en sag med id »${checked.kase.caseId}«. Åbn den fra listen for at rette den.` }]);
      if (caseId !== undefined && !known) throw problems.notFound(`The case "${caseId}"`);
      return { cases: [checked.kase], eventsOf: [checked.kase.caseId], events: checked.events };
    });
  } catch (error) {
    if (error instanceof Refused) return page(error.problems.map((p) => ({ field: p.column ?? 'case_id', message: p.message })));
    throw error;
  }
  return { saved: checked.kase.caseId };
}

/** The two entries compared: every disagreement to reconcile, the share of identical dates, kappa per rule. */
export async function agreementOf(ctx: Context, auditId: string): Promise<{ audit: TAuditDefinition; agreement: Agreement; secondCases: string[] }> {
  const audit = findAudit(ctx, auditId);
  const [first, second] = await Promise.all([ctx.store.audits.read(audit.id), ctx.store.audits.read(recordsOf(audit, 'second'))]);
  return { audit, agreement: compareEntries(audit, first, second), secondCases: second.cases.map((c) => c.caseId) };
}
