/**
 * Fieldwork, pure: invitation and draft records (zod), tokens (128 random bits, stored only as a
 * SHA-256 hash, compared in constant time), the fieldwork window, and response rates.
 *
 * Anonymity: an invitation records THAT its link was used (a count per day), never which
 * response; a response never refers to its link. Invitations are kept sorted by study,
 * questionnaire and municipality, so their order says nothing about when anyone answered.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
    /** Reminder rounds sent; each round replaced the token. */
    reminders: z.number().int().min(0),
    revoked: z.boolean().default(false),
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
  /** Municipalities with a live invitation for this questionnaire. */
  invited: number;
  /** Invited municipalities with at least one response (any channel). */
  answered: number;
  respondents: number;
  rate: number;
  byRegion: RegionRate[];
  notAnswered: { code: string; name: string; region: string; reminders: number }[];
  completionsPerDay: { day: string; count: number }[];
}

/**
 * Response rates per questionnaire: invited municipalities, those with at least one response,
 * respondents, the rate overall and per region, the invited municipalities without an answer
 * (for reminders) and completions per day (from the responses' day).
 */
export function responseRates(study: TStudy, frame: TFrame, invitations: readonly TInvitation[], responses: ResponseTable | readonly TResponse[]): QuestionnaireRates[] {
  const table = responses instanceof ResponseTable ? responses : ResponseTable.from(responses);
  const municipalities = table.municipalities();
  const dayColumn = table.days();
  const byCode = new Map(frame.municipalities.map((m) => [m.code, m]));
  return study.questionnaires.map((qn) => {
    const mine = invitations.filter((i) => i.study === study.id && i.questionnaire === qn.id && !i.revoked);
    const invited = new Map(mine.map((i) => [i.municipality, i]));
    const rows = table.rows({ study: study.id, questionnaire: qn.id });
    // Per distinct municipality and day: counted over the codes, no response objects.
    const perMunicipality = new Uint32Array(municipalities.values.length + 1);
    const perDay = new Uint32Array(dayColumn.values.length + 1);
    for (const i of rows) {
      perMunicipality[municipalities.codes[i]!]! += 1;
      perDay[dayColumn.codes[i]!]! += 1;
    }
    const answeredCodes = new Set(municipalities.values.filter((_, k) => perMunicipality[k + 1]! > 0));
    const answered = [...invited.keys()].filter((c) => answeredCodes.has(c));
    const byRegion = frame.regions.map((region) => {
      const inRegion = [...invited.keys()].filter((c) => byCode.get(c)?.region === region.code);
      const yes = inRegion.filter((c) => answeredCodes.has(c)).length;
      return { region: region.code, name: region.name, invited: inRegion.length, answered: yes, rate: inRegion.length ? yes / inRegion.length : 0 };
    });
    const days = new Map<string, number>();
    dayColumn.values.forEach((day, k) => {
      if (perDay[k + 1]! > 0) days.set(day, perDay[k + 1]!);
    });
    return {
      questionnaire: qn.id,
      group: qn.group,
      invited: invited.size,
      answered: answered.length,
      respondents: rows.length,
      rate: invited.size ? answered.length / invited.size : 0,
      byRegion,
      notAnswered: [...invited.values()]
        .filter((i) => !answeredCodes.has(i.municipality))
        .map((i) => ({ code: i.municipality, name: byCode.get(i.municipality)?.name ?? i.municipality, region: byCode.get(i.municipality)?.region ?? '', reminders: i.reminders }))
        .sort((a, b) => a.name.localeCompare(b.name, 'da')),
      completionsPerDay: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count })),
    };
  });
}
