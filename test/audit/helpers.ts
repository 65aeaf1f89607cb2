import { readFileSync } from 'node:fs';
import { parseAuditDefinition, readCases, readEvents, type AuditCase, type AuditEvent, type TAuditDefinition } from '../../src/audit/index.ts';

export const fixture = (name: string) => readFileSync(new URL(`../fixtures/audit/${name}`, import.meta.url), 'utf8');
export const definition = (id: string): TAuditDefinition =>
  parseAuditDefinition(readFileSync(new URL(`../../surveys/audits/${id}.json`, import.meta.url), 'utf8'), `${id}.json`);

export function load(def: TAuditDefinition, casesText: string, eventsText: string): { cases: AuditCase[]; events: AuditEvent[] } {
  const cases = readCases(def, casesText);
  if (!cases.ok) throw new Error(JSON.stringify(cases.problems));
  const events = readEvents(def, eventsText, cases.records);
  if (!events.ok) throw new Error(JSON.stringify(events.problems));
  return { cases: cases.records, events: events.records };
}

/** The same file in the Danish Excel dialect: `;`, a BOM, CRLF and dates as dd-mm-yyyy. */
export function toExcelDa(text: string): string {
  return '\uFEFF' + text.trim().split('\n').map((line) => line.split(',').map((f) => f.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3-$2-$1')).join(';')).join('\r\n') + '\r\n';
}
