/**
 * Evaluator credentials: the password as a scrypt hash (`scrypt$N$r$p$salt$hash`), the API key as
 * a SHA-256 hash (compared in constant time), both in the store's settings, and the session
 * secret. `ensureCredentials` makes whatever is missing at start-up.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { Config } from '../config.ts';
import type { SettingsPort } from '../storage/ports.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (!stored) return false;
  const [kind, n, r, p, saltText, keyText] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64url');
  const key = await scryptAsync(password, Buffer.from(saltText, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * Number(n) * Number(r) + 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function verifyApiKey(key: string, storedHash: string | undefined): boolean {
  if (!storedHash) return false;
  const given = Buffer.from(hashApiKey(key), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface GeneratedCredentials {
  /** Set only when the password was generated now: print it once, it is never shown again. */
  adminPassword?: string;
  /** Set only when the API key was generated now. */
  apiKey?: string;
}

/**
 * Make sure the settings hold a session secret, an admin password hash and an API key hash.
 * Environment values win over stored hashes (a changed PRAKSIS_ADMIN_PASSWORD is re-hashed).
 * Returns the credentials generated now, to be printed once by the caller.
 */
export async function ensureCredentials(
  settings: SettingsPort,
  config: Pick<Config, 'adminPassword' | 'apiKey'>,
): Promise<GeneratedCredentials> {
  const current = await settings.read();
  const generated: GeneratedCredentials = {};
  const changes: { sessionSecret?: string; adminPasswordHash?: string; apiKeyHash?: string } = {};

  if (!current.sessionSecret) changes.sessionSecret = randomBytes(32).toString('base64url');

  if (config.adminPassword !== undefined) {
    if (!(await verifyPassword(config.adminPassword, current.adminPasswordHash))) {
      changes.adminPasswordHash = await hashPassword(config.adminPassword);
    }
  } else if (!current.adminPasswordHash) {
    generated.adminPassword = randomBytes(12).toString('base64url');
    changes.adminPasswordHash = await hashPassword(generated.adminPassword);
  }

  if (config.apiKey !== undefined) {
    if (!verifyApiKey(config.apiKey, current.apiKeyHash)) changes.apiKeyHash = hashApiKey(config.apiKey);
  } else if (!current.apiKeyHash) {
    generated.apiKey = randomBytes(24).toString('base64url');
    changes.apiKeyHash = hashApiKey(generated.apiKey);
  }

  if (Object.keys(changes).length > 0) {
    await settings.update((s) => {
      Object.assign(s, changes);
    });
  }
  return generated;
}
