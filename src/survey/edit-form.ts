/**
 * The question form of the editor, both ways: `questionFromForm` turns a posted form into a
 * question object, `formFromQuestion` gives the form's values for a question. Field names are the
 * question's JSON paths (`text`, `options[1].code`, `figure.combined[0].options`, …), so a problem
 * saveDraft names by path is shown next to its field (`fieldOfPath`).
 *
 * The condition builder has three fields: `showIf.question`, `showIf.operator` (equals, in, notIn,
 * answered, unanswered; `keep` keeps a combined condition it cannot show) and `showIf.values`
 * (`question:code`, so one list can offer the options of every earlier question).
 */
import type { ProblemDetail } from '../errors.ts';
import { codeFromLabel, idFromText } from './codes.ts';
import type { EditedQuestion, Form } from './edit.ts';
import type { TCondition, TQuestion } from './schema.ts';

/** At most this many option rows and combined categories are read from a form. */
export const MAX_ROWS = 200;
export const OPERATORS = ['equals', 'in', 'notIn', 'answered', 'unanswered'] as const;

export interface FromFormOptions {
  /** The question being edited (fields the form does not show are kept from it). */
  existing?: TQuestion;
  /** The same question in the latest published version: its id and option codes stay as published. */
  published?: TQuestion;
  /** Ids of the other questions (an id made from the text avoids them). */
  takenIds?: readonly string[];
}

/** The first string of a field ('' when there is none). */
export function text(form: Form, key: string): string {
  const value = Object.hasOwn(form, key) ? form[key] : undefined;
  const first = Array.isArray(value) ? value.find((v) => typeof v === 'string') : value;
  return typeof first === 'string' ? first : '';
}

/** Every string of a repeated field. */
export function strings(form: Form, key: string): string[] {
  const value = Object.hasOwn(form, key) ? form[key] : undefined;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
}

const checked = (form: Form, key: string) => text(form, key) !== '';

/** A number typed Danish-style ("1.000,5" or "1000.5"); what does not parse stays as typed for the schema to name. */
function number(form: Form, key: string): number | string | undefined {
  const raw = text(form, key).trim();
  if (raw === '') return undefined;
  const normal = raw.includes(',') ? raw.replace(/\./g, '').replace(',', '.') : raw;
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : raw;
}

/** The row numbers a form has under `prefix` (`options[3].label` → 3), ascending. */
function rows(form: Form, prefix: string): number[] {
  const pattern = new RegExp(`^${prefix.replace(/[.[\]]/g, '\\$&')}\\[(\\d{1,3})\\]\\.`);
  const found = new Set<number>();
  for (const key of Object.keys(form)) {
    const m = pattern.exec(key);
    if (m && Number(m[1]) < MAX_ROWS) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function optionsOf(form: Form, existing: TQuestion | undefined, published: TQuestion | undefined): Record<string, unknown>[] {
  const publishedCodes = new Set(published && 'options' in published ? published.options.map((o) => o.code) : []);
  const before = existing && 'options' in existing ? existing.options : [];
  const taken = new Set<string>();
  const out: Record<string, unknown>[] = [];
  const pending: { row: Record<string, unknown>; label: string }[] = [];
  for (const i of rows(form, 'options')) {
    const key = (name: string) => `options[${i}].${name}`;
    const label = text(form, key('label')).trim();
    const typed = text(form, key('code')).trim();
    const was = text(form, key('was'));
    if ((label === '' && typed === '') || checked(form, key('remove'))) continue;
    const code = publishedCodes.has(was) ? was : typed;
    const old = before.find((o) => o.code === was);
    const row: Record<string, unknown> = { code, label, ...(old?.labelEn ? { labelEn: old.labelEn } : {}), nonSubstantive: checked(form, key('nonSubstantive')), other: checked(form, key('other')) };
    if (code) taken.add(code);
    else pending.push({ row, label });
    out.push(row);
  }
  // Codes from labels come last, so a code someone typed keeps its place and a generated one avoids it.
  for (const { row, label } of pending) {
    row.code = codeFromLabel(label, taken);
    taken.add(row.code as string);
  }
  return out;
}

function conditionOf(form: Form, existing: TQuestion | undefined): TCondition | Record<string, unknown> | undefined {
  const operator = text(form, 'showIf.operator');
  if (operator === 'keep') return existing?.showIf;
  const question = text(form, 'showIf.question').trim();
  if (question === '') return undefined;
  const values = strings(form, 'showIf.values').map((v) => v.slice(v.lastIndexOf(':') + 1));
  switch (operator) {
    case 'equals':
      return { question, equals: values[0] ?? '' };
    case 'in':
      return { question, in: values };
    case 'notIn':
      return { question, notIn: values };
    case 'unanswered':
      return { question, answered: false };
    case 'answered':
      return { question, answered: true };
    default:
      // An operator the builder does not offer: the schema refuses the condition under `showIf`.
      return { question, [operator || 'operator']: values };
  }
}

function figureOf(form: Form, existing: TQuestion | undefined, optionCodes: string[]): Record<string, unknown> | undefined {
  const num = number(form, 'figure.number');
  const title = text(form, 'figure.title').trim();
  if (num === undefined && title === '') return undefined;
  const taken = new Set(optionCodes);
  const combined: Record<string, unknown>[] = [];
  for (const i of rows(form, 'figure.combined')) {
    const key = (name: string) => `figure.combined[${i}].${name}`;
    const label = text(form, key('label')).trim();
    const typed = text(form, key('code')).trim();
    const options = strings(form, key('options'));
    if (label === '' && typed === '') continue;
    const code = typed || codeFromLabel(label, taken);
    taken.add(code);
    combined.push({ code, label, options });
  }
  const headline = text(form, 'figure.headline').trim();
  const source = existing?.figure?.source;
  return { number: num ?? '', title, combined, ...(headline ? { headline } : {}), includeNonSubstantive: checked(form, 'figure.includeNonSubstantive'), ...(source ? { source } : {}) };
}

/**
 * The question a posted question form describes (not checked: saveDraft does that). Only the
 * fields of the chosen type are read; unknown fields are ignored. A row with `options[i].remove`
 * ticked, or with neither label nor code, is left out. A blank option code is made from its label; the id of a published question and the codes of its published options (the hidden
 * `options[i].was`) stay as published. A blank id is made from the text.
 */
export function questionFromForm(form: Form, options: FromFormOptions = {}): EditedQuestion {
  const { existing, published } = options;
  const type = text(form, 'type') || existing?.type || 'text';
  const typedId = text(form, 'id').trim();
  const id = published ? published.id : typedId || idFromText(text(form, 'text') || 'spoergsmaal', options.takenIds ?? []);
  const help = text(form, 'help').trim();
  const kept: Record<string, unknown> = {};
  for (const key of ['textEn', 'addition', 'appendixTitle', 'source'] as const) if (existing?.[key] !== undefined) kept[key] = existing[key];
  const question: EditedQuestion = { id, type, text: text(form, 'text').trim(), ...kept, ...(help ? { help } : {}), required: checked(form, 'required') };
  const showIf = conditionOf(form, existing);
  if (showIf) question.showIf = showIf;
  if (type === 'single' || type === 'scale' || type === 'multi') {
    question.options = optionsOf(form, existing, published);
    if (type === 'multi') {
      const min = number(form, 'minSelected');
      const max = number(form, 'maxSelected');
      if (min !== undefined) question.minSelected = min;
      if (max !== undefined) question.maxSelected = max;
    }
    const figure = figureOf(form, existing, (question.options as { code: string }[]).map((o) => o.code));
    if (figure) question.figure = figure;
  } else if (type === 'text') {
    question.maxLength = number(form, 'maxLength') ?? 2000;
  } else if (type === 'number') {
    const min = number(form, 'min');
    const max = number(form, 'max');
    const unit = text(form, 'unit').trim();
    Object.assign(question, min === undefined ? {} : { min }, max === undefined ? {} : { max }, { integer: checked(form, 'integer') }, unit ? { unit } : {});
  }
  // A municipality question has no fields of its own; a type the schema does not know is named by it.
  return question;
}

/** The form's values for a question (what `questionFromForm` reads back as the same question). */
export function formFromQuestion(q: EditedQuestion): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = { type: q.type, id: q.id, text: String(q.text ?? ''), help: String(q.help ?? '') };
  if (q.required) form.required = 'on';
  const put = (key: string, value: unknown) => {
    if (value !== undefined) form[key] = String(value);
  };
  const options = Array.isArray(q.options) ? (q.options as { code: string; label: string; nonSubstantive?: boolean; other?: boolean }[]) : [];
  options.forEach((o, i) => {
    form[`options[${i}].label`] = o.label;
    form[`options[${i}].code`] = o.code;
    form[`options[${i}].was`] = o.code;
    if (o.nonSubstantive) form[`options[${i}].nonSubstantive`] = 'on';
    if (o.other) form[`options[${i}].other`] = 'on';
  });
  for (const key of ['minSelected', 'maxSelected', 'maxLength', 'min', 'max', 'unit'] as const) put(key, q[key]);
  if (q.type === 'number' && q.integer) form.integer = 'on';
  const showIf = q.showIf as TCondition | undefined;
  if (showIf) {
    if ('all' in showIf || 'any' in showIf) form['showIf.operator'] = 'keep';
    else {
      form['showIf.question'] = showIf.question;
      const codes = 'equals' in showIf ? [showIf.equals] : 'in' in showIf ? showIf.in : 'notIn' in showIf ? showIf.notIn : [];
      form['showIf.operator'] = 'equals' in showIf ? 'equals' : 'in' in showIf ? 'in' : 'notIn' in showIf ? 'notIn' : showIf.answered ? 'answered' : 'unanswered';
      form['showIf.values'] = codes.map((c) => `${showIf.question}:${c}`);
    }
  }
  const figure = q.figure as { number: number; title: string; headline?: string; includeNonSubstantive?: boolean; combined?: { code: string; label: string; options: string[] }[] } | undefined;
  if (figure) {
    put('figure.number', figure.number);
    put('figure.title', figure.title);
    put('figure.headline', figure.headline);
    if (figure.includeNonSubstantive) form['figure.includeNonSubstantive'] = 'on';
    (figure.combined ?? []).forEach((c, i) => {
      form[`figure.combined[${i}].label`] = c.label;
      form[`figure.combined[${i}].code`] = c.code;
      form[`figure.combined[${i}].options`] = c.options;
    });
  }
  return form;
}

/**
 * The form field a problem's path (relative to the question) belongs to: the longest prefix of the
 * path that is a field of the form (`showIf.in[1]` → `showIf.values`), or undefined (the summary only).
 */
export function fieldOfPath(path: string, fields: ReadonlySet<string>): string | undefined {
  const normal = path.replace(/^showIf\.(equals|in|notIn|answered)(\[\d+\])?$/, 'showIf.values');
  let candidate = normal;
  while (candidate !== '') {
    if (fields.has(candidate)) return candidate;
    const cut = Math.max(candidate.lastIndexOf('.'), candidate.lastIndexOf('['));
    candidate = cut > 0 ? candidate.slice(0, cut) : '';
  }
  return undefined;
}

// --- Where the problems of a save go on the form ----------------------------------------------

/** The HTML id of a form field: `options[1].code` → `f-options-1-code`. */
export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
}

export interface SummaryItem {
  message: string;
  href?: string;
}

/** Problems placed: by field name, and the summary (every problem once, linked to its field when it has one). */
export interface Placed {
  byField: Map<string, string[]>;
  summary: SummaryItem[];
}

/**
 * Places the problems of a save. `prefix` is the JSON path of what the form edits
 * (`sections[0].questions[2]`); problems elsewhere in the questionnaire go to the summary only,
 * with their path.
 */
export function placeProblems(details: readonly ProblemDetail[], prefix: string, fields: ReadonlySet<string>): Placed {
  const byField = new Map<string, string[]>();
  const summary: SummaryItem[] = [];
  for (const d of details) {
    const inside = d.path === prefix || d.path.startsWith(`${prefix}.`) || d.path.startsWith(`${prefix}[`);
    const relative = inside ? d.path.slice(prefix.length).replace(/^\./, '') : undefined;
    const field = relative === undefined ? undefined : relative === '' ? undefined : fieldOfPath(relative, fields);
    if (field) {
      byField.set(field, [...(byField.get(field) ?? []), d.message]);
      summary.push({ message: d.message, href: `#${fieldId(field)}` });
    } else summary.push({ message: inside ? d.message : `${d.path || 'spørgeskemaet'}: ${d.message}` });
  }
  return { byField, summary };
}
