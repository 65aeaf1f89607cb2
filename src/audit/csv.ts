/**
 * The audit's import format, read (pure: text in, checked records or every problem out).
 *
 * `cases.csv`: `case_id,municipality,<the definition's fields>`; `events.csv`: `case_id,event,date`.
 * Two dialects, told apart by the header line: `,` (plain) and `;` (Danish Excel, usually with a
 * UTF-8 BOM). Dates `yyyy-mm-dd` or `dd-mm-yyyy`; empty = has not happened by the review date;
 * `ukendt` = not recorded; yes/no fields `ja` / `nej`. A file with any problem is refused whole:
 * the result lists every problem with its line number (the header is line 1) and no records.
 */
import { parseDate } from './dates.ts';
import type { DateCell } from './deadline.ts';
import type { TAuditDefinition } from './schema.ts';

import type { AuditCase, AuditEvent, YesNo } from './records.ts';

export type { AuditCase, AuditEvent, YesNo } from './records.ts';

export interface LineProblem {
  line: number;
  column?: string;
  message: string;
}

/** `lines[k]`: the line record k starts on. */
export type ReadResult<T> = { ok: true; records: T[]; lines: number[]; delimiter: ',' | ';' } | { ok: false; problems: LineProblem[] };

interface Record_ {
  line: number;
  fields: string[];
}

/** RFC 4180 records with the line each starts on; blank lines are skipped. */
function records(text: string): { delimiter: ',' | ';'; rows: Record_[]; problems: LineProblem[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: Record_[] = [];
  const problems: LineProblem[] = [];
  let line = 1;
  let i = 0;
  while (i < body.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let ended = false;
    while (i < body.length && !ended) {
      const ch = body[i]!;
      if (quoted) {
        if (ch === '"') {
          if (body[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          if (ch === '\n' || (ch === '\r' && body[i + 1] !== '\n')) line += 1;
          field += ch;
        }
        i += 1;
      } else if (ch === '"' && field === '') {
        quoted = true;
        i += 1;
      } else if (ch === delimiter) {
        fields.push(field);
        field = '';
        i += 1;
      } else if (ch === '\r' || ch === '\n') {
        i += ch === '\r' && body[i + 1] === '\n' ? 2 : 1;
        line += 1;
        ended = true;
      } else {
        field += ch;
        i += 1;
      }
    }
    if (quoted) problems.push({ line: start, message: 'a quoted field is not closed' });
    fields.push(field);
    if (fields.length === 1 && fields[0] === '') continue;
    rows.push({ line: start, fields });
  }
  return { delimiter, rows, problems };
}

/** A case id that looks like a CPR number (ddmmyy-xxxx or 10 digits) is refused. */
export function looksLikeCpr(text: string): boolean {
  return /\b\d{6}-?\d{4}\b/.test(text);
}

function table(text: string, expected: readonly string[]): { delimiter: ',' | ';'; rows: Record_[]; problems: LineProblem[]; index: Map<string, number> } {
  const parsed = records(text);
  const problems = [...parsed.problems];
  const [header, ...rows] = parsed.rows;
  const names = header ? header.fields.map((f) => f.trim()) : [];
  const index = new Map(names.map((n, k) => [n, k]));
  if (!header) problems.push({ line: 1, message: 'the file is empty: the header line is missing' });
  else {
    const missing = expected.filter((c) => !index.has(c));
    const extra = names.filter((c) => !expected.includes(c));
    if (missing.length > 0 || extra.length > 0 || names.length !== expected.length) {
      problems.push({ line: 1, message: `the header must be ${expected.join(parsed.delimiter)}${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not known: ${extra.join(', ')}` : ''}` });
    }
  }
  for (const row of rows) {
    if (header && row.fields.length !== names.length) problems.push({ line: row.line, message: `the line has ${row.fields.length} fields, the header has ${names.length}` });
  }
  return { delimiter: parsed.delimiter, rows, problems, index };
}

function dateCell(raw: string): DateCell | undefined {
  const t = raw.trim();
  if (t === '') return null;
  if (t.toLowerCase() === 'ukendt') return 'ukendt';
  return parseDate(t);
}

export interface FieldProblem {
  column: string;
  message: string;
  /** Which rule: the date is after the review date, or before the date `other` (the rule's anchor). */
  rule?: 'after_review' | 'before_anchor';
  other?: string;
}

const known = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * The rules a case's dates keep, wherever it is entered (the CSV, the case form): no date after
 * the review date, and no deadline's target before its anchor (the contract not before the
 * takeover, the doctor's delivery not before the request).
 */
export function caseProblems(definition: TAuditDefinition, values: AuditCase['values']): FieldProblem[] {
  const out: FieldProblem[] = [];
  const review = values[definition.reviewField];
  if (known(review)) {
    for (const f of definition.fields) {
      const v = values[f.id];
      if (f.type === 'date' && known(v) && v > review) out.push({ column: f.id, message: `${f.id} (${v}) is after the review date (${review})`, rule: 'after_review', other: definition.reviewField });
    }
  }
  for (const r of definition.rules) {
    if (r.kind !== 'deadline') continue;
    const a = values[r.anchor];
    const t = values[r.target];
    if (known(a) && known(t) && t < a) out.push({ column: r.target, message: `${r.target} (${t}) is before ${r.anchor} (${a})`, rule: 'before_anchor', other: r.anchor });
  }
  return out;
}

/**
 * The rules an event keeps against its case: not after the case's review date, and not before the
 * date its rule counts from (a follow-up before the contract, an offer before the takeover).
 */
export function eventProblems(definition: TAuditDefinition, event: AuditEvent, owner: AuditCase): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (event.date === 'ukendt') return out;
  const review = owner.values[definition.reviewField];
  if (known(review) && event.date > review) out.push({ column: 'date', message: `the date (${event.date}) is after the case's review date (${review})`, rule: 'after_review', other: definition.reviewField });
  for (const r of definition.rules) {
    const from = r.kind === 'chain' ? r.start : r.kind === 'first_event' ? r.anchor : undefined;
    if (r.kind === 'deadline' || r.event !== event.event || from === undefined) continue;
    const start = owner.values[from];
    if (known(start) && event.date < start) {
      out.push({ column: 'date', message: `the ${event.event} (${event.date}) is before ${from} (${start})`, rule: 'before_anchor', other: from });
      break;
    }
  }
  return out;
}

/** Reads `cases.csv` for the definition. */
export function readCases(definition: TAuditDefinition, text: string): ReadResult<AuditCase> {
  const columns = ['case_id', 'municipality', ...definition.fields.map((f) => f.id)];
  const { delimiter, rows, problems, index } = table(text, columns);
  if (problems.some((p) => p.line === 1)) return { ok: false, problems };
  const cases: AuditCase[] = [];
  const lines: number[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.fields.length !== columns.length) continue;
    const cell = (name: string) => row.fields[index.get(name)!]!.trim();
    const bad = (column: string, message: string) => problems.push({ line: row.line, column, message });
    const caseId = cell('case_id');
    if (caseId === '') bad('case_id', 'the case id is empty');
    else if (looksLikeCpr(caseId)) bad('case_id', 'the case id looks like a CPR number; use a pseudonymous id');
    else if (seen.has(caseId)) bad('case_id', `the case id "${caseId}" is also on line ${seen.get(caseId)}`);
    else seen.set(caseId, row.line);
    const municipality = cell('municipality');
    if (municipality === '') bad('municipality', 'the municipality is empty');
    else if (looksLikeCpr(municipality)) bad('municipality', 'the text contains what looks like a CPR number; remove it');
    const values: Record<string, DateCell | YesNo> = {};
    for (const f of definition.fields) {
      const raw = cell(f.id);
      if (f.type === 'date') {
        const v = dateCell(raw);
        if (v === undefined) bad(f.id, `"${raw}" is not a date (yyyy-mm-dd or dd-mm-yyyy), empty or ukendt`);
        else if (f.required && (v === null || v === 'ukendt')) bad(f.id, `${f.id} is required (a date)`);
        else values[f.id] = v;
      } else {
        const t = raw.toLowerCase();
        if (t === 'ja' || t === 'nej' || t === 'ukendt') values[f.id] = t;
        else if (t === '') values[f.id] = null;
        else bad(f.id, `"${raw}" is not ja, nej, ukendt or empty`);
      }
    }
    for (const p of caseProblems(definition, values)) bad(p.column, p.message);
    cases.push({ caseId, municipality, values });
    lines.push(row.line);
  }
  return problems.length > 0 ? { ok: false, problems: problems.sort((a, b) => a.line - b.line) } : { ok: true, records: cases, lines, delimiter };
}

/** Reads `events.csv`; with `cases`, every event must belong to one of them and not be after its review date. */
export function readEvents(definition: TAuditDefinition, text: string, cases?: readonly AuditCase[]): ReadResult<AuditEvent> {
  const { delimiter, rows, problems, index } = table(text, ['case_id', 'event', 'date']);
  if (problems.some((p) => p.line === 1)) return { ok: false, problems };
  const known = new Set(definition.events.map((e) => e.id));
  const byId = cases ? new Map(cases.map((c) => [c.caseId, c])) : undefined;
  const events: AuditEvent[] = [];
  const lines: number[] = [];
  for (const row of rows) {
    if (row.fields.length !== 3) continue;
    const cell = (name: string) => row.fields[index.get(name)!]!.trim();
    const bad = (column: string, message: string) => problems.push({ line: row.line, column, message });
    const caseId = cell('case_id');
    const event = cell('event');
    const raw = cell('date');
    if (caseId === '') bad('case_id', 'the case id is empty');
    else if (looksLikeCpr(caseId)) bad('case_id', 'the case id looks like a CPR number; use a pseudonymous id');
    else if (byId && !byId.has(caseId)) bad('case_id', `no case "${caseId}"`);
    if (!known.has(event)) bad('event', `"${event}" is not an event of this audit (${[...known].join(', ')})`);
    const date = dateCell(raw);
    if (date === undefined || date === null) bad('date', `"${raw}" is not a date (yyyy-mm-dd or dd-mm-yyyy) or ukendt`);
    else {
      const owner = byId?.get(caseId);
      if (owner) for (const p of eventProblems(definition, { caseId, event, date }, owner)) bad(p.column, p.message);
      events.push({ caseId, event, date });
      lines.push(row.line);
    }
  }
  return problems.length > 0 ? { ok: false, problems: problems.sort((a, b) => a.line - b.line) } : { ok: true, records: events, lines, delimiter };
}
