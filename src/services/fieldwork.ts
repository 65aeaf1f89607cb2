/**
 * The evaluator's fieldwork: invitation links, reminders, response rates and the fieldwork page.
 */
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import { defaultUses, responseRates, type QuestionnaireRates } from '../fieldwork/index.ts';
import { linksCsv } from '../export/links.ts';
import type { IssuedLink } from '../storage/ports.ts';
import type { TStudy } from '../survey/schema.ts';
import type { Context } from './context.ts';
import { studyStatuses, type QuestionnaireStatus } from './status.ts';
import { findStudy, locateFor, studyFrame, type Located } from './studies.ts';

export const ZInvitationRequest = z
  .object({
    questionnaire: z.string().min(1),
    municipalities: z.union([z.literal('eligible'), z.array(z.string().regex(/^\d{3}$/, 'must be a three-digit municipality code')).min(1).max(200)]),
    uses: z.number().int().min(1).max(50).optional(),
  })
  .strict();
export type TInvitationRequest = z.infer<typeof ZInvitationRequest>;

interface IssuedLinks {
  at: Located;
  links: IssuedLink[];
}

/** New links for the eligible municipalities (all, or the listed ones; an unknown code is a 400 naming it). */
export async function createInvitations(ctx: Context, studyId: string, request: TInvitationRequest): Promise<IssuedLinks> {
  const at = await locateFor(ctx, studyId, request.questionnaire);
  const eligible = at.frame.municipalities.filter((m) => m.eligible);
  let codes: string[];
  if (request.municipalities === 'eligible') codes = eligible.map((m) => m.code);
  else {
    const unknown = request.municipalities.filter((c) => !eligible.some((m) => m.code === c));
    if (unknown.length > 0) {
      throw problems.invalidInput(
        `Not eligible municipalities of frame "${at.frame.id}": ${unknown.join(', ')}`,
        unknown.map((c) => ({ path: 'municipalities', message: `"${c}" is not an eligible municipality` })),
      );
    }
    codes = [...new Set(request.municipalities)];
  }
  const links = await ctx.store.fieldwork.issue(at.study.id, at.questionnaire.id, codes, request.uses ?? defaultUses(at.questionnaire));
  return { at, links };
}

/** New links for the invited municipalities without an answer (all, or those chosen among them). */
export async function sendReminders(ctx: Context, studyId: string, questionnaireId: string, chosen: readonly string[]): Promise<IssuedLinks> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  const rates = await studyRates(ctx, at.study);
  const pending = rates.find((r) => r.questionnaire === at.questionnaire.id)!.notAnswered.map((m) => m.code);
  const codes = chosen.length > 0 ? pending.filter((c) => chosen.includes(c)) : pending;
  if (codes.length === 0) throw problems.invalidInput('Der er ingen kommuner uden svar at sende påmindelse til.');
  const links = await ctx.store.fieldwork.issue(at.study.id, at.questionnaire.id, codes, 1, { reminder: true });
  return { at, links };
}

export function invitationsCsv(issued: IssuedLinks, baseUrl: string): string {
  return linksCsv(issued.at.frame, issued.at.questionnaire.id, baseUrl, issued.links);
}

async function studyRates(ctx: Context, study: TStudy): Promise<QuestionnaireRates[]> {
  const [invitations, table] = [await ctx.store.fieldwork.invitations(study.id), await ctx.store.responses.table()];
  return responseRates(study, await studyFrame(ctx, study), invitations, table);
}

export async function responseRatesOf(ctx: Context, studyId: string): Promise<{ study: string; questionnaires: QuestionnaireRates[] }> {
  const study = findStudy(ctx.definitions, studyId);
  return { study: study.id, questionnaires: await studyRates(ctx, study) };
}

/** Everything the fieldwork page shows. */
export async function fieldworkOverview(ctx: Context, studyId: string) {
  const study = findStudy(ctx.definitions, studyId);
  const rates = await studyRates(ctx, study);
  const statuses = await studyStatuses(ctx, study);
  const windows: Record<string, QuestionnaireStatus> = Object.fromEntries(statuses.map((s) => [s.questionnaire, s]));
  return { study, rates, windows, defaultUses: Object.fromEntries(study.questionnaires.map((q) => [q.id, defaultUses(q)])) };
}

const ZWindowRequest = z.object({ mode: z.enum(['dates', 'open', 'closed']), openLinks: z.boolean() }).strict();

/** Parses a window request (API body) or throws 400.2 naming the fields. */
export function parseWindowRequest(body: unknown): z.infer<typeof ZWindowRequest> {
  const parsed = ZWindowRequest.safeParse(body);
  if (!parsed.success) throw problems.invalidInput('The body must be {"mode": "open" | "closed" | "dates", "openLinks": true | false}.', issueDetails(parsed.error.issues));
  return parsed.data;
}
