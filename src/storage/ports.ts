/**
 * The storage ports: what the use cases (src/services/) may ask of a store. Every method returns a
 * Promise, so an adapter may live on disk (./files/, the default) or in a database. HTTP code never
 * imports an adapter; it is handed a `Store`.
 *
 * The contract every adapter keeps is test/storage/contract.test.ts.
 */
import type { TDraft, TInvitation, TWindow } from '../fieldwork/index.ts';
import type { TResponse } from '../survey/schema.ts';
import type { ResponseTable, RowFilter } from '../survey/table.ts';
import type { Settings } from './settings.ts';
import type { AuditCase, AuditData, AuditEvent } from '../audit/records.ts';

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
}

export interface IssuedLink {
  municipality: string;
  /** The plain token: shown once, only its hash is stored. */
  token: string;
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
   * New links for these municipalities; an existing link of the same municipality and
   * questionnaire is replaced (its token stops working; uses already made are kept).
   * `reminder` counts a reminder round.
   */
  issue(study: string, questionnaire: string, municipalities: readonly string[], uses: number, options?: { reminder?: boolean }): Promise<IssuedLink[]>;
  /**
   * Uses one use of the link with this token hash to run `store`, atomically: concurrent calls
   * (on any instance) never use a link more times than it allows. The use, with today's date, is
   * recorded durably BEFORE `store` runs and given back if `store` throws or returns
   * `created: false`; so a crash in between can lose a use but never grant an extra one.
   * The use and the response are never written together.
   */
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

export interface SettingsPort {
  /** The current settings, read-only (an adapter may hand out one frozen object until they change). */
  read(): Promise<Readonly<Settings>>;
  /** Applies `mutate` to a copy, validates and stores it durably; resolves with the new settings. */
  update(mutate: (settings: Settings) => void): Promise<Settings>;
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

export interface Store {
  /** Where the data is, for messages (a directory, or a database without its password). */
  readonly location: string;
  readonly responses: ResponsesPort;
  readonly fieldwork: FieldworkPort;
  readonly settings: SettingsPort;
  readonly audits: AuditPort;
  close(): Promise<void>;
}
