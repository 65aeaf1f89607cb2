/**
 * Fieldwork, pure: invitation and draft records (zod), tokens (128 random bits, stored only as a
 * SHA-256 hash, compared in constant time), the fieldwork window, and response rates.
 *
 * Anonymity: an invitation records THAT its link was used (a count per day), never which
 * response; a response never refers to its link. Invitations are kept sorted by study,
 * questionnaire and municipality, so their order says nothing about when anyone answered.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { TFrame } from '../frame/schema.ts';
import { ZIsoDate, type TQuestionnaire, type TResponse, type TStudy } from '../survey/schema.ts';
import { ResponseTable } from '../survey/table.ts';

export const ZInvitation = z
  .object({
    tokenHash: z.string(),
    study: z.string(),
    questionnaire: z.string(),
    municipality: z.string(),
    /** How many responses the link accepts (leaders 1, caseworkers k). */
    uses: z.number().int().positive(),
    used: z.number().int().min(0),
    /** Completions per day (YYYY-MM-DD → count): no time of day, no response id. */
    completions: z.record(ZIsoDate, z.number().int().positive()),
    createdDay: ZIsoDate,
    /** Reminders sent (each re-sends the same link). */
    reminders: z.number().int().min(0),
    revoked: z.boolean().default(false),
    /** How many times the link was replaced by hand: the token is derived from the place and this number (linkToken). */
    generation: z.number().int().min(0).default(0),
    /** The first day the link's landing page was opened (a day, never a time). */
    openedDay: ZIsoDate.optional(),
  })
  .strict();
export type TInvitation = z.infer<typeof ZInvitation>;

export const ZDraft = z
  .object({
    tokenHash: z.string(),
    /** Hash of the resume code held by the respondent's browser (one draft per person, not per link). */
    resumeHash: z.string(),
    /** The encoded flow state (answers so far); never reported or exported. */
    state: z.string(),
    page: z.number().int().min(0),
    updatedDay: ZIsoDate,
  })
  .strict();
export type TDraft = z.infer<typeof ZDraft>;

/** `dates`: open between the study's fieldwork dates; `open`/`closed`: set by hand, whatever the dates. */
export const ZWindowMode = z.preprocess((v) => (v === 'auto' ? 'dates' : v), z.enum(['dates', 'open', 'closed']));
export const ZWindow = z.object({ mode: ZWindowMode.default('dates'), openLinks: z.boolean().default(true) }).strict();
export type TWindow = z.infer<typeof ZWindow>;
export const DEFAULT_WINDOW: TWindow = { mode: 'dates', openLinks: true };

export const ZFieldworkData = z
  .object({
    invitations: z.array(ZInvitation).default([]),
    drafts: z.array(ZDraft).default([]),
    /** Per `<study>/<questionnaire>`: opened or closed by hand, open-link mode on or off. */
    windows: z.record(z.string(), ZWindow).default({}),
  })
  .strict();
export type TFieldworkData = z.infer<typeof ZFieldworkData>;

/** 128 bits of randomness, URL-safe (22 characters). */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(`praksis-token:${secret}`).digest('base64url');
}

/** Constant-time comparison of two hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Where a link belongs: one live link per study, questionnaire and municipality. */
export interface TPlace {
  study: string;
  questionnaire: string;
  municipality: string;
}

/**
 * The token of the link of a place, in its `generation`: derived (HMAC-SHA256, 128 bits) from the
 * store's secret, so the SAME link can be sent again in a reminder although only its hash is stored.
 * Replacing a link takes the next generation: the old token stops working.
 */
export function linkToken(secret: string, place: TPlace, generation: number): string {
  return createHmac('sha256', secret).update(`praksis-link|${place.study}|${place.questionnaire}|${place.municipality}|${generation}`).digest().subarray(0, 16).toString('base64url');
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Leaders: one use per municipality; caseworkers: the leader forwards to up to 3. */
export function defaultUses(questionnaire: TQuestionnaire): number {
  return /^leder/i.test(questionnaire.group) || questionnaire.id === 'ledere' ? 1 : 3;
}

export const ZWindowState = z.enum(['open', 'not-yet', 'closed']);
export type TWindowState = z.infer<typeof ZWindowState>;

/**
 * THE rule of whether a questionnaire takes answers (the use case src/services/status.ts applies it
 * for every path): set by hand (`open`/`closed`) it is what was set, whatever the dates; by `dates`
 * it is open between the study's fieldwork dates (always, without dates).
 */
export function windowState(study: TStudy, window: TWindow, today: string): TWindowState {
  if (window.mode === 'open') return 'open';
  if (window.mode === 'closed') return 'closed';
  if (study.fieldwork.opens && today < study.fieldwork.opens) return 'not-yet';
  if (study.fieldwork.closes && today > study.fieldwork.closes) return 'closed';
  return 'open';
}

export interface RegionRate {
  region: string;
  name: string;
  invited: number;
  answered: number;
  rate: number;
}

export interface QuestionnaireRates {
  questionnaire: string;
  group: string;
  /** Invited municipalities: THE definition everywhere (invitedMunicipalities): the frame's eligible ones. */
  invited: number;
  /** Invited municipalities with a live link. */
  withLink: number;
  /** Invited municipalities whose link has been used at least once (open-link answers do not count). */
  answered: number;
  /** Every response of the questionnaire (links and open link). */
  respondents: number;
  /** Responses that came through invitation links (the links' uses). */
  linkRespondents: number;
  /** Responses through the open link (apart from the invitation statistics). */
  openLinkRespondents: number;
  /** answered / invited. */
  rate: number;
  byRegion: RegionRate[];
  /** Municipalities whose link is unused (reminders go to them). */
  notAnswered: { code: string; name: string; region: string; reminders: number }[];
  completionsPerDay: { day: string; count: number }[];
}

/**
 * The invited municipalities: those the evaluator made eligible for the study (`eligible`, the
 * stored choice: src/services/studies.ts studyEligibility), by default the frame's eligible ones.
 * The one definition of "invited" for the fieldwork page, the appendix figure and the raking targets.
 */
export function invitedMunicipalities(frame: TFrame, eligible?: ReadonlySet<string>): TFrame['municipalities'] {
  return frame.municipalities.filter((m) => (eligible ? eligible.has(m.code) : m.eligible));
}

/**
 * Response rates per questionnaire, for invitation statistics counting only answers through links:
 * the invited municipalities, those whose link was used, link and open-link respondents apart, the
 * rate overall and per region, the municipalities with an unused link (for reminders) and
 * completions per day (from the responses' day).
 */
export function responseRates(study: TStudy, frame: TFrame, invitations: readonly TInvitation[], responses: ResponseTable | readonly TResponse[]): QuestionnaireRates[] {
  const table = responses instanceof ResponseTable ? responses : ResponseTable.from(responses);
  const dayColumn = table.days();
  const byCode = new Map(frame.municipalities.map((m) => [m.code, m]));
  const invited = invitedMunicipalities(frame);
  const invitedCodes = new Set(invited.map((m) => m.code));
  return study.questionnaires.map((qn) => {
    const live = invitations.filter((i) => i.study === study.id && i.questionnaire === qn.id && !i.revoked && invitedCodes.has(i.municipality));
    const answeredCodes = new Set(live.filter((i) => i.used > 0).map((i) => i.municipality));
    const rows = table.rows({ study: study.id, questionnaire: qn.id });
    const perDay = new Uint32Array(dayColumn.values.length + 1);
    for (const i of rows) perDay[dayColumn.codes[i]!]! += 1;
    const linkRespondents = live.reduce((sum, i) => sum + i.used, 0);
    const byRegion = frame.regions.map((region) => {
      const inRegion = invited.filter((m) => m.region === region.code);
      const yes = inRegion.filter((m) => answeredCodes.has(m.code)).length;
      return { region: region.code, name: region.name, invited: inRegion.length, answered: yes, rate: inRegion.length ? yes / inRegion.length : 0 };
    });
    const days = new Map<string, number>();
    dayColumn.values.forEach((day, k) => {
      if (perDay[k + 1]! > 0) days.set(day, perDay[k + 1]!);
    });
    return {
      questionnaire: qn.id,
      group: qn.group,
      invited: invited.length,
      withLink: live.length,
      answered: answeredCodes.size,
      respondents: rows.length,
      linkRespondents,
      openLinkRespondents: Math.max(0, rows.length - linkRespondents),
      rate: invited.length ? answeredCodes.size / invited.length : 0,
      byRegion,
      notAnswered: live
        .filter((i) => i.used === 0)
        .map((i) => ({ code: i.municipality, name: byCode.get(i.municipality)?.name ?? i.municipality, region: byCode.get(i.municipality)?.region ?? '', reminders: i.reminders }))
        .sort((a, b) => a.name.localeCompare(b.name, 'da')),
      completionsPerDay: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count })),
    };
  });
}
