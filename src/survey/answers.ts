/**
 * Answer validation: one page of the questionnaire (`validateSection`, the HTML flow) and a
 * whole submission (`validateSubmission`, the last page and the API). Pure: plain values in,
 * plain values out. Every problem is reported, not just the first; messages are Danish because
 * respondents read them.
 *
 * Stored values: single/scale → option code; multi → list of codes in option order; text →
 * trimmed string; number → number. "Andet, angiv" text is stored under `<questionId>_other`.
 * A text (a text question's answer or an "Andet, angiv" text) with invisible control characters
 * is refused (`hasControlCharacters`): NUL and the other C0/C1 controls but tab, line feed and
 * carriage return, and the bidi embedding, override and isolate controls, which can make a
 * stored text display as something else than it is (in the evaluator's pages, exports, Excel).
 * The municipality question's value becomes the response's municipality, not an answer.
 */
import type { TFrame } from '../frame/schema.ts';
import { conditionQuestions, isQuestionVisible } from './condition.ts';
import type { TAnswers, TAnswerValue, TQuestion, TQuestionnaire } from './schema.ts';

export interface AnswerProblem {
  /** The question id (or `<id>_other`, or `municipality` for the top-level field). */
  question: string;
  message: string;
}

export type RawAnswer = string | string[] | undefined;

export type SubmissionResult =
  | { ok: true; municipality: string; answers: TAnswers }
  | { ok: false; problems: AnswerProblem[] };

export const messages = {
  chooseOne: 'Vælg et svar.',
  chooseAtLeastOne: 'Vælg mindst én svarmulighed.',
  chooseMunicipality: 'Vælg din kommune.',
  writeText: 'Skriv et svar.',
  writeNumber: 'Skriv et tal.',
  unknownOption: (code: string) => `"${code}" er ikke en af svarmulighederne.`,
  duplicateOption: (code: string) => `Svarmuligheden "${code}" er valgt mere end én gang.`,
  wrongType: (expected: string) => `Svaret har en forkert form: forventede ${expected}.`,
  notANumber: 'Skriv et tal, fx 12.',
  notInteger: 'Skriv et helt tal.',
  tooSmall: (min: number) => `Tallet må ikke være mindre end ${min}.`,
  tooLarge: (max: number) => `Tallet må ikke være større end ${max}.`,
  tooLong: (max: number) => `Svaret er for langt: højst ${max} tegn.`,
  tooFew: (min: number) => `Vælg mindst ${min} svarmuligheder.`,
  tooMany: (max: number) => `Vælg højst ${max} svarmuligheder.`,
  exclusive: (label: string) => `"${label}" kan ikke vælges sammen med andre svar.`,
  otherMissing: 'Skriv, hvad "Andet" dækker over.',
  otherTooLong: (max: number) => `Teksten er for lang: højst ${max} tegn.`,
  otherWithoutOther: 'Feltet "Andet, angiv" må kun udfyldes, når "Andet" er valgt.',
  controlCharacters: 'Teksten indeholder usynlige styretegn, som ikke kan gemmes. Skriv teksten igen uden dem.',
  hidden: 'Spørgsmålet er ikke vist ud fra de tidligere svar og må ikke besvares.',
  unknownQuestion: (id: string) => `"${id}" er ikke et spørgsmål i dette spørgeskema.`,
  unknownMunicipality: (code: string) => `"${code}" er ikke en kommunekode i undersøgelsen.`,
  ineligibleMunicipality: (name: string) => `${name} Kommune deltager ikke i undersøgelsen.`,
  municipalityMismatch: 'Kommunen i svarene og feltet "municipality" er forskellige.',
  municipalityMissing: 'Angiv kommunen (feltet "municipality").',
} as const;

/** The longest "Andet, angiv" text kept. */
export const OTHER_MAX_LENGTH = 2000;

/**
 * C0 controls but tab, LF and CR (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F), DEL and the C1
 * controls (U+007F–U+009F), and the bidi embedding/override (U+202A–U+202E) and isolate
 * (U+2066–U+2069) controls. Marks a right-to-left text needs (U+200E/U+200F) and the zero-width
 * joiner of emoji sequences are allowed.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Whether a free text holds a control character that is refused (see CONTROL_CHARACTERS). */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/** What validation needs of a questionnaire, worked out once per (loaded, immutable) questionnaire. */
interface Prepared {
  questions: TQuestion[];
  /** Every key a submission may hold: question ids and the `_other` texts of questions with an "Andet" option. */
  known: Set<string>;
}

/** What validation needs of one question, worked out once per (loaded, immutable) question. */
interface PreparedQuestion {
  /** `<id>_other`: where an "Andet, angiv" text is sent and stored. */
  otherKey: string;
  /** The option codes of a choice question (empty for other types). */
  codes: Set<string>;
  /** The code of the "Andet" option, if the question has one. */
  otherCode: string | undefined;
}

const prepared = new WeakMap<TQuestionnaire, Prepared>();
const preparedQuestions = new WeakMap<TQuestion, PreparedQuestion>();

function prepare(questionnaire: TQuestionnaire): Prepared {
  let p = prepared.get(questionnaire);
  if (!p) {
    const questions = questionnaire.sections.flatMap((s) => s.questions);
    const known = new Set<string>();
    for (const q of questions) {
      known.add(q.id);
      if (prepareQuestion(q).otherCode !== undefined) known.add(`${q.id}_other`);
    }
    p = { questions, known };
    prepared.set(questionnaire, p);
  }
  return p;
}

function prepareQuestion(q: TQuestion): PreparedQuestion {
  let p = preparedQuestions.get(q);
  if (!p) {
    const choice = q.type === 'single' || q.type === 'scale' || q.type === 'multi';
    p = {
      otherKey: `${q.id}_other`,
      codes: new Set(choice ? q.options.map((o) => o.code) : []),
      otherCode: choice ? q.options.find((o) => o.other)?.code : undefined,
    };
    preparedQuestions.set(q, p);
  }
  return p;
}

/** A number written the Danish way with thousands points: "12.000" is twelve thousand, "1.250,5" too (never 12). */
const DANISH_THOUSANDS = /^\s*-?\d{1,3}(\.\d{3})+(,\d+)?\s*$/;

const byCode = new WeakMap<TFrame, Map<string, TFrame['municipalities'][number]>>();

function municipalityByCode(frame: TFrame, code: string): TFrame['municipalities'][number] | undefined {
  let map = byCode.get(frame);
  if (!map) {
    map = new Map(frame.municipalities.map((m) => [m.code, m]));
    byCode.set(frame, map);
  }
  return map.get(code);
}

/** An own property of a submitted object (never one from its prototype). */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function failed(question: string, message: string): Checked {
  return { problems: [{ question, message }] };
}

/** The `problems` of a question without any (shared: never pushed to). */
const NO_PROBLEMS: readonly AnswerProblem[] = Object.freeze([]);

function isEmpty(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0);
}

interface Checked {
  value?: TAnswerValue;
  other?: string;
  problems: readonly AnswerProblem[];
}

/** Checks one visible question's raw value (form string(s) or JSON value). */
function checkQuestion(q: Exclude<TQuestion, { type: 'municipality' }>, raw: unknown, otherRaw: unknown, strictOther: boolean): Checked {
  if (isEmpty(raw)) {
    if (!q.required) {
      if (strictOther && !isEmpty(otherRaw)) return failed(`${q.id}_other`, messages.otherWithoutOther);
      return { problems: NO_PROBLEMS };
    }
    const message = q.type === 'multi' ? messages.chooseAtLeastOne : q.type === 'text' ? messages.writeText : q.type === 'number' ? messages.writeNumber : messages.chooseOne;
    return failed(q.id, message);
  }

  const { codes, otherCode } = prepareQuestion(q);
  let value: TAnswerValue;
  switch (q.type) {
    case 'single':
    case 'scale': {
      if (typeof raw !== 'string') return failed(q.id, messages.wrongType('én svarkode (tekst)'));
      if (!codes.has(raw)) return failed(q.id, messages.unknownOption(raw));
      value = raw;
      break;
    }
    case 'multi': {
      const list = Array.isArray(raw) ? raw : [raw];
      if (!list.every((x): x is string => typeof x === 'string')) return failed(q.id, messages.wrongType('en liste af svarkoder'));
      const unknown = list.filter((code) => !codes.has(code));
      if (unknown.length > 0) return failed(q.id, unknown.map(messages.unknownOption).join(' '));
      const duplicate = list.find((code, i) => list.indexOf(code) !== i);
      if (duplicate !== undefined) return failed(q.id, messages.duplicateOption(duplicate));
      const exclusive = q.options.find((o) => o.nonSubstantive && list.includes(o.code));
      if (exclusive && list.length > 1) return failed(q.id, messages.exclusive(exclusive.label));
      if (q.minSelected !== undefined && list.length < q.minSelected && !exclusive) return failed(q.id, messages.tooFew(q.minSelected));
      if (q.maxSelected !== undefined && list.length > q.maxSelected) return failed(q.id, messages.tooMany(q.maxSelected));
      value = q.options.filter((o) => list.includes(o.code)).map((o) => o.code);
      break;
    }
    case 'text': {
      if (typeof raw !== 'string') return failed(q.id, messages.wrongType('en tekst'));
      if (hasControlCharacters(raw)) return failed(q.id, messages.controlCharacters);
      const text = raw.trim();
      if (text.length > q.maxLength) return failed(q.id, messages.tooLong(q.maxLength));
      value = text;
      break;
    }
    case 'number': {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else if (typeof raw === 'string' && DANISH_THOUSANDS.test(raw)) n = Number(raw.trim().replace(/\./g, '').replace(',', '.'));
      else if (typeof raw === 'string' && /^\s*-?\d+([.,]\d+)?\s*$/.test(raw)) n = Number(raw.trim().replace(',', '.'));
      else if (typeof raw === 'string') return failed(q.id, messages.notANumber);
      else return failed(q.id, messages.wrongType('et tal'));
      if (!Number.isFinite(n)) return failed(q.id, messages.notANumber);
      if (q.integer && !Number.isInteger(n)) return failed(q.id, messages.notInteger);
      if (q.min !== undefined && n < q.min) return failed(q.id, messages.tooSmall(q.min));
      if (q.max !== undefined && n > q.max) return failed(q.id, messages.tooLarge(q.max));
      value = n;
      break;
    }
  }

  if (q.type === 'single' || q.type === 'scale' || q.type === 'multi') {
    const otherChosen = otherCode !== undefined && (Array.isArray(value) ? value.includes(otherCode) : value === otherCode);
    if (otherChosen) {
      if (isEmpty(otherRaw)) return failed(`${q.id}_other`, messages.otherMissing);
      if (typeof otherRaw !== 'string') return failed(`${q.id}_other`, messages.wrongType('en tekst'));
      if (hasControlCharacters(otherRaw)) return failed(`${q.id}_other`, messages.controlCharacters);
      const text = otherRaw.trim();
      if (text.length > OTHER_MAX_LENGTH) return failed(`${q.id}_other`, messages.otherTooLong(OTHER_MAX_LENGTH));
      return { value, other: text, problems: NO_PROBLEMS };
    } else if (strictOther && !isEmpty(otherRaw)) {
      return failed(`${q.id}_other`, messages.otherWithoutOther);
    }
  } else if (strictOther && !isEmpty(otherRaw)) {
    return failed(`${q.id}_other`, messages.unknownQuestion(`${q.id}_other`));
  }
  return { value, problems: NO_PROBLEMS };
}

function checkMunicipality(frame: TFrame, code: unknown, question: string): { code?: string; problem?: AnswerProblem } {
  if (typeof code !== 'string') return { problem: { question, message: messages.wrongType('en kommunekode (tekst)') } };
  const m = municipalityByCode(frame, code);
  if (!m) return { problem: { question, message: messages.unknownMunicipality(code) } };
  if (!m.eligible) return { problem: { question, message: messages.ineligibleMunicipality(m.name) } };
  return { code: m.code };
}

/** Whether a question's condition refers to a question that had a problem (then it is not judged). */
function dependsOnInvalid(q: TQuestion, invalid: Set<string>): boolean {
  return q.showIf !== undefined && conditionQuestions(q.showIf).some((id) => invalid.has(id));
}

/**
 * One page of the HTML flow. `earlier` holds the validated answers of the other pages; questions
 * of this section that are hidden (by earlier answers or by answers on this page) are ignored
 * (a hidden question is never stored). "Andet" text without "Andet" chosen is an error (the
 * respondent sees it and can clear it), so nothing typed disappears silently.
 */
export function validateSection(
  questionnaire: TQuestionnaire,
  sectionId: string,
  earlier: TAnswers,
  raw: Record<string, RawAnswer>,
  frame: TFrame,
): { answers: TAnswers; municipality?: string; problems: AnswerProblem[] } {
  const section = questionnaire.sections.find((s) => s.id === sectionId);
  if (!section) throw new Error(`validateSection: no section "${sectionId}" in questionnaire "${questionnaire.id}"`);
  const answers: TAnswers = {};
  const problems: AnswerProblem[] = [];
  const known: TAnswers = { ...earlier };
  const invalid = new Set<string>();
  let municipality: string | undefined;
  const get = (key: string): RawAnswer => (Object.hasOwn(raw, key) ? raw[key] : undefined);

  for (const q of section.questions) {
    if (dependsOnInvalid(q, invalid) || !isQuestionVisible(q, known)) continue;
    if (q.type === 'municipality') {
      const value = get(q.id);
      if (isEmpty(value)) {
        if (q.required) problems.push({ question: q.id, message: messages.chooseMunicipality });
        continue;
      }
      const checked = checkMunicipality(frame, Array.isArray(value) ? value[0] : value, q.id);
      if (checked.problem) problems.push(checked.problem);
      else municipality = checked.code;
      continue;
    }
    const checked = checkQuestion(q, get(q.id), get(`${q.id}_other`), true);
    problems.push(...checked.problems);
    if (checked.problems.length > 0) invalid.add(q.id);
    if (checked.value !== undefined) {
      answers[q.id] = checked.value;
      known[q.id] = checked.value;
    }
    if (checked.other !== undefined) answers[`${q.id}_other`] = checked.other;
  }
  return municipality === undefined ? { answers, problems } : { answers, municipality, problems };
}

/**
 * A whole submission. `hidden: 'reject'` (the API) reports answers to questions the earlier answers
 * hide, unknown keys and stray "Andet" texts; `hidden: 'drop'` (the HTML flow's last step) drops them.
 * The municipality comes from the municipality question's answer or the top-level `municipality`
 * (a token link fixes it); if both are given they must agree.
 */
export function validateSubmission(
  questionnaire: TQuestionnaire,
  frame: TFrame,
  submission: { municipality?: string | undefined; answers: Record<string, unknown> },
  options: { hidden: 'reject' | 'drop' },
): SubmissionResult {
  const strict = options.hidden === 'reject';
  const given = submission.answers;
  const problems: AnswerProblem[] = [];
  const { questions, known } = prepare(questionnaire);

  // Whether any "<id>_other" text was sent at all: if not, no question needs to look one up.
  let anyOther = false;
  for (const key of Object.keys(given)) {
    if (strict && !known.has(key)) problems.push({ question: key, message: messages.unknownQuestion(key) });
    if (key.endsWith('_other')) anyOther = true;
  }

  const answers: TAnswers = {};
  const invalid = new Set<string>();
  let municipality: string | undefined;
  let municipalityAsked = false;

  for (const q of questions) {
    if (invalid.size > 0 && dependsOnInvalid(q, invalid)) continue;
    const otherKey = prepareQuestion(q).otherKey;
    if (q.showIf !== undefined && !isQuestionVisible(q, answers)) {
      if (strict && (!isEmpty(own(given, q.id)) || (anyOther && !isEmpty(own(given, otherKey))))) problems.push({ question: q.id, message: messages.hidden });
      continue;
    }
    if (q.type === 'municipality') {
      municipalityAsked = true;
      const value = own(given, q.id);
      if (isEmpty(value)) {
        if (submission.municipality === undefined && q.required) problems.push({ question: q.id, message: messages.chooseMunicipality });
        continue;
      }
      const checked = checkMunicipality(frame, value, q.id);
      if (checked.problem) problems.push(checked.problem);
      else if (submission.municipality !== undefined && submission.municipality !== checked.code) {
        problems.push({ question: 'municipality', message: messages.municipalityMismatch });
      } else municipality = checked.code;
      continue;
    }
    const checked = checkQuestion(q, own(given, q.id), anyOther ? own(given, otherKey) : undefined, strict);
    if (checked.problems.length > 0) {
      problems.push(...checked.problems);
      invalid.add(q.id);
    }
    if (checked.value !== undefined) answers[q.id] = checked.value;
    if (checked.other !== undefined) answers[otherKey] = checked.other;
  }

  if (municipality === undefined && submission.municipality !== undefined && !problems.some((p) => p.question === 'municipality')) {
    const checked = checkMunicipality(frame, submission.municipality, 'municipality');
    if (checked.problem) problems.push(checked.problem);
    else municipality = checked.code;
  }
  if (municipality === undefined && problems.length === 0) {
    problems.push({ question: 'municipality', message: municipalityAsked ? messages.chooseMunicipality : messages.municipalityMissing });
  }
  if (problems.length > 0 || municipality === undefined) return { ok: false, problems };
  return { ok: true, municipality, answers };
}
