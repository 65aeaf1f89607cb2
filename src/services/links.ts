/**
 * Answering through an invitation link (/i/<token>/…): the landing page, the flow with the
 * municipality fixed by the link, drafts saved page by page, and the response stored with one of
 * the link's uses (storeLinkResponse).
 *
 * Drafts belong to the link AND a resume code that the server issues (signed with the session
 * secret) and the browser keeps in a cookie of that link's place (study, questionnaire, municipality):
 * a caseworker link forwarded to three people never shows one person's draft to the next, and a
 * client cannot choose its code. The code is bound to the place, not the token, so when the evaluator
 * replaces a municipality's link the drafts (moved by the store) open on the new link in the same browser.
 * Opening the landing page records the day the link was first opened (a day, never a time).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { problems } from '../errors.ts';
import { hashSecret, type TInvitation } from '../fieldwork/index.ts';
import { encodeFlowState } from '../survey/flow-state.ts';
import type { Context } from './context.ts';
import { firstPage, pageIndexOf, postPage, resumePage, type FlowOptions, type FlowStep } from './flow.ts';
import { pinnedTo, type Located } from './studies.ts';
import { findInvitation, openInvitation, storeLinkResponse } from './submit.ts';

const RESUME_PATTERN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** How many drafts one link keeps (people answering through it at the same time). */
function draftsPerLink(invitation: TInvitation): number {
  return Math.max(5, 2 * invitation.uses);
}

const placeOf = (i: TInvitation) => `${i.study}|${i.questionnaire}|${i.municipality}`;

/** The cookie that holds this link's resume code (one per place, path /i). */
export function resumeCookieName(invitation: TInvitation): string {
  return `praksis_resume_${hashSecret(`resume-cookie|${placeOf(invitation)}`).slice(0, 12)}`;
}

async function resumeSignature(ctx: Context, invitation: TInvitation, nonce: string): Promise<string> {
  const secret = (await ctx.store.settings.read()).sessionSecret;
  if (!secret) throw new Error('session secret missing: ensureCredentials() was not run');
  return createHmac('sha256', secret).update(`resume|${placeOf(invitation)}|${nonce}`).digest('base64url');
}

/** The resume code this browser presents for this link's place if this server issued it, else undefined. */
async function validResumeCode(ctx: Context, invitation: TInvitation, cookies: ReadonlyMap<string, string>): Promise<string | undefined> {
  const presented = cookies.get(resumeCookieName(invitation));
  const match = presented === undefined ? null : RESUME_PATTERN.exec(presented);
  if (!match) return undefined;
  const expected = Buffer.from(await resumeSignature(ctx, invitation, match[1]!));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? presented : undefined;
}

export interface ResumeCode {
  code: string;
  /** The cookie to keep it in. */
  cookie: string;
  /** Newly issued: the route sets the cookie. */
  issued: boolean;
}

async function resumeCode(ctx: Context, invitation: TInvitation, cookies: ReadonlyMap<string, string>): Promise<ResumeCode> {
  const cookie = resumeCookieName(invitation);
  const valid = await validResumeCode(ctx, invitation, cookies);
  if (valid) return { code: valid, cookie, issued: false };
  const nonce = randomBytes(16).toString('base64url');
  return { code: `${nonce}.${await resumeSignature(ctx, invitation, nonce)}`, cookie, issued: true };
}

function linkFlow(ctx: Context, token: string, invitation: TInvitation, at: Located, resume: string): FlowOptions {
  const resumeHash = hashSecret(resume);
  return {
    at,
    base: `/i/${token}`,
    startUrl: `/i/${token}`,
    municipality: invitation.municipality,
    onProgress: async (state, page) => {
      await ctx.store.fieldwork.saveDraft(
        { tokenHash: invitation.tokenHash, resumeHash, state: encodeFlowState(state), page, updatedDay: ctx.today() },
        draftsPerLink(invitation),
      );
    },
    submit: async (response, submissionId) => {
      await storeLinkResponse(ctx, invitation, response, submissionId);
      await ctx.store.fieldwork.deleteDraft(invitation.tokenHash, resumeHash);
      return `/i/${token}/tak`;
    },
  };
}

export async function linkLanding(ctx: Context, token: string, cookies: ReadonlyMap<string, string>) {
  const { invitation, at } = await openInvitation(ctx, token);
  await ctx.store.fieldwork.markOpened(invitation.tokenHash, ctx.today());
  const resume = await validResumeCode(ctx, invitation, cookies);
  const draft = resume === undefined ? undefined : await ctx.store.fieldwork.draft(invitation.tokenHash, hashSecret(resume));
  const municipality = at.frame.municipalities.find((m) => m.code === invitation.municipality);
  return { at, municipality, hasDraft: draft !== undefined };
}

/** GET the first page: the draft's page when this browser has one (unless `restart`), else page 1. */
export async function linkStartPage(ctx: Context, token: string, cookies: ReadonlyMap<string, string>, restart: boolean): Promise<{ step: FlowStep; resume: ResumeCode }> {
  const { invitation, at: latest } = await openInvitation(ctx, token);
  const resume = await resumeCode(ctx, invitation, cookies);
  const draft = resume.issued || restart ? undefined : await ctx.store.fieldwork.draft(invitation.tokenHash, hashSecret(resume.code));
  // A draft finishes on the version it was started on.
  const at = draft ? await pinnedTo(ctx, latest, draft.state) : latest;
  const options = linkFlow(ctx, token, invitation, at, resume.code);
  return { step: draft ? resumePage(options, draft.state, draft.page) : firstPage(options), resume };
}

export async function postLinkPage(ctx: Context, token: string, n: string, body: Record<string, unknown>, cookies: ReadonlyMap<string, string>): Promise<{ step: FlowStep; resume: ResumeCode }> {
  const { invitation, at: latest } = await openInvitation(ctx, token);
  const at = await pinnedTo(ctx, latest, body.state);
  const index = pageIndexOf(at.questionnaire, n);
  if (index === undefined) throw problems.notFound('The page');
  const resume = await resumeCode(ctx, invitation, cookies);
  return { step: await postPage(linkFlow(ctx, token, invitation, at, resume.code), index, body), resume };
}

export async function linkThanks(ctx: Context, token: string): Promise<Located> {
  return (await findInvitation(ctx, token)).at;
}
