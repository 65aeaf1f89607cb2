/**
 * The studies made in praksis (not in files): what the store keeps of them (zod, pure).
 *  - a study: its settings (the definition without questionnaires), the ids of its questionnaires
 *    in order, whether it is archived, and a revision raised by every change (If-Match);
 *  - per questionnaire a head: the draft being edited (null when there is none: then the latest
 *    published version is what the editor starts from) and a revision raised by every save and
 *    every publication, never reset, so an ETag is never reused;
 *  - published versions: frozen (content hash), numbered 1, 2, … per questionnaire, never changed
 *    or deleted; every response names the version it answered.
 */
import { z } from 'zod';
import { ZId, ZIsoDate, ZQuestionnaire, ZResponse, ZStudySettings } from './schema.ts';

export const ZStoredStudy = z.strictObject({
  settings: ZStudySettings,
  /** Questionnaire ids in order (each has a head). */
  questionnaires: z.array(ZId).min(1),
  archived: z.boolean(),
  revision: z.number().int().positive(),
  /** The study it was copied from, if any. */
  copiedFrom: ZId.optional(),
  /** The day it was made. */
  created: ZIsoDate,
});
export type TStoredStudy = z.infer<typeof ZStoredStudy>;

export const ZQuestionnaireHead = z.strictObject({
  study: ZId,
  questionnaire: ZId,
  draft: ZQuestionnaire.nullable(),
  revision: z.number().int().positive(),
});
export type TQuestionnaireHead = z.infer<typeof ZQuestionnaireHead>;

export const ZChangeClass = z.enum(['cosmetic', 'additive', 'breaking']);

export const ZPublishedVersion = z.strictObject({
  study: ZId,
  questionnaire: ZId,
  version: z.number().int().positive(),
  /** contentHash (versions.ts) of `definition`. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The day it was published. */
  day: ZIsoDate,
  /** Against the version before (the first version is "additive": everything in it is new). */
  change: ZChangeClass,
  details: z.array(z.string()),
  definition: ZQuestionnaire,
});
export type TPublishedVersion = z.infer<typeof ZPublishedVersion>;

/** A test answer (preview / test mode): stored apart from the responses, never counted. */
export const ZTestResponse = ZResponse;
export type TTestResponse = z.infer<typeof ZTestResponse>;

/** Everything of the catalog, for `praksis copy`. */
export const ZCatalogDocument = z.strictObject({
  studies: z.array(ZStoredStudy),
  heads: z.array(ZQuestionnaireHead),
  versions: z.array(ZPublishedVersion),
  tests: z.array(ZTestResponse),
});
export type TCatalogDocument = z.infer<typeof ZCatalogDocument>;
