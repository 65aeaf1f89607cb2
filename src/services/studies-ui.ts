/**
 * What the evaluator's study pages add to the authoring use cases (authoring.ts): the forms'
 * fields read strictly (an unknown field, a repeated field or a string too long is refused with a
 * message next to the field), turned into the definitions the use cases take, and the use cases'
 * problems (JSON paths) turned back into the forms' field names. Form fields are named by their
 * JSON path in the definition ("contact.email", "fieldwork.opens"), so a problem finds its field.
 */
import { z } from 'zod';
import { problems, type ProblemDetail } from '../errors.ts';
import type { TStudySettings } from '../survey/schema.ts';

/** One text field: a single string of at most `max` characters. */
const text = (max: number) => z.string({ error: 'give one value' }).max(max, `at most ${max} characters`);
const optionalText = (max: number) => text(max).optional();

/** The settings fields (the names are the JSON paths of the study definition). */
const settingsFields = {
  title: text(300),
  organisation: text(300),
  'contact.name': optionalText(200),
  'contact.email': optionalText(254),
  'contact.phone': optionalText(40),
  frame: text(64),
  'fieldwork.opens': optionalText(10),
  'fieldwork.closes': optionalText(10),
  weighting: text(10),
  minCellSize: text(6).regex(/^\s*\d{1,6}\s*$/, 'must be a whole number (at least 1)'),
};

const common = { _csrf: z.string().max(200).optional() };

export const ZSettingsForm = z.strictObject({ ...common, ...settingsFields, revision: text(20) });
export const ZCreateForm = z.strictObject({
  ...common,
  id: text(64),
  ...settingsFields,
  'questionnaire.id': text(64),
  'questionnaire.title': text(300),
  'questionnaire.group': text(100),
});
export const ZCopyForm = z.strictObject({ ...common, id: text(64), title: text(300) });
/** A JSON import: a chosen file (multipart) or pasted text; the file wins when one was chosen. */
export const ZImportForm = z.strictObject({ ...common, file: optionalText(1_000_000), json: optionalText(1_000_000), revision: optionalText(20) });
export const ZPublishForm = z.strictObject({ ...common, revision: text(20), confirm: z.literal('ja', { error: 'tick the box or leave it' }).optional() });
export const ZArchiveForm = z.strictObject({ ...common, revision: text(20), archived: z.enum(['ja', 'nej'], { error: 'must be "ja" or "nej"' }) });
export const ZPlainForm = z.strictObject({ ...common });

export type FormValues = Record<string, string>;

/** A form's fields checked by `schema`: the values, or 400 naming each refused field. */
export function readForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body && typeof body === 'object' ? { ...(body as object) } : {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return { path: '(form)', message: `unknown field${i.keys.length === 1 ? '' : 's'}: ${i.keys.map((k) => k.slice(0, 40)).join(', ').slice(0, 200)}` };
    return { path: String(i.path[0] ?? '(form)'), message: i.message };
  });
  throw problems.invalidInput('The form has fields it does not take or values it cannot read; nothing was changed.', details);
}

/** The posted values to show again in a form (strings only, each cut to a length a field takes; a JSON text whole). */
export function postedValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string' && k !== '_csrf' && k.length <= 64) out[k] = v.slice(0, k === 'json' || k === 'file' ? 1_000_000 : 2000);
  }
  return out;
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** The settings of the form as a study definition's settings (what ZStudySettings checks). */
export function settingsFromForm(form: z.infer<typeof ZSettingsForm> | z.infer<typeof ZCreateForm>, id: string, keep: Pick<TStudySettings, 'original'> = {}): Record<string, unknown> {
  const name = blankToUndefined(form['contact.name']);
  const email = blankToUndefined(form['contact.email']);
  const phone = blankToUndefined(form['contact.phone']);
  const opens = blankToUndefined(form['fieldwork.opens']);
  const closes = blankToUndefined(form['fieldwork.closes']);
  return {
    id,
    title: form.title.trim(),
    organisation: form.organisation.trim(),
    ...(name || email || phone ? { contact: { name: name ?? '', ...(email ? { email } : {}), ...(phone ? { phone } : {}) } } : {}),
    frame: form.frame.trim(),
    fieldwork: { ...(opens ? { opens } : {}), ...(closes ? { closes } : {}) },
    ...(keep.original ? { original: keep.original } : {}),
    weighting: form.weighting.trim(),
    minCellSize: Number(form.minCellSize),
  };
}

/**
 * A new study from the form: its settings and a first questionnaire with one section holding the
 * municipality question (every questionnaire needs one to be answered by an open link, and the
 * weights need it); the editor adds the real questions.
 */
export function newStudyFromForm(form: z.infer<typeof ZCreateForm>): Record<string, unknown> {
  const id = form.id.trim();
  return {
    ...settingsFromForm(form, id),
    questionnaires: [
      {
        id: form['questionnaire.id'].trim(),
        group: form['questionnaire.group'].trim(),
        title: form['questionnaire.title'].trim(),
        intro: 'Tak, fordi du vil svare på spørgeskemaet. (Skriv indledningen i editoren.)',
        minutes: 10,
        sections: [
          {
            id: 'om_dig',
            title: 'Om dig',
            questions: [{ id: 'kommune', type: 'municipality', text: 'Hvilken kommune arbejder du i?', help: 'Kommunen bruges kun til at vægte svarene og til svarprocenter.' }],
          },
        ],
      },
    ],
  };
}

/** A study's settings as the form's values. */
export function settingsValues(settings: TStudySettings): FormValues {
  return {
    id: settings.id,
    title: settings.title,
    organisation: settings.organisation,
    'contact.name': settings.contact?.name ?? '',
    'contact.email': settings.contact?.email ?? '',
    'contact.phone': settings.contact?.phone ?? '',
    frame: settings.frame,
    'fieldwork.opens': settings.fieldwork.opens ?? '',
    'fieldwork.closes': settings.fieldwork.closes ?? '',
    weighting: settings.weighting,
    minCellSize: String(settings.minCellSize),
  };
}

/** zod's generic messages for a form's fields, said as what to do. */
const PLAIN: [RegExp, string][] = [
  [/^Too small: expected string to have >=1 characters?$/, 'fill in this field'],
  [/^Invalid option: expected one of (.*)$/, 'choose one of $1'],
];

/** The problems with zod's generic messages said plainly (what the forms show). */
export function plainProblems(details: readonly ProblemDetail[]): ProblemDetail[] {
  return details.map((d) => ({ path: d.path, message: PLAIN.reduce((m, [re, to]) => m.replace(re, to), d.message) }));
}

/**
 * A use case's problems by the form's field names: `questionnaires[0].title` is the create form's
 * `questionnaire.title`; a path with no field of its own (a deeper one) stays as it is.
 */
export function fieldProblems(details: readonly ProblemDetail[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of details) {
    const field = d.path.replace(/^questionnaires\[0\]\./, 'questionnaire.').replace(/^contact$/, 'contact.name').replace(/^fieldwork$/, 'fieldwork.opens');
    (out[field] ??= []).push(d.message);
  }
  return out;
}

/** Deeper JSON than this is refused (a definition needs about ten levels; the API's limit). */
const MAX_JSON_DEPTH = 64;

/**
 * Reads a pasted or uploaded JSON text; a syntax error, a `"__proto__"` key or nesting deeper than
 * the API takes is a 400.18 naming what is wrong (the same limits as a JSON body of the API).
 */
export function parseJsonText(text: string): unknown {
  const refuse = (message: string) => problems.invalidStudyDefinition('The JSON', [{ path: '(file)', message }]);
  if (text.trim() === '') throw refuse('choose a file or paste the JSON text');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw refuse(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw refuse(`nested more than ${MAX_JSON_DEPTH} levels deep`);
    if (!Array.isArray(item) && Object.hasOwn(item, '__proto__')) throw refuse('the key "__proto__" is not allowed');
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return value;
}
