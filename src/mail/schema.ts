/**
 * E-mail fieldwork, pure: contacts, outbox messages, the invitation and reminder texts of a
 * questionnaire (zod schemas, types inferred) and the retry rule of the sender.
 *
 * Personal data: a contact (an e-mail address, optionally a name) and the messages sent to it live in
 * the mail store only, apart from responses; nothing here refers to a response, and every address of a
 * study is deleted in one action (MailPort.deleteStudy).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ZIsoDate } from '../survey/schema.ts';

export const ZEmail = z
  .string()
  .trim()
  .max(254, 'er for lang til at være en e-mailadresse')
  .regex(/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]{2,}$/, 'er ikke en gyldig e-mailadresse')
  .transform((v) => v.toLowerCase());

export const ZContact = z
  .object({
    study: z.string().min(1),
    questionnaire: z.string().min(1),
    municipality: z.string().regex(/^\d{3}$/),
    email: ZEmail,
    name: z.string().trim().max(200).optional(),
  })
  .strict();
export type TContact = z.infer<typeof ZContact>;

export const ZMessageKind = z.enum(['invitation', 'reminder']);
/** queued → sending (claimed by one sender) → sent | failed (permanent) | cancelled (a reminder whose link was used meanwhile). */
export const ZMessageStatus = z.enum(['queued', 'sending', 'sent', 'failed', 'cancelled']);

export const ZMessage = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
    study: z.string(),
    questionnaire: z.string(),
    municipality: z.string(),
    kind: ZMessageKind,
    recipient: ZEmail,
    name: z.string().optional(),
    subject: z.string(),
    body: z.string(),
    status: ZMessageStatus,
    queuedDay: ZIsoDate,
    /** The day of the last change of status (a day, never a time). */
    statusDay: ZIsoDate,
    attempts: z.number().int().min(0),
    /** When the sender may try it (next): epoch ms. */
    nextAttemptAt: z.number().int(),
    /** A claimed message is another sender's until then (epoch ms). */
    leaseUntil: z.number().int().optional(),
    /** The SMTP server's reply to the last failed attempt. */
    lastError: z.string().optional(),
    /** A message with a key already queued is not queued again (one invitation per contact, one reminder per round). */
    dedupe: z.string(),
  })
  .strict();
export type TMessage = z.infer<typeof ZMessage>;
export type NewMessage = Omit<TMessage, 'status' | 'statusDay' | 'attempts' | 'leaseUntil' | 'lastError'>;

export const ZMailText = z.object({ subject: z.string().trim().min(1, 'Emnet må ikke være tomt.').max(200), body: z.string().trim().min(1, 'Teksten må ikke være tom.').max(10_000) }).strict();

export const ZMailTexts = z
  .object({
    invitation: ZMailText,
    reminder: ZMailText,
    /** The study's contact person, as the mail names it ({kontaktperson}). */
    contact: z.string().trim().max(500).default(''),
    /** The answering deadline as the mail says it ({frist}); empty: the study's closing date. */
    deadline: z.string().trim().max(100).default(''),
    /** Days after the invitation at which an automatic reminder goes to contacts whose link is unused. */
    schedule: z.array(z.number().int().min(1).max(365)).max(5).default([]),
    /** Another questionnaire whose link of the same municipality the mail carries ({videresend}), e.g. leaders forward the caseworker link. */
    forward: z.string().optional(),
  })
  .strict();
export type TMailTexts = z.infer<typeof ZMailTexts>;

export const ZMailData = z
  .object({
    contacts: z.array(ZContact).default([]),
    messages: z.array(ZMessage).default([]),
    /** Per `<study>/<questionnaire>`. */
    texts: z.record(z.string(), ZMailTexts).default({}),
  })
  .strict();
export type TMailData = z.infer<typeof ZMailData>;

/** How many attempts a message gets before it is marked failed. */
export const MAX_ATTEMPTS = 8;

/**
 * What to do after a failed attempt: an SMTP reply code 5xx is permanent (the address or message is
 * refused); anything else (4xx, a connection that failed) is tried again after 30 s, 1, 2, 4 … min
 * (at most 1 hour), until MAX_ATTEMPTS.
 */
export function afterFailure(attempts: number, responseCode: number | undefined, now: number): { permanent: boolean; nextAttemptAt: number } {
  const permanent = (responseCode !== undefined && responseCode >= 500 && responseCode < 600) || attempts >= MAX_ATTEMPTS;
  return { permanent, nextAttemptAt: now + Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1)) };
}

/** A new message id (random: its order says nothing). */
export function messageId(): string {
  return randomBytes(16).toString('base64url');
}
