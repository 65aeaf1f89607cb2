/**
 * Accounts (zod): users with one role and their studies, personal API keys (hashes only), server-side
 * sessions (hashes of the cookie's id only), failed sign-in counters (hashed keys, never an address
 * in clear) and the activity log of evaluator actions. Nothing here is about respondents.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'evaluator', 'auditor', 'viewer'] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

const ZId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, "-" or "_"');
const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const ZHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash (64 hex digits)');

/** A user name or an e-mail address: lower case, no spaces. */
export const ZLogin = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'must be at least 2 characters')
  .max(120, 'must be at most 120 characters')
  .regex(/^[a-z0-9._@+-]+$/, 'may hold only letters a–z, digits and . _ @ + -');
export const ZStudyId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a study id (lower-case letters, digits, "-", "_")');
export const ZUserName = z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters').regex(/^[^\u0000-\u001f\u007f<>]*$/, 'must not hold control characters or < >');

export const ZUser = z.object({
  id: ZId,
  name: ZUserName,
  login: ZLogin,
  role: ZRole,
  /** The studies of an evaluator, auditor or viewer (an admin has every study). */
  studies: z.array(ZStudyId).max(200),
  passwordHash: z.string().min(1),
  createdDay: ZDay,
});
export type TUser = z.infer<typeof ZUser>;

export const ZApiKey = z.object({
  id: ZId,
  userId: ZId,
  name: ZUserName,
  /** SHA-256 of the key; the key itself is shown once. */
  hash: ZHash,
  createdDay: ZDay,
  /** The last day the key was used (a day, never a time). */
  lastUsedDay: ZDay.nullable(),
});
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZSession = z.object({
  /** SHA-256 of the session id in the cookie. */
  hash: ZHash,
  userId: ZId,
  /** Epoch milliseconds after which the session no longer counts. */
  expires: z.number().int().positive(),
});
export type TSession = z.infer<typeof ZSession>;

/**
 * What the activity log records. Other parts of praksis add their actions here (one list, so the
 * log's CSV and page name every action the same way).
 */
export const ACTIVITY_ACTIONS = [
  'sign-in',
  'sign-in-failed',
  'sign-out',
  'sign-out-everywhere',
  'access-denied',
  'export',
  'window',
  'invitations',
  'reminders',
  'send',
  'contacts-upload',
  'contacts-delete',
  'audit-import',
  'publish',
  'study-create',
  'study-change',
  'study-archive',
  'draft-save',
  'test-answers-clear',
  'user-add',
  'user-change',
  'user-password',
  'user-remove',
  'key-add',
  'key-revoke',
] as const;
export const ZActivityAction = z.enum(ACTIVITY_ACTIONS);
export type TActivityAction = z.infer<typeof ZActivityAction>;

const ZLogText = z.string().max(300).regex(/^[^\u0000-\u001f\u007f]*$/, 'must not hold control characters');

export const ZActivity = z.object({
  /** When, to the second (UTC, ISO 8601): the log is about evaluators, never respondents. */
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  /** The user's login, "PRAKSIS_API_KEY" for the old shared key, or "(ukendt)" for an unknown login. */
  who: ZLogText,
  action: ZActivityAction,
  study: ZStudyId.nullable(),
  /** What was done, in a few words (a file name, a role, a user's login): never answers or contacts. */
  detail: ZLogText,
});
export type TActivity = z.infer<typeof ZActivity>;
