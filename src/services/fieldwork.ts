/**
 * The evaluator's fieldwork: invitation links (created once, replaced only by hand), the same links
 * again for reminders, response rates and the fieldwork page.
 *
 * Every link is built under ctx.publicUrl() (PRAKSIS_PUBLIC_URL), never under a request's Host header.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import { defaultUses, hashSecret, linkToken, responseRates, type QuestionnaireRates, type TInvitation } from '../fieldwork/index.ts';
import { linksCsv } from '../export/links.ts';
import type { IssuedLink } from '../storage/ports.ts';
import type { TStudy } from '../survey/schema.ts';
import type { Context } from './context.ts';
import { studyStatuses, type QuestionnaireStatus } from './status.ts';
import { findStudy, frameOf, locateFor, studyFrame, type Located } from './studies.ts';

const ZCode = z.string().regex(/^\d{3}$/, 'must be a three-digit municipality code');

export const ZInvitationRequest = z
  .object({
    questionnaire: z.string().min(1),
    municipalities: z.union([z.literal('eligible'), z.array(ZCode).min(1).max(200)]),
    uses: z.number().int().min(1).max(50).optional(),
  })
  .strict();
export type TInvitationRequest = z.infer<typeof ZInvitationRequest>;

export interface IssuedLinks {
  at: Located;
  links: IssuedLink[];
}

export interface CreatedInvitations {
  at: Located;
  /** The new links, and the kept links of the skipped municipalities (`created: false`). */
  links: (IssuedLink & { created: boolean })[];
  created: number;
  /** Municipalities that already had a link (kept as it was). */
  skipped: string[];
}

/** The secret links are derived from (made once per store). */
export async function linkSecret(ctx: Context): Promise<string> {
  const current = (await ctx.store.settings.read()).linkSecret;
  if (current) return current;
  const updated = await ctx.store.settings.update((s) => {
    s.linkSecret ??= randomBytes(32).toString('base64url');
  });
  return updated.linkSecret!;
}

/** The address of a link under the public URL. */
export function linkUrl(ctx: Context, token: string): string {
  return `${ctx.publicUrl()}/i/${token}`;
}

/** The eligible municipalities among `codes` (all when 'eligible'); an unknown code is a 400 naming it. */
export function chosenMunicipalities(at: Located, codes: 'eligible' | readonly string[]): string[] {
  const eligible = at.frame.municipalities.filter((m) => m.eligible);
  if (codes === 'eligible') return eligible.map((m) => m.code);
  const unknown = [...new Set(codes.filter((c) => !eligible.some((m) => m.code === c)))];
  if (unknown.length > 0) {
    throw problems.invalidInput(
      `${unknown.length === 1 ? 'Kommunekoden' : 'Kommunekoderne'} ${unknown.map((c) => `»${c}«`).join(', ')} findes ikke blandt kommunerne i undersøgelsen (ramme »${at.frame.id}«).`,
      unknown.map((c) => ({ path: 'municipalities', message: `"${c}" is not an eligible municipality of frame "${at.frame.id}"` })),
    );
  }
  return [...new Set(codes)];
}

/** Links for the municipalities without one (all eligible, or the listed ones); a municipality with a link keeps it. */
export async function createInvitations(ctx: Context, studyId: string, request: TInvitationRequest): Promise<CreatedInvitations> {
  const at = await locateFor(ctx, studyId, request.questionnaire);
  const codes = chosenMunicipalities(at, request.municipalities);
  const secret = await linkSecret(ctx);
  const tokens = new Map(codes.map((municipality) => [municipality, linkToken(secret, { study: at.study.id, questionnaire: at.questionnaire.id, municipality }, 0)]));
  const result = await ctx.store.fieldwork.create(
    at.study.id,
    at.questionnaire.id,
    codes.map((municipality) => ({ municipality, tokenHash: hashSecret(tokens.get(municipality)!) })),
    request.uses ?? defaultUses(at.questionnaire),
  );
  const skipped = new Set(result.skipped);
  const kept = await currentTokens(ctx, (await ctx.store.fieldwork.invitations(at.study.id, at.questionnaire.id)).filter((i) => !i.revoked && skipped.has(i.municipality)));
  const links = [
    ...result.created.map((municipality) => ({ municipality, token: tokens.get(municipality)!, created: true })),
    ...kept.links.map(({ municipality, token }) => ({ municipality, token, created: false })),
  ].sort((a, b) => a.municipality.localeCompare(b.municipality));
  return { at, links, created: result.created.length, skipped: result.skipped };
}

/** Replaces one municipality's link by a new one (the old stops working); its drafts move to the new link. */
export async function replaceLink(ctx: Context, studyId: string, questionnaireId: string, municipality: string): Promise<IssuedLinks> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  const [code] = chosenMunicipalities(at, [municipality]);
  const current = (await ctx.store.fieldwork.invitations(at.study.id, at.questionnaire.id)).find((i) => i.municipality === code && !i.revoked);
  if (!current) throw problems.invalidInput(`Kommune ${code} har intet link til »${at.questionnaire.id}« endnu: opret det først.`, [{ path: 'municipality', message: `"${code}" has no link` }]);
  const place = { study: at.study.id, questionnaire: at.questionnaire.id, municipality: code! };
  const token = linkToken(await linkSecret(ctx), place, current.generation + 1);
  await ctx.store.fieldwork.replace(place.study, place.questionnaire, place.municipality, { tokenHash: hashSecret(token), generation: current.generation + 1 });
  return { at, links: [{ municipality: code!, token }] };
}

/**
 * The current token of live links, derived again. A link made before tokens were derived (or after
 * the link secret was lost) cannot be re-sent: it is left out and listed in `lost`.
 */
export async function currentTokens(ctx: Context, invitations: readonly TInvitation[]): Promise<{ links: (IssuedLink & { invitation: TInvitation })[]; lost: string[] }> {
  const secret = await linkSecret(ctx);
  const links: (IssuedLink & { invitation: TInvitation })[] = [];
  const lost: string[] = [];
  for (const invitation of invitations) {
    const token = linkToken(secret, invitation, invitation.generation);
    if (hashSecret(token) === invitation.tokenHash) links.push({ municipality: invitation.municipality, token, invitation });
    else lost.push(invitation.municipality);
  }
  return { links, lost };
}

/** The live links of a questionnaire whose link has not been used (all, or those chosen among them). */
export async function unusedLinks(ctx: Context, at: Located, chosen: readonly string[] = []): Promise<TInvitation[]> {
  const live = (await ctx.store.fieldwork.invitations(at.study.id, at.questionnaire.id)).filter((i) => !i.revoked && i.used === 0);
  return chosen.length > 0 ? live.filter((i) => chosen.includes(i.municipality)) : live;
}

/** The SAME links again for the municipalities whose link is unused (all, or those chosen): a reminder round. */
export async function reminderLinks(ctx: Context, studyId: string, questionnaireId: string, chosen: readonly string[]): Promise<IssuedLinks & { lost: string[] }> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  const pending = await unusedLinks(ctx, at, chosen);
  if (pending.length === 0) throw problems.invalidInput('Der er ingen kommuner med ubrugt link at sende påmindelse til.');
  const { links, lost } = await currentTokens(ctx, pending);
  await ctx.store.fieldwork.noteReminders(at.study.id, at.questionnaire.id, links.map((l) => l.municipality));
  return { at, links: links.map(({ municipality, token }) => ({ municipality, token })), lost };
}

/** Every live link of a questionnaire that can be shown again (for the mail-merge CSV). */
export async function currentLinks(ctx: Context, studyId: string, questionnaireId: string): Promise<IssuedLinks> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  const { links } = await currentTokens(ctx, (await ctx.store.fieldwork.invitations(at.study.id, at.questionnaire.id)).filter((i) => !i.revoked));
  return { at, links: links.map(({ municipality, token }) => ({ municipality, token })) };
}

export function invitationsCsv(ctx: Context, issued: IssuedLinks): string {
  return linksCsv(issued.at.frame, issued.at.questionnaire.id, ctx.publicUrl(), issued.links);
}

export async function studyRates(ctx: Context, study: TStudy): Promise<QuestionnaireRates[]> {
  const [invitations, table] = [await ctx.store.fieldwork.invitations(study.id), await ctx.store.responses.table()];
  return responseRates(study, await studyFrame(ctx, study), invitations, table);
}

export async function responseRatesOf(ctx: Context, studyId: string): Promise<{ study: string; questionnaires: QuestionnaireRates[] }> {
  const study = await findStudy(ctx, studyId);
  return { study: study.id, questionnaires: await studyRates(ctx, study) };
}

/** Whether the public address is this machine only (links in e-mails and CSV would not work elsewhere). */
export function publicUrlIsLocal(ctx: Context): boolean {
  const host = new URL(ctx.publicUrl()).hostname;
  return host === 'localhost' || host === '[::1]' || host === '0.0.0.0' || /^127\./.test(host);
}

/** Everything the fieldwork page shows. */
export async function fieldworkOverview(ctx: Context, studyId: string) {
  const study = await findStudy(ctx, studyId);
  const rates = await studyRates(ctx, study);
  const statuses = await studyStatuses(ctx, study);
  const windows: Record<string, QuestionnaireStatus> = Object.fromEntries(statuses.map((s) => [s.questionnaire, s]));
  return {
    study,
    rates,
    windows,
    publicUrl: ctx.publicUrl(),
    publicUrlIsLocal: publicUrlIsLocal(ctx),
    names: Object.fromEntries(frameOf(ctx.definitions, study).municipalities.map((m) => [m.code, m.name])),
    defaultUses: Object.fromEntries(study.questionnaires.map((q) => [q.id, defaultUses(q)])),
  };
}

const ZWindowRequest = z.object({ mode: z.enum(['dates', 'open', 'closed']), openLinks: z.boolean() }).strict();

/** Parses a window request (API body) or throws 400.2 naming the fields. */
export function parseWindowRequest(body: unknown): z.infer<typeof ZWindowRequest> {
  const parsed = ZWindowRequest.safeParse(body);
  if (!parsed.success) throw problems.invalidInput('The body must be {"mode": "open" | "closed" | "dates", "openLinks": true | false}.', issueDetails(parsed.error.issues));
  return parsed.data;
}
