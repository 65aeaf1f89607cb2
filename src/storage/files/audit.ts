/**
 * Audit records in `audit.json` (created by the first change): one JSON document (./document.ts: validated, written durably,
 * changed through one chain), `{ audits: { <audit id>: { cases, events } } }`. An update plans on
 * the current data and commits the whole document once, so a change is all or nothing and on
 * disk before it resolves.
 */
import { z } from 'zod';
import { ZAuditData, type AuditData } from '../../audit/records.ts';
import { checkDocument, ZAuditDocument, type AuditChange, type AuditPort, type TAuditDocument } from '../ports.ts';
import { checkAuditChange } from '../shared.ts';
import { LazyDocument } from './document.ts';
import type { FileIO } from './io.ts';

const ZAuditFile = z.object({ audits: z.record(z.string(), ZAuditData).default({}) });
type AuditFile = z.infer<typeof ZAuditFile>;
const SCHEMA = ZAuditFile as z.ZodType<AuditFile>;

/** The change applied to one audit's records in memory (the PostgreSQL adapter does the same in SQL). */
function applyChange(current: AuditData, change: AuditChange): { next: AuditData; created: number; updated: number } {
  const cases = [...current.cases];
  const position = new Map(cases.map((c, i) => [c.caseId, i]));
  let created = 0;
  let updated = 0;
  for (const c of change.cases) {
    const at = position.get(c.caseId);
    if (at === undefined) {
      position.set(c.caseId, cases.length);
      cases.push(structuredClone(c));
      created += 1;
    } else {
      cases[at] = structuredClone(c);
      updated += 1;
    }
  }
  const replaced = new Set(change.eventsOf);
  const events = [...current.events.filter((e) => !replaced.has(e.caseId)), ...change.events.map((e) => ({ ...e }))];
  return { next: { cases, events }, created, updated };
}

export class FileAudits implements AuditPort {
  /** Opened at the store's open when audit.json exists, else at the first update (a store without audits has no audit.json). */
  readonly #doc: LazyDocument<AuditFile>;

  private constructor(doc: LazyDocument<AuditFile>) {
    this.#doc = doc;
  }

  static async open(file: string, io: FileIO): Promise<FileAudits> {
    return new FileAudits(await LazyDocument.open(file, SCHEMA, 'audit records', io));
  }

  async read(audit: string): Promise<AuditData> {
    const data = (await this.#doc.data())?.audits[audit];
    return data ? structuredClone(data) : { cases: [], events: [] };
  }

  async update(audit: string, plan: (current: AuditData) => AuditChange): Promise<{ created: number; updated: number; events: number }> {
    const doc = await this.#doc.document();
    return doc.serial(async () => {
      const file = doc.data;
      const current = file.audits[audit] ?? { cases: [], events: [] };
      const change = checkAuditChange(plan(structuredClone(current)));
      const { next, created, updated } = applyChange(current, change);
      await doc.commit({ ...file, audits: { ...file.audits, [audit]: next } });
      return { created, updated, events: change.events.length };
    });
  }

  /** Every audit with cases or events, for `praksis copy`. */
  async data(): Promise<TAuditDocument> {
    const audits = (await this.#doc.data())?.audits ?? {};
    return structuredClone({ audits: Object.fromEntries(Object.entries(audits).filter(([, a]) => a.cases.length > 0 || a.events.length > 0)) });
  }

  /** Stores every audit in one durable write (audit.json), into a store without audit records only. */
  async load(data: TAuditDocument): Promise<void> {
    const parsed = checkDocument(ZAuditDocument, data, 'audit records');
    // A case id once per audit (the PostgreSQL adapter's key is the same).
    for (const records of Object.values(parsed.audits)) checkAuditChange({ cases: records.cases, eventsOf: records.events.map((e) => e.caseId), events: records.events });
    const doc = await this.#doc.document();
    await doc.serial(async () => {
      if (Object.values(doc.data.audits).some((a) => a.cases.length > 0 || a.events.length > 0)) throw new Error(`${this.#doc.file} already holds audit records; they are not overwritten`);
      await doc.commit({ audits: parsed.audits });
    });
  }

  close(): Promise<void> {
    return this.#doc.close();
  }
}
