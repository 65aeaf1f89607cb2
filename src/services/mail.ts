/**
 * E-mail fieldwork, the use cases: contacts (upload, list, delete per study), the texts of a
 * questionnaire (edit, preview), queueing invitations and reminders (stored before anything is
 * sent; the background sender in ./outbox.ts sends them), the reminder schedule, the outbox and the
 * status of every invitation.
 *
 * Personal data: contact addresses are never logged, never exported with responses, and nothing here
 * refers to a response. The outbox and status lists carry no tokens.
 */
import { z } from 'zod';
import { problems, type ProblemDetail } from '../errors.ts';
import type { TInvitation } from '../fieldwork/index.ts';
import { readContacts } from '../mail/contacts.ts';
import { messageId, type NewMessage, type TContact, type TMailTexts, type TMessage } from '../mail/schema.ts';
import { defaultTexts, parseTexts, render } from '../mail/texts.ts';
import type { ContactsAdded } from '../storage/ports.ts';
import type { Context } from './context.ts';
import { createInvitations, currentTokens, linkUrl } from './fieldwork.ts';
import { studyStatuses } from './status.ts';
import { findStudy, listStudies, locateFor, studyEligibility, type Located } from './studies.ts';

/** A contact list with bad rows: 400 whose details list every bad row by line. */
export class ContactProblems extends Error {
  constructor(readonly problems: ProblemDetail[]) {
    super(`Kontaktlisten har ${problems.length} fejl; intet er gemt.`);
  }
}

/** Stores a contact list (CSV text or a JSON array) once every row is good; else nothing, and every bad row named. */
export async function addContacts(ctx: Context, studyId: string, body: unknown): Promise<ContactsAdded> {
  const study = await findStudy(ctx, studyId);
  if (typeof body !== 'string' && !Array.isArray(body)) throw problems.invalidInput('Send the contacts as text/csv (header municipality,questionnaire,email[,name]) or as a JSON array of {municipality, questionnaire, email, name?}.');
  const read = readContacts(study.id, body, { questionnaires: study.questionnaires.map((q) => q.id), municipalities: await studyEligibility(ctx, study) });
  if (!read.ok) throw new ContactProblems(read.problems);
  return ctx.store.mail.addContacts(read.contacts);
}

export async function listContacts(ctx: Context, studyId: string): Promise<TContact[]> {
  return ctx.store.mail.contacts((await findStudy(ctx, studyId)).id);
}

/** Deletes every contact and every message (all e-mail addresses) of the study. */
export async function deleteContacts(ctx: Context, studyId: string): Promise<{ contacts: number; messages: number }> {
  return ctx.store.mail.deleteStudy((await findStudy(ctx, studyId)).id);
}

/** The texts of a questionnaire: as saved, or the defaults. */
export async function mailTexts(ctx: Context, at: Located): Promise<TMailTexts> {
  return (await ctx.store.mail.texts(at.study.id, at.questionnaire.id)) ?? defaultTexts(at.questionnaire.title);
}

export async function saveTexts(ctx: Context, studyId: string, questionnaireId: string, input: unknown): Promise<TMailTexts> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  const texts = parseTexts(input);
  if (texts.forward !== undefined) {
    if (texts.forward === at.questionnaire.id || !at.study.questionnaires.some((q) => q.id === texts.forward)) throw problems.invalidInput(`Spørgeskemaet at videresende, »${texts.forward}«, findes ikke i undersøgelsen.`, [{ path: 'forward', message: 'unknown questionnaire' }]);
  }
  await ctx.store.mail.setTexts(at.study.id, at.questionnaire.id, texts);
  return texts;
}

function deadlineOf(at: Located, texts: TMailTexts): string {
  if (texts.deadline) return texts.deadline;
  const closes = at.study.fieldwork.closes;
  if (!closes) return 'snarest';
  const [y, m, d] = closes.split('-').map(Number);
  return new Intl.DateTimeFormat('da-DK', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

/** The study's contact person in one line ("Karin Kontakt, karin@example.org, tlf. 12 34 56 78"), or '' when none is set. */
export function contactLine(study: Located['study']): string {
  const c = study.contact;
  if (!c) return '';
  return [c.name, c.email, c.phone ? `tlf. ${c.phone}` : undefined].filter(Boolean).join(', ');
}

interface Filled {
  subject: string;
  body: string;
}

function fill(at: Located, texts: TMailTexts, kind: 'invitation' | 'reminder', values: { link: string; municipality: string; name?: string; forward?: string }): Filled {
  const text = texts[kind];
  const all = {
    link: values.link,
    frist: deadlineOf(at, texts),
    kontaktperson: texts.contact || contactLine(at.study) || 'evalueringens kontaktperson',
    kommune: at.frame.municipalities.find((m) => m.code === values.municipality)?.name ?? values.municipality,
    navn: values.name ?? 'modtager',
    videresend: values.forward ?? '',
  };
  return { subject: render(text.subject, all), body: render(text.body, all) };
}

/** The invitation and reminder as a recipient would read them (an example link and name). */
export async function previewTexts(ctx: Context, studyId: string, questionnaireId: string, input?: unknown): Promise<{ texts: TMailTexts; invitation: Filled; reminder: Filled }> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  const texts = input === undefined ? await mailTexts(ctx, at) : parseTexts(input);
  const municipality = at.frame.municipalities.find((m) => m.eligible)?.code ?? '';
  const example = { link: `${ctx.publicUrl()}/i/EKSEMPEL-PAA-ET-LINK-XX`, municipality, name: 'Anne Jensen', forward: texts.forward ? `${ctx.publicUrl()}/i/EKSEMPEL-PAA-VIDERESEND` : undefined };
  return { texts, invitation: fill(at, texts, 'invitation', example), reminder: fill(at, texts, 'reminder', example) };
}

export const ZSendRequest = z
  .object({ questionnaire: z.string().min(1), municipalities: z.array(z.string().regex(/^\d{3}$/, 'must be a three-digit municipality code')).min(1).max(200).optional() })
  .strict();

/** The live links of a questionnaire by municipality (token derived again), made first for `create` municipalities without one. */
async function linksByMunicipality(ctx: Context, at: Located, create: readonly string[]): Promise<Map<string, { token: string; invitation: TInvitation }>> {
  if (create.length > 0) await createInvitations(ctx, at.study.id, { questionnaire: at.questionnaire.id, municipalities: [...new Set(create)] });
  const live = (await ctx.store.fieldwork.invitations(at.study.id, at.questionnaire.id)).filter((i) => !i.revoked);
  const { links } = await currentTokens(ctx, live);
  return new Map(links.map((l) => [l.municipality, { token: l.token, invitation: l.invitation }]));
}

function messageOf(ctx: Context, at: Located, contact: TContact, kind: 'invitation' | 'reminder', filled: Filled, dedupe: string): NewMessage {
  return {
    id: messageId(),
    study: at.study.id,
    questionnaire: at.questionnaire.id,
    municipality: contact.municipality,
    kind,
    recipient: contact.email,
    ...(contact.name ? { name: contact.name } : {}),
    subject: filled.subject,
    body: filled.body,
    queuedDay: ctx.today(),
    nextAttemptAt: Date.now(),
    dedupe,
  };
}

/**
 * Queues the invitation to every contact of the questionnaire (or of the listed municipalities),
 * making the links that are missing. A contact invited before is not invited again.
 */
export async function queueInvitations(ctx: Context, studyId: string, body: unknown): Promise<{ queued: number }> {
  const parsed = ZSendRequest.safeParse(body);
  if (!parsed.success) throw problems.invalidInput('The body must be {questionnaire, municipalities?: ["101", …]}.', parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
  const at = await locateFor(ctx, studyId, parsed.data.questionnaire);
  const chosen = parsed.data.municipalities;
  const contacts = (await ctx.store.mail.contacts(at.study.id)).filter((c) => c.questionnaire === at.questionnaire.id && (!chosen || chosen.includes(c.municipality)));
  if (contacts.length === 0) throw problems.invalidInput(`Der er ingen kontakter til »${at.questionnaire.id}»${chosen ? ' i de valgte kommuner' : ''}: upload en kontaktliste først.`);
  const texts = await mailTexts(ctx, at);
  const municipalities = contacts.map((c) => c.municipality);
  const links = await linksByMunicipality(ctx, at, municipalities);
  const forwardAt = texts.forward ? await locateFor(ctx, at.study.id, texts.forward) : undefined;
  const forward = forwardAt ? await linksByMunicipality(ctx, forwardAt, municipalities) : undefined;
  const messages: NewMessage[] = [];
  for (const c of contacts) {
    const link = links.get(c.municipality);
    if (!link) continue; // a link made before tokens were derived cannot be mailed: the page says to replace it
    const fwd = forward?.get(c.municipality);
    const filled = fill(at, texts, 'invitation', { link: linkUrl(ctx, link.token), municipality: c.municipality, ...(c.name ? { name: c.name } : {}), ...(fwd ? { forward: linkUrl(ctx, fwd.token) } : {}) });
    messages.push(messageOf(ctx, at, c, 'invitation', filled, `inv|${at.study.id}|${at.questionnaire.id}|${c.municipality}|${c.email}`));
  }
  return { queued: await ctx.store.mail.queue(messages, ctx.today()) };
}

/** Queues a reminder with the SAME link to every contact whose municipality's link is unused; `round` keeps one per contact and round. */
async function queueRemindersOf(ctx: Context, at: Located, round: string, only?: (c: TContact) => boolean): Promise<number> {
  const contacts = (await ctx.store.mail.contacts(at.study.id)).filter((c) => c.questionnaire === at.questionnaire.id && (!only || only(c)));
  const links = await linksByMunicipality(ctx, at, []);
  const texts = await mailTexts(ctx, at);
  const messages: NewMessage[] = [];
  for (const c of contacts) {
    const link = links.get(c.municipality);
    if (!link || link.invitation.used > 0) continue;
    const filled = fill(at, texts, 'reminder', { link: linkUrl(ctx, link.token), municipality: c.municipality, ...(c.name ? { name: c.name } : {}) });
    messages.push(messageOf(ctx, at, c, 'reminder', filled, `rem|${at.study.id}|${at.questionnaire.id}|${c.municipality}|${c.email}|${round}`));
  }
  const queued = await ctx.store.mail.queue(messages, ctx.today());
  if (queued > 0) await ctx.store.fieldwork.noteReminders(at.study.id, at.questionnaire.id, [...new Set(messages.map((m) => m.municipality))]);
  return queued;
}

/** By hand: a reminder to the invited contacts whose link is unused (one per contact per day). */
export async function queueReminders(ctx: Context, studyId: string, body: unknown): Promise<{ queued: number }> {
  const parsed = z.object({ questionnaire: z.string().min(1) }).strict().safeParse(body);
  if (!parsed.success) throw problems.invalidInput('The body must be {questionnaire}.', parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
  const at = await locateFor(ctx, studyId, parsed.data.questionnaire);
  const invited = await invitedContacts(ctx, at);
  return { queued: await queueRemindersOf(ctx, at, `dag-${ctx.today()}`, (c) => invited.has(contactKey(c))) };
}

const contactKey = (c: { municipality: string; recipient?: string; email?: string }) => `${c.municipality}|${c.recipient ?? c.email}`;

/** The contacts whose invitation was sent, with the day it was sent. */
async function invitedContacts(ctx: Context, at: Located): Promise<Map<string, string>> {
  const sent = (await ctx.store.mail.messages(at.study.id)).filter((m) => m.questionnaire === at.questionnaire.id && m.kind === 'invitation' && m.status === 'sent');
  return new Map(sent.map((m) => [contactKey(m), m.statusDay]));
}

function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** On a schedule: for every questionnaire with one, the reminders due today (N days after a contact's invitation was sent). */
export async function queueScheduledReminders(ctx: Context): Promise<number> {
  let queued = 0;
  for (const study of await listStudies(ctx)) {
    for (const qn of study.questionnaires) {
      const texts = await ctx.store.mail.texts(study.id, qn.id);
      if (!texts || texts.schedule.length === 0) continue;
      const at = await locateFor(ctx, study.id, qn.id);
      const invited = await invitedContacts(ctx, at);
      for (const days of texts.schedule) {
        queued += await queueRemindersOf(ctx, at, `efter-${days}`, (c) => {
          const sent = invited.get(contactKey(c));
          return sent !== undefined && addDays(sent, days) <= ctx.today();
        });
      }
    }
  }
  return queued;
}

/** At send time: a reminder whose municipality's link has been used meanwhile is not sent. */
export async function stillWanted(ctx: Context, message: TMessage): Promise<boolean> {
  if (message.kind !== 'reminder') return true;
  const live = (await ctx.store.fieldwork.invitations(message.study, message.questionnaire)).find((i) => i.municipality === message.municipality && !i.revoked);
  return live !== undefined && live.used === 0;
}

/** The outbox of a study as the API and the page show it: no tokens, no bodies, a day never a time. */
export async function outboxOf(ctx: Context, studyId: string) {
  const messages = await ctx.store.mail.messages((await findStudy(ctx, studyId)).id);
  return messages.map((m) => ({
    recipient: m.recipient,
    questionnaire: m.questionnaire,
    municipality: m.municipality,
    kind: m.kind,
    status: m.status,
    day: m.statusDay,
    attempts: m.attempts,
    lastError: m.lastError ?? null,
  }));
}

export type InvitationStatus = 'not-sent' | 'sent' | 'failed' | 'opened' | 'started' | 'completed';

/** The status of every invitation of a study, with the day it was reached (no tokens). */
export async function invitationStatuses(ctx: Context, studyId: string) {
  const study = await findStudy(ctx, studyId);
  const [invitations, messages, drafted] = [await ctx.store.fieldwork.invitations(study.id), await ctx.store.mail.messages(study.id), new Set(await ctx.store.fieldwork.draftedLinks(study.id))];
  return invitations
    .filter((i) => !i.revoked)
    .map((i) => {
      const mine = messages.filter((m) => m.questionnaire === i.questionnaire && m.municipality === i.municipality);
      const sent = mine.filter((m) => m.status === 'sent').map((m) => m.statusDay).sort();
      const failed = mine.filter((m) => m.status === 'failed').map((m) => m.statusDay).sort();
      const completed = Object.keys(i.completions).sort();
      let status: InvitationStatus = 'not-sent';
      let day: string | null = null;
      if (i.used > 0) [status, day] = ['completed', completed.at(-1) ?? null];
      else if (drafted.has(i.tokenHash)) [status, day] = ['started', i.openedDay ?? null];
      else if (i.openedDay) [status, day] = ['opened', i.openedDay];
      else if (sent.length > 0) [status, day] = ['sent', sent.at(-1)!];
      else if (failed.length > 0) [status, day] = ['failed', failed.at(-1)!];
      return { questionnaire: i.questionnaire, municipality: i.municipality, status, day, uses: i.uses, used: i.used, reminders: i.reminders, contacts: new Set(mine.map((m) => m.recipient)).size };
    });
}

/** What the fieldwork page shows of e-mail: contacts per questionnaire, texts, statuses, the outbox, whether deleting is offered. */
export async function mailOverview(ctx: Context, studyId: string) {
  const study = await findStudy(ctx, studyId);
  const contacts = await ctx.store.mail.contacts(study.id);
  const texts: Record<string, TMailTexts> = {};
  for (const q of study.questionnaires) texts[q.id] = await mailTexts(ctx, await locateFor(ctx, study.id, q.id));
  const statuses = await studyStatuses(ctx, study);
  return {
    contacts: Object.fromEntries(study.questionnaires.map((q) => [q.id, contacts.filter((c) => c.questionnaire === q.id).length])),
    totalContacts: contacts.length,
    texts,
    invitations: await invitationStatuses(ctx, study.id),
    outbox: await outboxOf(ctx, study.id),
    closed: statuses.every((s) => s.state === 'closed'),
  };
}
