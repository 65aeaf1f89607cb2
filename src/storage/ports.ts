/**
 * The storage ports: what the use cases (src/services/) may ask of a store. Every method returns a
 * Promise, so an adapter may live on disk (./files/, the default) or in a database. HTTP code never
 * imports an adapter; it is handed a `Store`.
 *
 * The contract every adapter keeps is test/storage/contract.test.ts.
 */
import type { TDraft, TFieldworkData, TInvitation, TWindow } from '../fieldwork/index.ts';
import { z } from 'zod';
import type { NewMessage, TContact, TMailData, TMailTexts, TMessage } from '../mail/schema.ts';
import type { TResponse } from '../survey/schema.ts';
import type { ResponseTable, RowFilter } from '../survey/table.ts';
import type { TTallySpec } from '../survey/tallies.ts';
import type { Settings } from './settings.ts';
import { ZActivity, ZApiKey, ZUser, type TActivity, type TApiKey, type TSession, type TUser } from './accounts.ts';
import { ZAuditData, type AuditCase, type AuditData, type AuditEvent } from '../audit/records.ts';
import type { TCatalogDocument, TPublishedVersion, TQuestionnaireHead, TStoredStudy, TTestResponse } from '../survey/catalog.ts';
import type { TQuestionnaire } from '../survey/schema.ts';

/** A response before the store gives it its id and submission day. */
export type NewResponse = Omit<TResponse, 'id' | 'day'>;

export interface Stored {
  id: string;
  /** false when the submission id was seen before: `id` is then the first response's. */
  created: boolean;
}

export interface ResponsesPort {
  /**
   * Stores a response durably (resolves only once it survives a crash). With a `submissionId` seen
   * before (a retry, a double click, concurrently or after a restart), stores nothing and returns
   * the first response's id with `created: false`.
   */
  add(response: NewResponse, submissionId?: string): Promise<Stored>;
  /** Whether a response with this submission id is stored (or being stored). */
  has(submissionId: string): Promise<boolean>;
  /** Stores complete responses (the demo loader, imports) in one durable write; returns how many. */
  addMany(responses: readonly TResponse[]): Promise<number>;
  count(filter?: RowFilter): Promise<number>;
  list(filter?: RowFilter): Promise<TResponse[]>;
  /**
   * The stored responses as a column table (the report reads it without building objects). Read it
   * before the next await: it may go on growing.
   */
  table(): Promise<ResponseTable>;
  /**
   * What the report estimates from: a column table whose cell tallies for `spec` (per questionnaire
   * and municipality: respondents, and per key the count of each value; src/survey/tallies.ts)
   * equal the stored responses'. The file store hands its own table; PostgreSQL aggregates with
   * GROUP BY and sends only the tallies. Read it before the next await.
   */
  reportTable(spec: TTallySpec): Promise<ResponseTable>;
}

export interface IssuedLink {
  municipality: string;
  /** The plain token: shown once, only its hash is stored. */
  token: string;
}

/** A link to create: the municipality and the hash of its token. */
export interface NewLink {
  municipality: string;
  tokenHash: string;
}

/** What `create` did: the municipalities given a new link, and those that kept the one they had. */
export interface CreatedLinks {
  created: string[];
  skipped: string[];
}

/** What `useLink` did. */
export type LinkUse<R> =
  | { outcome: 'unknown' }
  | { outcome: 'used-up'; invitation: TInvitation }
  | { outcome: 'stored'; invitation: TInvitation; result: R };

export interface FieldworkPort {
  /** The live and revoked invitations of a study (optionally one questionnaire), sorted by questionnaire and municipality. */
  invitations(study: string, questionnaire?: string): Promise<TInvitation[]>;
  /** The live invitation whose token hash is `tokenHash`, or undefined. */
  findByTokenHash(tokenHash: string): Promise<TInvitation | undefined>;
  /**
   * New links (with these token hashes) for the municipalities that have no live link of this
   * questionnaire; a municipality that has one keeps it untouched (listed in `skipped`).
   */
  create(study: string, questionnaire: string, links: readonly NewLink[], uses: number): Promise<CreatedLinks>;
  /**
   * Replaces the live link of one municipality by a new token hash (its next generation): the old
   * token stops working, the uses made are kept and its drafts move to the new link. Undefined when
   * the municipality has no live link.
   */
  replace(study: string, questionnaire: string, municipality: string, next: { tokenHash: string; generation: number }): Promise<TInvitation | undefined>;
  /** Counts one reminder sent for each of these municipalities' links (the links stay the same). */
  noteReminders(study: string, questionnaire: string, municipalities: readonly string[]): Promise<void>;
  /** Records the first day the live link with this token hash was opened (later opens change nothing). */
  markOpened(tokenHash: string, day: string): Promise<void>;
  /** The token hashes of the study's links that have at least one draft. */
  draftedLinks(study: string): Promise<string[]>;
  useLink<R extends { created: boolean }>(tokenHash: string, day: string, store: () => Promise<R>): Promise<LinkUse<R>>;
  draft(tokenHash: string, resumeHash: string): Promise<TDraft | undefined>;
  /**
   * Saves (creates or replaces) the draft of (tokenHash, resumeHash). A link keeps at most
   * `maxPerLink` drafts: a new one beyond that is not saved and false is returned.
   */
  saveDraft(draft: TDraft, maxPerLink: number): Promise<boolean>;
  deleteDraft(tokenHash: string, resumeHash: string): Promise<void>;
  /**
   * Deletes the drafts last updated before `before` (YYYY-MM-DD), and every draft of a link of the
   * given questionnaires (closed ones). Returns how many were deleted.
   */
  expireDrafts(before: string, closed: readonly { study: string; questionnaire: string }[]): Promise<number>;
  window(study: string, questionnaire: string): Promise<TWindow | undefined>;
  setWindow(study: string, questionnaire: string, window: TWindow): Promise<void>;
}

// --- E-mail fieldwork: contacts, the outbox, the texts (src/mail/schema.ts) -------------------

/** What `addContacts` did: contacts new (or with a new name), and contacts stored already as given. */
export interface ContactsAdded {
  added: number;
  unchanged: number;
}

export interface MailPort {
  /** The contacts of a study, sorted by questionnaire, municipality and e-mail. */
  contacts(study: string): Promise<TContact[]>;
  /** Stores contacts durably in one write (a contact is its questionnaire, municipality and e-mail; a new name replaces the old). */
  addContacts(contacts: readonly TContact[]): Promise<ContactsAdded>;
  /** Deletes every contact AND every message of the study (every e-mail address it holds), in one action. */
  deleteStudy(study: string): Promise<{ contacts: number; messages: number }>;
  /** Stores messages durably before anything is sent; one whose `dedupe` key is stored already is left out. Returns how many were queued. */
  queue(messages: readonly NewMessage[], day: string): Promise<number>;
  /** The messages of a study, sorted by questionnaire, municipality, recipient and kind. */
  messages(study: string): Promise<TMessage[]>;
  /**
   * Claims one due message (queued with `nextAttemptAt <= now`, or sending with an expired lease)
   * for `leaseMs`, counting the attempt: on any number of instances, each claim is given to ONE.
   */
  claim(now: number, leaseMs: number): Promise<TMessage | undefined>;
  /** Records the outcome of a claimed message: sent, cancelled, failed (permanent), or queued again for `nextAttemptAt` with the error. */
  settle(id: string, outcome: { status: 'sent' | 'cancelled' | 'failed' | 'queued'; day: string; error?: string; nextAttemptAt?: number }): Promise<void>;
  texts(study: string, questionnaire: string): Promise<TMailTexts | undefined>;
  setTexts(study: string, questionnaire: string, texts: TMailTexts): Promise<void>;
}

export interface SettingsPort {
  /** The current settings, read-only (an adapter may hand out one frozen object until they change). */
  read(): Promise<Readonly<Settings>>;
  /** Applies `mutate` to a copy, validates and stores it durably; resolves with the new settings. */
  update(mutate: (settings: Settings) => void): Promise<Settings>;
}

/**
 * Moving a store's data to another store (`praksis copy`); responses move through ResponsesPort.list /
 * addMany, settings through SettingsPort. Every other kind of data is one document (zod, below):
 * read whole, and loaded in ONE durable write (a file, or a transaction) into a store that holds
 * none of that kind yet (refused otherwise, changing nothing). Sessions and sign-in counters are
 * not moved: everyone signs in again after a move.
 */
/** A value given twice in `list` (by `key`), for the document checks. */
const twice = <T>(list: readonly T[], key: (x: T) => string) => list.map(key).find((k, i, all) => all.indexOf(k) !== i);
export const ZAccountsDocument = z
  .strictObject({ users: z.array(ZUser), keys: z.array(ZApiKey) })
  .superRefine((d, ctx) => {
    const ids = new Set(d.users.map((u) => u.id));
    for (const [what, value] of [['user id', twice(d.users, (u) => u.id)], ['login', twice(d.users, (u) => u.login)], ['key id', twice(d.keys, (k) => k.id)], ['key hash', twice(d.keys, (k) => k.hash)]] as const) {
      if (value !== undefined) ctx.addIssue({ code: 'custom', message: `the ${what} ${what === 'key hash' ? '' : `"${value}" `}is given twice` });
    }
    const stray = d.keys.find((k) => !ids.has(k.userId));
    if (stray) ctx.addIssue({ code: 'custom', path: ['keys'], message: `the key "${stray.id}" belongs to no user given` });
  });
export type TAccountsDocument = z.infer<typeof ZAccountsDocument>;
/** Per audit id (a double entry's is `<audit>/second`): its cases and events; an audit with neither is left out. */
export const ZAuditDocument = z.strictObject({ audits: z.record(z.string(), ZAuditData) });
export type TAuditDocument = z.infer<typeof ZAuditDocument>;
export const ZActivityDocument = z.array(ZActivity);

/** A document to load, validated: an Error naming the first wrong fields (and that nothing was stored) otherwise. */
export function checkDocument<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`the ${what} to load are not valid (${issues.join('; ')}); nothing was stored`);
}

export interface TransferPort {
  /** Every invitation (with its token hash, live or revoked), draft and window, as one document. */
  fieldworkData(): Promise<TFieldworkData>;
  /** Stores that document in one durable write; refused unless this store has no fieldwork data yet. */
  loadFieldworkData(data: TFieldworkData): Promise<void>;
  /** Every contact, message (with its status, days, attempts and last error) and mail text, of every study. */
  mailData(): Promise<TMailData>;
  /** Refused unless this store has no contact, message or mail text yet. */
  loadMailData(data: TMailData): Promise<void>;
  /** Every user (with the password hash) and API key (hashes). */
  accountsData(): Promise<TAccountsDocument>;
  /** Refused unless this store has no user, key or session yet. */
  loadAccountsData(data: TAccountsDocument): Promise<void>;
  /** The whole activity log, oldest first. */
  activityData(): Promise<TActivity[]>;
  /** Refused unless this store's activity log is empty (the only way entries are added other than `log`). */
  loadActivityData(entries: readonly TActivity[]): Promise<void>;
  /** Every audit's cases and events. */
  auditData(): Promise<TAuditDocument>;
  /** Refused unless this store has no audit records yet. */
  loadAuditData(data: TAuditDocument): Promise<void>;
}

/**
 * Accounts (./accounts.ts): users, personal API keys, sessions, failed sign-in counters and the
 * activity log. Everything several instances must agree on lives here, never in process memory.
 */
export interface UsersPort {
  /** Every user, sorted by login. */
  list(): Promise<TUser[]>;
  get(id: string): Promise<TUser | undefined>;
  /** The user with this login (logins compare in lower case). */
  findByLogin(login: string): Promise<TUser | undefined>;
  /** Adds a user; false (and nothing stored) when the login or id is taken. */
  add(user: TUser): Promise<boolean>;
  /** Replaces a user's name, role, studies or password hash; the changed user, or undefined when there is none. */
  update(id: string, change: Partial<Pick<TUser, 'name' | 'role' | 'studies' | 'passwordHash'>>): Promise<TUser | undefined>;
  /** Removes a user with their keys and sessions, at once; false when there was none. */
  remove(id: string): Promise<boolean>;

  addKey(key: TApiKey): Promise<void>;
  /** A user's keys, oldest first. */
  keys(userId: string): Promise<TApiKey[]>;
  /** The key with this hash, with its user; records `day` as its last use. */
  useKey(hash: string, day: string): Promise<{ key: TApiKey; user: TUser } | undefined>;
  /** Revokes one of a user's keys; false when the user has no such key. */
  revokeKey(userId: string, keyId: string): Promise<boolean>;

  addSession(session: TSession): Promise<void>;
  /** The unexpired session with this hash, with its user. */
  session(hash: string, now: number): Promise<{ session: TSession; user: TUser } | undefined>;
  endSession(hash: string): Promise<void>;
  /** Ends every session of a user (but `except`); returns how many ended. */
  endSessions(userId: string, except?: string): Promise<number>;

  /**
   * Counts one attempt under each key, atomically (any instance), and returns for each key the
   * attempts within the last `windowMs` including this one. Keys are hashes, never addresses.
   */
  countAttempts(keys: readonly string[], now: number, windowMs: number): Promise<number[]>;
  /** Forgets the attempts counted under these keys (a sign-in that succeeded). */
  clearAttempts(keys: readonly string[]): Promise<void>;

  /** Appends to the activity log, durably. There is no way to change or delete an entry. */
  log(entry: TActivity): Promise<void>;
  /** The log, oldest first. */
  activity(): Promise<TActivity[]>;
}

/** One change of an audit's records, applied all or nothing. */
export interface AuditChange {
  /** Stored by case id: a new id is added (after the others), a known one replaced in its place. */
  cases: readonly AuditCase[];
  /** The cases whose events are replaced by those of `events` that belong to them. */
  eventsOf: readonly string[];
  /** Every event must belong to a case in `eventsOf`. */
  events: readonly AuditEvent[];
}

export interface AuditPort {
  /** The audit's cases (in the order first stored) and events (per case in the order stored); empty when none. */
  read(audit: string): Promise<AuditData>;
  /**
   * Runs `plan` on the current records and applies the change it returns, durably and all or
   * nothing, before it resolves; changes of one audit (on any instance) run one after another, so
   * `plan` sees every change acknowledged before. When `plan` throws, nothing changes.
   */
  update(audit: string, plan: (current: AuditData) => AuditChange): Promise<{ created: number; updated: number; events: number }>;
}

/**
 * The studies made in praksis (src/survey/catalog.ts): settings, drafts and published versions.
 * Several instances share it: every change is a compare-and-set on a revision, so of two changes
 * made from the same revision exactly one is stored and the other gets 'conflict'.
 */
export interface CatalogPort {
  /** Every stored study (archived ones too), sorted by id. */
  studies(): Promise<TStoredStudy[]>;
  study(id: string): Promise<TStoredStudy | undefined>;
  /**
   * Adds a study (revision 1) with the first draft of each of its questionnaires (heads at
   * revision 1), in one durable write; false (and nothing stored) when the id is taken.
   */
  addStudy(study: TStoredStudy, drafts: readonly TQuestionnaire[]): Promise<boolean>;
  /**
   * Changes a study's settings, questionnaire list or archived flag when its revision is still
   * `expectedRevision` (the revision then rises by one): the changed study, 'conflict', or
   * undefined when there is no such study.
   */
  updateStudy(id: string, expectedRevision: number, change: Partial<Pick<TStoredStudy, 'settings' | 'questionnaires' | 'archived'>>): Promise<TStoredStudy | 'conflict' | undefined>;
  /** The head of a questionnaire, or undefined. */
  head(study: string, questionnaire: string): Promise<TQuestionnaireHead | undefined>;
  /** Every head of a study, by questionnaire id. */
  heads(study: string): Promise<TQuestionnaireHead[]>;
  /**
   * Stores `draft` (null removes the draft) when the head's revision is `expectedRevision` (0:
   * there is no head yet, one is made): the new head (revision + 1), or 'conflict' and nothing changes.
   */
  saveDraft(study: string, questionnaire: string, draft: TQuestionnaire | null, expectedRevision: number): Promise<TQuestionnaireHead | 'conflict'>;
  /** The published versions of a study (optionally one questionnaire), by questionnaire and version ascending; read-only (an adapter may hand out frozen objects). */
  versions(study: string, questionnaire?: string): Promise<TPublishedVersion[]>;
  /**
   * Publishes: when the head's revision is `expectedRevision` and `version.version` is one more
   * than the latest stored (1 for the first), stores the version, removes the draft and raises the
   * head's revision, all at once and durably. The new head, or 'conflict' and nothing changes.
   */
  publish(version: TPublishedVersion, expectedRevision: number): Promise<TQuestionnaireHead | 'conflict'>;

  /** Stores a test answer (preview / test mode) apart from the responses; an id stored already is refused. */
  addTest(response: TTestResponse): Promise<void>;
  /** The test answers of a study (optionally one questionnaire), by their random id (never in the order given). */
  tests(study: string, questionnaire?: string): Promise<TTestResponse[]>;
  /** Deletes the test answers of a study (optionally one questionnaire); returns how many. */
  clearTests(study: string, questionnaire?: string): Promise<number>;

  /** Everything above, for `praksis copy`. */
  data(): Promise<TCatalogDocument>;
  /** Refused unless this store has no study, head, version or test answer yet. */
  load(data: TCatalogDocument): Promise<void>;
}

export interface Store {
  /** Where the data is, for messages (a directory, or a database without its password). */
  readonly location: string;
  readonly responses: ResponsesPort;
  readonly fieldwork: FieldworkPort;
  readonly settings: SettingsPort;
  readonly transfer: TransferPort;
  readonly mail: MailPort;
  readonly users: UsersPort;
  readonly audits: AuditPort;
  readonly catalog: CatalogPort;
  close(): Promise<void>;
}
