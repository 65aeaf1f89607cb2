/**
 * The study definition format: zod schemas for study, questionnaire, section, question,
 * option and showIf condition. TypeScript types are inferred from these schemas (`T…`
 * beside `Z…`, as in formbricks) and never written twice.
 *
 * Cross-field rules (unique ids, showIf only on earlier questions, …) live in
 * `./refinements.ts` and are applied by `ZStudyDefinition` there.
 */
import { z } from 'zod';

/** Stable identifiers become CSV column names and URL segments: keep them boring. */
export const ZId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits and _ (start with a letter, at most 64)');
export const ZCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits and _ (at most 64)');

export const ZOption = z
  .object({
    code: ZCode,
    label: z.string().min(1),
    labelEn: z.string().min(1).optional(),
    /** "Ved ikke" and the like: shown, stored, but outside the base of a percentage unless the figure says otherwise. */
    nonSubstantive: z.boolean().default(false),
    /** "Andet, angiv": choosing it asks for a free text stored under `<questionId>_other`. */
    other: z.boolean().default(false),
  })
  .strict();
export type TOption = z.infer<typeof ZOption>;

/**
 * showIf: a small condition language on earlier answers.
 * - `{question, equals: code}`: a single/scale answer equals code; a multi answer includes code.
 * - `{question, in: [codes]}`: single answer is one of codes; multi includes at least one.
 * - `{question, notIn: [codes]}`: answered, and single answer not one of codes; multi includes none.
 * - `{question, answered: true|false}`: the question has (or has not) an answer.
 * - `{all: [...]}`, `{any: [...]}`: combinations.
 */
const ZEquals = z.object({ question: ZId, equals: ZCode }).strict();
const ZIn = z.object({ question: ZId, in: z.array(ZCode).min(1) }).strict();
const ZNotIn = z.object({ question: ZId, notIn: z.array(ZCode).min(1) }).strict();
const ZAnswered = z.object({ question: ZId, answered: z.boolean() }).strict();
const ZAll = z
  .object({
    get all(): z.ZodArray<typeof ZCondition> {
      return z.array(ZCondition).min(1);
    },
  })
  .strict();
const ZAny = z
  .object({
    get any(): z.ZodArray<typeof ZCondition> {
      return z.array(ZCondition).min(1);
    },
  })
  .strict();
export const ZCondition = z.union([ZEquals, ZIn, ZNotIn, ZAnswered, ZAll, ZAny]);
export type TCondition = z.infer<typeof ZCondition>;

/** A category the report quotes that merges options, e.g. "Altid eller næsten altid". */
export const ZCombinedCategory = z
  .object({
    code: ZCode,
    label: z.string().min(1),
    options: z.array(ZCode).min(2),
  })
  .strict();
export type TCombinedCategory = z.infer<typeof ZCombinedCategory>;

/** What the report draws from a question: figure number, title, combined categories, base rule. */
export const ZFigure = z
  .object({
    number: z.number().int().positive(),
    title: z.string().min(1),
    combined: z.array(ZCombinedCategory).default([]),
    /** The category (option or combined code) compared between leaders and caseworkers. */
    headline: ZCode.optional(),
    /** Whether "Ved ikke" (non-substantive options) stays in the base of the percentages. */
    includeNonSubstantive: z.boolean().default(false),
    /** Where the published figure and its quoted percentages are, e.g. "seed 000, l. 283–297". */
    source: z.string().min(1).optional(),
  })
  .strict();
export type TFigure = z.infer<typeof ZFigure>;

const questionBase = {
  id: ZId,
  text: z.string().min(1),
  textEn: z.string().min(1).optional(),
  help: z.string().min(1).optional(),
  required: z.boolean().default(true),
  showIf: ZCondition.optional(),
  figure: ZFigure.optional(),
  /**
   * Set on a question that was not in the original (e.g. 2016) questionnaire: why it is kept. Such a
   * question never carries a figure, so the report stays the published one.
   */
  addition: z.string().min(1).optional(),
  /** Tabulated in the report's appendix under this title (e.g. the respondents' roles), unweighted. */
  appendixTitle: z.string().min(1).optional(),
  /** Where the question is in the source documents, e.g. "seed 000 l. 370" (never shown to respondents). */
  source: z.string().min(1).optional(),
};

export const ZSingleQuestion = z
  .object({ ...questionBase, type: z.literal('single'), options: z.array(ZOption).min(2) })
  .strict();
/** An ordered single choice (Altid … Aldrig): options are listed from the top of the scale down. */
export const ZScaleQuestion = z
  .object({ ...questionBase, type: z.literal('scale'), options: z.array(ZOption).min(2) })
  .strict();
export const ZMultiQuestion = z
  .object({
    ...questionBase,
    type: z.literal('multi'),
    options: z.array(ZOption).min(2),
    minSelected: z.number().int().min(0).optional(),
    maxSelected: z.number().int().positive().optional(),
  })
  .strict();
export const ZTextQuestion = z
  .object({ ...questionBase, type: z.literal('text'), maxLength: z.number().int().positive().max(10_000).default(2000) })
  .strict();
export const ZNumberQuestion = z
  .object({
    ...questionBase,
    type: z.literal('number'),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().default(true),
    unit: z.string().optional(),
  })
  .strict();
/** The respondent's municipality, chosen from the study's frame; stored as the response's municipality. */
export const ZMunicipalityQuestion = z.object({ ...questionBase, type: z.literal('municipality') }).strict();

export const ZQuestion = z.discriminatedUnion('type', [
  ZSingleQuestion,
  ZScaleQuestion,
  ZMultiQuestion,
  ZTextQuestion,
  ZNumberQuestion,
  ZMunicipalityQuestion,
]);
export type TQuestion = z.infer<typeof ZQuestion>;
export type TQuestionType = TQuestion['type'];
export type TChoiceQuestion = Extract<TQuestion, { options: TOption[] }>;

export const ZSection = z
  .object({
    id: ZId,
    title: z.string().min(1),
    intro: z.string().optional(),
    questions: z.array(ZQuestion).min(1),
  })
  .strict();
export type TSection = z.infer<typeof ZSection>;

export const ZQuestionnaire = z
  .object({
    id: ZId,
    /** The group label used in figures and captions, e.g. "Ledere", "Praktikere". */
    group: z.string().min(1),
    version: z.number().int().positive(),
    title: z.string().min(1),
    /** Landing page text: purpose of the questionnaire. */
    intro: z.string().min(1),
    minutes: z.number().int().positive(),
    sections: z.array(ZSection).min(1),
  })
  .strict();
export type TQuestionnaire = z.infer<typeof ZQuestionnaire>;

export const ZWeighting = z.enum(['none', 'equal', 'size', 'raked']);
export type TWeighting = z.infer<typeof ZWeighting>;

export const ZIsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** The person respondents and recipients of e-mails can ask about the study (shown on the landing pages and in e-mails). */
export const ZContact = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.email('must be an e-mail address').max(254).optional(),
    phone: z.string().trim().min(1).max(40).optional(),
  })
  .strict();
export type TContact = z.infer<typeof ZContact>;

export const ZStudy = z
  .object({
    id: ZId,
    title: z.string().min(1),
    /** Used in captions: "Kilde: <organisation> (…)". */
    organisation: z.string().min(1),
    contact: ZContact.optional(),
    /** Id of the municipality frame file in surveys/frames/<frame>.json. */
    frame: ZId,
    questionnaires: z.array(ZQuestionnaire).min(1),
    fieldwork: z
      .object({ opens: ZIsoDate.optional(), closes: ZIsoDate.optional() })
      .strict()
      .default({}),
    /**
     * The published study this definition reproduces (metadata only: it never opens or closes the
     * questionnaires, which `fieldwork` and the fieldwork page do).
     */
    original: z
      .object({ fieldworkFrom: ZIsoDate, fieldworkTo: ZIsoDate, source: z.string().min(1) })
      .strict()
      .optional(),
    weighting: ZWeighting.default('equal'),
    /** Breakdowns below this many respondents are suppressed in reports. */
    minCellSize: z.number().int().min(1).default(5),
    /** An archived study takes no answers and is listed apart; its results stay (set by praksis for a study it stores). */
    archived: z.boolean().optional(),
  })
  .strict();
export type TStudy = z.infer<typeof ZStudy>;

/** A study's settings: the definition without its questionnaires (what the study settings page edits). */
export const ZStudySettings = ZStudy.omit({ questionnaires: true, archived: true });
export type TStudySettings = z.infer<typeof ZStudySettings>;

/**
 * A questionnaire as an editor or an import gives it: `version` is assigned when it is published
 * (a value given is replaced), so it may be left out.
 */
export const ZQuestionnaireInput = ZQuestionnaire.extend({ version: z.number().int().positive().optional() });
/** A new study as `POST /api/v1/studies` takes it: a study whose questionnaires need no version. */
export const ZStudyInput = ZStudy.extend({ questionnaires: z.array(ZQuestionnaireInput).min(1) });

/** A response's answers: option code, list of codes (multi), number or text, keyed by question id. */
export const ZAnswerValue = z.union([z.string(), z.number(), z.array(z.string())]);
export type TAnswerValue = z.infer<typeof ZAnswerValue>;
export type TAnswers = Record<string, TAnswerValue>;

/** The stored response. Deliberately nothing else: no token, IP, user agent or time of day. */
export const ZResponse = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
    study: ZId,
    questionnaire: ZId,
    version: z.number().int().positive(),
    municipality: z.string().regex(/^\d{3}$/),
    /** The submission day, YYYY-MM-DD (never a time of day). */
    day: ZIsoDate,
    answers: z.record(z.string(), ZAnswerValue),
  })
  .strict();
export type TResponse = z.infer<typeof ZResponse>;
