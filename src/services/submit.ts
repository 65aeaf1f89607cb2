/**
 * Storing a response: the one way in for every path (the open-link pages /s/, invitation links
 * /i/ and POST /api/v1/responses with or without a link token). Each checks the questionnaire's
 * status with assertAccepts (status.ts) for its channel, validates the answers against the
 * questionnaire, and stores through the ports; a link's use is taken atomically by useLink.
 */
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import { hashSecret, TOKEN_PATTERN, type TInvitation } from '../fieldwork/index.ts';
import type { NewResponse, Stored } from '../storage/ports.ts';
import { validateSubmission } from '../survey/answers.ts';
import type { Context } from './context.ts';
import { ZSubmissionId } from '../survey/flow-state.ts';
import { assertAccepts } from './status.ts';
import { locateFor, type Located } from './studies.ts';

const ZAnswersObject = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'must be an object {questionId: value}',
});

/** The published version answered (default: the latest), for a client that fetched an earlier one. */
const ZVersion = z.number().int().positive();

const ZOpenSubmission = z
  .object({ study: z.string().min(1), questionnaire: z.string().min(1), version: ZVersion.optional(), municipality: z.string().optional(), answers: ZAnswersObject, submissionId: ZSubmissionId.optional() })
  .strict();

const ZTokenSubmission = z.object({ token: z.string(), version: ZVersion.optional(), answers: ZAnswersObject, submissionId: ZSubmissionId.optional() }).strict();

const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * Validates answers as sent by the API (unknown keys, hidden questions and stray texts refused);
 * throws 400.3 listing every problem. Keys such as "__proto__" are never question ids: reported.
 */
function checkAnswers(at: Located, municipality: string | undefined, raw: Record<string, unknown>): NewResponse {
  const reserved = RESERVED_KEYS.filter((key) => Object.hasOwn(raw, key));
  const answers = reserved.length === 0 ? raw : Object.fromEntries(Object.entries(raw).filter(([key]) => !RESERVED_KEYS.includes(key)));
  const checked = validateSubmission(at.questionnaire, at.frame, { municipality, answers }, { hidden: 'reject' });
  const found = [
    ...reserved.map((key) => ({ path: key, message: `Ukendt spørgsmål »${key}«.` })),
    ...(checked.ok ? [] : checked.problems.map((p) => ({ path: p.question, message: p.message }))),
  ];
  if (!checked.ok || found.length > 0) throw problems.invalidAnswers(found);
  return { study: at.study.id, questionnaire: at.questionnaire.id, version: at.questionnaire.version, municipality: checked.municipality, answers: checked.answers };
}

/** Stores this process has seen record real responses (the flag is never unset). */
const noted = new WeakSet<object>();

/** Records once per data store that it holds real responses (so `--demo` never loads over them). */
async function noteRealResponse(ctx: Context): Promise<void> {
  if (noted.has(ctx.store)) return;
  if ((await ctx.store.settings.read()).realResponses !== true) {
    await ctx.store.settings.update((s) => {
      s.realResponses = true;
    });
  }
  noted.add(ctx.store);
}

/** Stores a validated response that came through an open link (or the API without a token). */
export async function storeOpenLinkResponse(ctx: Context, response: NewResponse, submissionId: string | undefined): Promise<Stored> {
  const stored = await ctx.store.responses.add(response, submissionId);
  if (stored.created) await noteRealResponse(ctx);
  return stored;
}

/**
 * Stores a validated response through an invitation link, using one of its uses atomically. A
 * retried submission (same submissionId) returns the first response without using the link again.
 */
export async function storeLinkResponse(ctx: Context, invitation: TInvitation, response: NewResponse, submissionId: string | undefined): Promise<Stored> {
  const { responses, fieldwork } = ctx.store;
  if (submissionId !== undefined && (await responses.has(submissionId))) return responses.add(response, submissionId);
  const use = await fieldwork.useLink(invitation.tokenHash, ctx.today(), () => responses.add(response, submissionId));
  if (use.outcome === 'unknown') throw problems.linkUnknown();
  if (use.outcome === 'used-up') throw problems.linkUsedUp();
  if (use.result.created) await noteRealResponse(ctx);
  return use.result;
}

/** The live invitation of a token with its questionnaire, or a 404 Problem. */
export async function findInvitation(ctx: Context, token: string): Promise<{ invitation: TInvitation; at: Located }> {
  const invitation = TOKEN_PATTERN.test(token) ? await ctx.store.fieldwork.findByTokenHash(hashSecret(token)) : undefined;
  if (!invitation) throw problems.linkUnknown();
  return { invitation, at: await locateFor(ctx, invitation.study, invitation.questionnaire) };
}

/** Opens an invitation link for answering: the link exists, its questionnaire takes answers, uses are left. */
export async function openInvitation(ctx: Context, token: string): Promise<{ invitation: TInvitation; at: Located }> {
  const found = await findInvitation(ctx, token);
  await assertAccepts(ctx, found.at, 'invitation');
  if (found.invitation.used >= found.invitation.uses) throw problems.linkUsedUp();
  return found;
}

/**
 * POST /api/v1/responses: a body with `token` answers through that invitation link, any other the
 * open link. Checked in this order (the first failing step decides): the body's shape (400.2), the
 * study and questionnaire or link (404), the questionnaire's status (410/403), every answer (400.3).
 * Returns 201's `created: true`, or the first response for a retried submissionId.
 */
export async function submitThroughApi(ctx: Context, body: unknown): Promise<Stored> {
  const withToken = typeof body === 'object' && body !== null && !Array.isArray(body) && 'token' in body;
  if (withToken) {
    const parsed = ZTokenSubmission.safeParse(body);
    if (!parsed.success) throw problems.invalidInput('The body must be a JSON object {token, answers, submissionId?}.', issueDetails(parsed.error.issues));
    const found = await findInvitation(ctx, parsed.data.token);
    const { invitation } = found;
    const at = parsed.data.version === undefined ? found.at : await locateFor(ctx, found.at.study.id, found.at.questionnaire.id, parsed.data.version);
    await assertAccepts(ctx, at, 'invitation');
    const response = checkAnswers(at, invitation.municipality, parsed.data.answers);
    return storeLinkResponse(ctx, invitation, response, parsed.data.submissionId);
  }
  const parsed = ZOpenSubmission.safeParse(body);
  if (!parsed.success) throw problems.invalidInput('The body must be a JSON object {study, questionnaire, municipality, answers, submissionId?}.', issueDetails(parsed.error.issues));
  const at = await locateFor(ctx, parsed.data.study, parsed.data.questionnaire, parsed.data.version);
  await assertAccepts(ctx, at, 'open-link');
  const response = checkAnswers(at, parsed.data.municipality, parsed.data.answers);
  return storeOpenLinkResponse(ctx, response, parsed.data.submissionId);
}
