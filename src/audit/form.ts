/**
 * The case form (one page per case in the evaluator area), read and checked. Pure: the posted
 * fields in, what was typed (to show again) and either the case with its events or every problem
 * named by its field, in Danish. The same rules as the CSV import (caseProblems, eventProblems).
 *
 * Fields: `case_id`, `municipality`; per date field `<id>` (dd-mm-åååå, or yyyy-mm-dd) and
 * `<id>_ukendt` (the explicit choice »ukendt«; empty = has not happened by the review date); per
 * yes/no field `<id>` (ja, nej, ukendt or empty); per event kind rows `ev_<event>_<k>` and
 * `ev_<event>_<k>_ukendt`, `rows_<event>` of them (a plain form adds rows with the »add« button).
 */
import { caseProblems, eventProblems, looksLikeCpr } from './csv.ts';
import { parseDate } from './dates.ts';
import type { AuditCase, AuditEvent, YesNo } from './records.ts';
import type { TAuditDefinition } from './schema.ts';

export interface DateEntry {
  text: string;
  unknown: boolean;
}

export interface CaseForm {
  caseId: string;
  municipality: string;
  dates: Record<string, DateEntry>;
  yesNo: Record<string, string>;
  events: Record<string, DateEntry[]>;
}

export interface FormProblem {
  /** The field's id in the form (`takeover_date`, `ev_followup_2`). */
  field: string;
  message: string;
}

export const EMPTY_ROWS = 3;
const MAX_ROWS = 200;

const text = (body: Record<string, unknown>, name: string): string => {
  const v = body[name];
  return typeof v === 'string' ? v.trim().slice(0, 200) : '';
};

/** dd-mm-åååå as shown in the form. */
export function danishDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : iso;
}

function entryOf(cell: unknown): DateEntry {
  if (cell === 'ukendt') return { text: '', unknown: true };
  return { text: typeof cell === 'string' ? danishDate(cell) : '', unknown: false };
}

/** An empty form, or the form of a stored case with `EMPTY_ROWS` empty rows after its events. */
export function caseForm(definition: TAuditDefinition, kase?: AuditCase, events: readonly AuditEvent[] = []): CaseForm {
  const form: CaseForm = { caseId: kase?.caseId ?? '', municipality: kase?.municipality ?? '', dates: {}, yesNo: {}, events: {} };
  for (const f of definition.fields) {
    if (f.type === 'date') form.dates[f.id] = entryOf(kase?.values[f.id]);
    else form.yesNo[f.id] = typeof kase?.values[f.id] === 'string' ? (kase!.values[f.id] as string) : '';
  }
  for (const e of definition.events) {
    const mine = events.filter((x) => x.event === e.id).map((x) => entryOf(x.date));
    form.events[e.id] = [...mine, ...Array.from({ length: EMPTY_ROWS }, () => ({ text: '', unknown: false }))];
  }
  return form;
}

/** What was posted, as typed; `add` (the »add row« button) adds one empty row to that event kind. */
export function readCaseForm(definition: TAuditDefinition, body: Record<string, unknown>): { form: CaseForm; addRow: boolean } {
  const form: CaseForm = { caseId: text(body, 'case_id'), municipality: text(body, 'municipality'), dates: {}, yesNo: {}, events: {} };
  for (const f of definition.fields) {
    if (f.type === 'date') form.dates[f.id] = { text: text(body, f.id), unknown: text(body, `${f.id}_ukendt`) !== '' };
    else form.yesNo[f.id] = text(body, f.id);
  }
  const add = text(body, 'add');
  for (const e of definition.events) {
    const rows = Math.min(MAX_ROWS, Math.max(0, Number.parseInt(text(body, `rows_${e.id}`), 10) || 0));
    const list: DateEntry[] = [];
    for (let k = 0; k < rows; k += 1) list.push({ text: text(body, `ev_${e.id}_${k}`), unknown: text(body, `ev_${e.id}_${k}_ukendt`) !== '' });
    if (add === e.id && list.length < MAX_ROWS) list.push({ text: '', unknown: false });
    form.events[e.id] = list;
  }
  return { form, addRow: add !== '' };
}

/** The form checked: the case and its events, or every problem by field. */
export function checkCaseForm(definition: TAuditDefinition, form: CaseForm): { ok: true; kase: AuditCase; events: AuditEvent[] } | { ok: false; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const label = (id: string) => definition.fields.find((f) => f.id === id)?.label ?? id;
  if (form.caseId === '') problems.push({ field: 'case_id', message: 'Skriv sagens id (et løbenummer, ikke et CPR-nummer).' });
  else if (looksLikeCpr(form.caseId)) problems.push({ field: 'case_id', message: 'Sagens id ligner et CPR-nummer. Brug et løbenummer, fx A01.' });
  else if (form.caseId.length > 64) problems.push({ field: 'case_id', message: 'Sagens id må højst være 64 tegn.' });
  if (form.municipality === '') problems.push({ field: 'municipality', message: 'Skriv kommunen (fx Kommune A).' });
  else if (looksLikeCpr(form.municipality)) problems.push({ field: 'municipality', message: 'Feltet indeholder noget, der ligner et CPR-nummer. Fjern det.' });
  const values: AuditCase['values'] = {};
  const dateOf = (entry: DateEntry, field: string, name: string, required: boolean): string | null | undefined => {
    if (entry.unknown && entry.text !== '') problems.push({ field, message: `${name}: skriv en dato eller vælg »ukendt«, ikke begge.` });
    else if (entry.unknown) return required ? void problems.push({ field, message: `${name}: skal være en dato.` }) : 'ukendt';
    else if (entry.text === '') return required ? void problems.push({ field, message: `${name}: skal udfyldes (dd-mm-åååå).` }) : null;
    else {
      const iso = parseDate(entry.text);
      if (iso) return iso;
      problems.push({ field, message: `${name}: »${entry.text}« er ikke en dato. Skriv dd-mm-åååå, fx 31-01-2014.` });
    }
    return undefined;
  };
  for (const f of definition.fields) {
    if (f.type === 'date') {
      const v = dateOf(form.dates[f.id] ?? { text: '', unknown: false }, f.id, f.label, f.required);
      if (v !== undefined) values[f.id] = v;
    } else {
      const v = form.yesNo[f.id] ?? '';
      if (v === 'ja' || v === 'nej' || v === 'ukendt') values[f.id] = v as YesNo;
      else if (v === '') values[f.id] = null;
      else problems.push({ field: f.id, message: `${f.label}: vælg ja, nej eller ukendt.` });
    }
  }
  const kase: AuditCase = { caseId: form.caseId, municipality: form.municipality, values };
  for (const p of caseProblems(definition, values)) {
    problems.push({
      field: p.column,
      message: p.rule === 'after_review' ? `${label(p.column)}: kan ikke ligge efter »${label(p.other!)}«.` : `${label(p.column)}: kan ikke ligge før »${label(p.other!)}«.`,
    });
  }
  const events: AuditEvent[] = [];
  for (const e of definition.events) {
    (form.events[e.id] ?? []).forEach((entry, k) => {
      if (entry.text === '' && !entry.unknown) return; // an empty row
      const field = `ev_${e.id}_${k}`;
      const name = `${e.label} ${k + 1}`;
      const date = dateOf(entry, field, name, false);
      if (date === undefined || date === null) return;
      const event: AuditEvent = { caseId: kase.caseId, event: e.id, date };
      for (const p of eventProblems(definition, event, kase)) {
        problems.push({ field, message: p.rule === 'after_review' ? `${name}: kan ikke ligge efter »${label(p.other!)}«.` : `${name}: kan ikke ligge før »${label(p.other!)}«.` });
      }
      events.push(event);
    });
  }
  const order = new Map([['case_id', -2], ['municipality', -1], ...definition.fields.map((f, i) => [f.id, i] as [string, number])]);
  problems.sort((a, b) => (order.get(a.field) ?? 1e6) - (order.get(b.field) ?? 1e6));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, kase, events };
}
