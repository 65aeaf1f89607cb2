/**
 * An audit's records as stored: one case (its municipality and one cell per field of the
 * definition) and one dated event of a case. Zod schemas with their inferred types; the CSV reader
 * (./csv.ts) and the case form produce them, the store keeps them.
 *
 * No name and no CPR number is ever a record: the case id is a pseudonym chosen by the auditor
 * (`looksLikeCpr` in ./csv.ts refuses one that looks like a CPR number), and there is no free-text field.
 */
import { z } from 'zod';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date as recorded: a date (YYYY-MM-DD), `null` (has not happened by the review date) or `ukendt` (not recorded). */
export const ZDateCell = z.union([z.string().regex(ISO_DATE, 'a date is YYYY-MM-DD'), z.literal('ukendt'), z.null()]);
/** A yes/no field: `ja`, `nej`, `ukendt` or `null` (empty). */
export const ZYesNo = z.union([z.literal('ja'), z.literal('nej'), z.literal('ukendt'), z.null()]);
export type YesNo = z.infer<typeof ZYesNo>;

export const ZCaseId = z.string().min(1).max(64);

export const ZAuditCase = z.strictObject({
  caseId: ZCaseId,
  municipality: z.string().min(1).max(100),
  /** Per field id: a date cell for date fields, a yes/no cell for yes/no fields. */
  values: z.record(z.string(), z.union([ZDateCell, ZYesNo])),
});
export type AuditCase = z.infer<typeof ZAuditCase>;

export const ZAuditEvent = z.strictObject({
  caseId: ZCaseId,
  event: z.string().min(1),
  date: z.union([z.string().regex(ISO_DATE, 'a date is YYYY-MM-DD'), z.literal('ukendt')]),
});
export type AuditEvent = z.infer<typeof ZAuditEvent>;

/** One audit's records: its cases (in the order first stored) and their events. */
export const ZAuditData = z.strictObject({ cases: z.array(ZAuditCase), events: z.array(ZAuditEvent) });
export type AuditData = z.infer<typeof ZAuditData>;
