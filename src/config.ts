/**
 * Configuration, parsed once at start-up from the environment (and `--demo` on the command line).
 * A bad value stops the program with a message naming the variable (see src/server.ts).
 *
 *   PORT                    port to listen on (default 3000; 0 picks a free port, used by tests)
 *   PRAKSIS_DATA_DIR        where the store keeps its files (default ./data)
 *   PRAKSIS_DATABASE_URL    postgres://user:password@host:5432/database: keep the data in PostgreSQL instead of
 *                           files (PRAKSIS_DATA_DIR is then not used); the schema is migrated at start
 *   PRAKSIS_DATABASE_POOL   connections each instance keeps to PostgreSQL at most (default 10)
 *   PRAKSIS_DATABASE_TIMEOUT_MS  how long to wait for a PostgreSQL connection, at start and per request, before
 *                           giving up (start: exit with a message; serving: 503) (default 5000)
 *   PRAKSIS_SURVEYS_DIR     study definitions and frames (default ./surveys)
 *   PRAKSIS_ADMIN_PASSWORD  evaluator password (min 8 characters); generated at first start if unset
 *   PRAKSIS_API_KEY         evaluator API key (min 16 characters); generated at first start if unset
 *   PRAKSIS_DEMO            1/true loads synthetic demo responses into an empty store (also `--demo`)
 *   PRAKSIS_TRUST_PROXY     Express "trust proxy" setting when behind a reverse proxy (true, a hop count or addresses)
 *   PRAKSIS_RATE_LIMIT      answer submissions (POSTs of questionnaire pages and of /api/v1/responses) allowed per
 *                           minute per client address, kept in memory only (default 120); `off` switches it off
 *   PRAKSIS_LOGIN_LIMIT     failed evaluator sign-ins allowed per 15 minutes per client address (default 10)
 *   PRAKSIS_HOST            address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface)
 *   PRAKSIS_DRAFT_DAYS      days an unchanged draft of an invitation link is kept (default 60; drafts of a closed
 *                           questionnaire are deleted at once)
 *   PRAKSIS_PUBLIC_URL      the address respondents reach praksis at, e.g. https://praksis.example.dk: every invitation
 *                           link, e-mail and CSV uses it, never the Host header of a request (default
 *                           http://localhost:<PORT>)
 *   PRAKSIS_SMTP_URL        smtp://user:password@host:587 (or smtps://…:465): where e-mail invitations are sent;
 *                           unset, messages wait in the outbox
 *   PRAKSIS_MAIL_FROM       the sender of invitations, e.g. "Evalueringen <evaluering@example.dk>"
 *   PRAKSIS_MAIL_RATE       e-mails sent per minute at most (default 60)
 */
import { z } from 'zod';
import { issueDetails, problems, type ProblemDetail } from './errors.ts';
import { DEFAULT_DRAFT_DAYS } from './services/context.ts';
import { isPostgresUrl } from './storage/postgres/url.ts';

export const DEFAULT_RATE_LIMIT = 120;
export const DEFAULT_LOGIN_LIMIT = 10;
export const DEFAULT_DATABASE_POOL = 10;
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;
const DEFAULT_HOST = '127.0.0.1';

/** Empty strings count as "not set", as a shell `FOO= npm start` means. */
const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const ZBool = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  z.enum(['0', '1', 'true', 'false', 'yes', 'no'], { error: 'must be 0, 1, true or false' }),
);

const ZEnv = z.object({
  PORT: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number between 0 and 65535')
      .transform(Number)
      .pipe(z.number().int().min(0, 'must be between 0 and 65535').max(65535, 'must be between 0 and 65535'))
      .default(3000),
  ),
  PRAKSIS_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().default('./data')),
  PRAKSIS_SURVEYS_DIR: z.preprocess(unsetIfEmpty, z.string().default('./surveys')),
  // The message never repeats the value: it may hold a password.
  PRAKSIS_DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .refine(isPostgresUrl, 'must be a PostgreSQL URL such as postgres://user:password@host:5432/praksis (special characters in the password percent-encoded)')
      .optional(),
  ),
  PRAKSIS_DATABASE_POOL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,3}$/, 'must be a whole number of connections (1 or more)')
      .transform(Number)
      .default(DEFAULT_DATABASE_POOL),
  ),
  PRAKSIS_DATABASE_TIMEOUT_MS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{1,6}$/, 'must be a whole number of milliseconds (10 or more)')
      .transform(Number)
      .default(DEFAULT_DATABASE_TIMEOUT_MS),
  ),
  PRAKSIS_ADMIN_PASSWORD: z.preprocess(unsetIfEmpty, z.string().min(8, 'must be at least 8 characters long').optional()),
  PRAKSIS_API_KEY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .min(16, 'must be at least 16 characters long')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it is sent in an HTTP header)')
      .optional(),
  ),
  PRAKSIS_DEMO: z.preprocess(unsetIfEmpty, ZBool.optional()),
  PRAKSIS_TRUST_PROXY: z.preprocess(unsetIfEmpty, z.string().optional()),
  PRAKSIS_RATE_LIMIT: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^(off|[1-9]\d{0,6})$/, 'must be "off" or a whole number of submissions per minute (1 or more)')
      .transform((v): number | 'off' => (v === 'off' ? 'off' : Number(v)))
      .default(DEFAULT_RATE_LIMIT),
  ),
  PRAKSIS_LOGIN_LIMIT: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,5}$/, 'must be a whole number of failed sign-ins (1 or more)')
      .transform(Number)
      .default(DEFAULT_LOGIN_LIMIT),
  ),
  PRAKSIS_HOST: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^(localhost|[0-9.]+|[0-9a-fA-F:]+|[A-Za-z0-9.-]+)$/, 'must be a host name or an IP address, e.g. 127.0.0.1 or 0.0.0.0')
      .default(DEFAULT_HOST),
  ),
  PRAKSIS_DRAFT_DAYS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,3}$/, 'must be a whole number of days (1 or more)')
      .transform(Number)
      .default(DEFAULT_DRAFT_DAYS),
  ),
  PRAKSIS_PUBLIC_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .refine(isPublicUrl, 'must be an http:// or https:// address without a path, query or fragment, e.g. https://praksis.example.dk')
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
  ),
  // The message never repeats the value: it may hold a password.
  PRAKSIS_SMTP_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .refine((v) => /^smtps?:\/\/[^/\s]+(:\d+)?\/?(\?.*)?$/.test(v), 'must be an SMTP URL such as smtp://user:password@smtp.example.dk:587 or smtps://…:465')
      .optional(),
  ),
  PRAKSIS_MAIL_FROM: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^([^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'must be an e-mail address, optionally with a name: "Evalueringen <evaluering@example.dk>"')
      .optional(),
  ),
  PRAKSIS_MAIL_RATE: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,5}$/, 'must be a whole number of e-mails per minute (1 or more)')
      .transform(Number)
      .default(60),
  ),
});

/** An absolute http(s) address of a host (a path other than "/" is refused: links are built under it). */
export function isPublicUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '' && url.pathname === '/' && url.search === '' && url.hash === '' && !/\s/.test(value);
  } catch {
    return false;
  }
}

function trustProxyValue(raw: string | undefined): boolean | number | string | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return raw.trim(); // addresses / subnets / "loopback", handed to proxy-addr as Express does
}

/** The environment as the configuration the program runs with (`demo` also from `--demo`). */
const ZConfig = ZEnv.transform((e) => ({
  port: e.PORT,
  host: e.PRAKSIS_HOST,
  dataDir: e.PRAKSIS_DATA_DIR,
  /** PostgreSQL instead of the data directory, when set. */
  databaseUrl: e.PRAKSIS_DATABASE_URL,
  /** PostgreSQL: connections per instance, and how long a request waits for one (and at start for the server) before it is answered 503. */
  databasePool: e.PRAKSIS_DATABASE_POOL,
  databaseTimeoutMs: e.PRAKSIS_DATABASE_TIMEOUT_MS,
  surveysDir: e.PRAKSIS_SURVEYS_DIR,
  adminPassword: e.PRAKSIS_ADMIN_PASSWORD,
  apiKey: e.PRAKSIS_API_KEY,
  demo: e.PRAKSIS_DEMO === '1' || e.PRAKSIS_DEMO === 'true' || e.PRAKSIS_DEMO === 'yes',
  /** Passed to `app.set('trust proxy', …)`; undefined means not behind a proxy. */
  trustProxy: trustProxyValue(e.PRAKSIS_TRUST_PROXY),
  /** Submissions per minute per client address, or 'off'. */
  rateLimit: e.PRAKSIS_RATE_LIMIT,
  /** Failed sign-ins per 15 minutes per client address. */
  loginLimit: e.PRAKSIS_LOGIN_LIMIT,
  draftDays: e.PRAKSIS_DRAFT_DAYS,
  /** Where respondents reach praksis (no trailing slash); undefined: http://localhost:<the port listened on>. */
  publicUrl: e.PRAKSIS_PUBLIC_URL,
  /** Where e-mail is sent; undefined: messages wait in the outbox. */
  smtpUrl: e.PRAKSIS_SMTP_URL,
  mailFrom: e.PRAKSIS_MAIL_FROM,
  mailPerMinute: e.PRAKSIS_MAIL_RATE,
}));
export type Config = z.infer<typeof ZConfig>;

const KNOWN_FLAGS = new Set(['--demo']);

/**
 * Parse the configuration. Pure: reads only its arguments.
 * @param env   process.env or a test object
 * @param argv  command-line arguments after the script (e.g. `['--demo']`)
 * @throws Problem 900.1 whose details name every bad variable or flag
 */
export function parseConfig(env: Record<string, string | undefined>, argv: readonly string[] = []): Config {
  const details: ProblemDetail[] = argv.filter((arg) => !KNOWN_FLAGS.has(arg)).map((arg) => ({ path: arg, message: 'unknown option (the only option is --demo)' }));
  const parsed = ZConfig.safeParse(env);
  if (!parsed.success) details.push(...issueDetails(parsed.error.issues, '(environment)'));
  if (!parsed.success || details.length > 0) {
    throw problems.invalidConfig(`Invalid configuration:\n${details.map((d) => `  ${d.path}: ${d.message}`).join('\n')}`, details);
  }
  return { ...parsed.data, demo: parsed.data.demo || argv.includes('--demo') };
}
