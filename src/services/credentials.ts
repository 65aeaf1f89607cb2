/**
 * Secrets and their hashes: passwords as scrypt (`scrypt$N$r$p$salt$hash`), API keys and session ids
 * as SHA-256 (compared in constant time), the session secret in the store's settings.
 *
 * `ensureCredentials` runs at every start, before the app is built: it makes the session secret,
 * stores the hash of the old shared key PRAKSIS_API_KEY (it keeps working as an admin key) and
 * makes sure the first admin exists when PRAKSIS_ADMIN_PASSWORD says who it is. A password is
 * generated only by `createFirstAdmin`, which src/server.ts calls once the server listens: a
 * start that fails before leaves no account whose password nobody has seen.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { Config } from '../config.ts';
import type { TUser } from '../storage/accounts.ts';
import type { Store } from '../storage/ports.ts';
import { danishDay } from '../time.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;
/** The login of the first admin (made at the first start). */
export const FIRST_ADMIN = 'admin';

function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
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

/** A hash of a password nobody knows: checking against it costs as much as against a real one. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(16).toString('hex')));
}

/** SHA-256 hex of a secret (API keys, session ids, counter keys). */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function sameHash(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const newSecret = (bytes: number): string => randomBytes(bytes).toString('base64url');
export const newId = (): string => randomBytes(12).toString('base64url');
/** A generated password: 16 characters from 96 random bits. */
export const newPassword = (): string => newSecret(12);

export function verifyApiKey(key: string, storedHash: string | undefined): boolean {
  return sameHash(sha256(key), storedHash);
}

export interface EnsuredCredentials {
  /** No user exists: src/server.ts creates the first admin (createFirstAdmin) once it listens. */
  firstAdminPending: boolean;
}

/**
 * The session secret, the old shared key's hash, and the first admin when PRAKSIS_ADMIN_PASSWORD
 * is set (its password is set again when the variable changed, ending its sessions). An install
 * from before accounts keeps its evaluator password as the first admin's.
 */
export async function ensureCredentials(store: Store, config: Pick<Config, 'adminPassword' | 'apiKey'>): Promise<EnsuredCredentials> {
  const current = await store.settings.read();
  const changes: { sessionSecret?: string; apiKeyHash?: string } = {};
  if (!current.sessionSecret) changes.sessionSecret = newSecret(32);
  if (config.apiKey !== undefined && !verifyApiKey(config.apiKey, current.apiKeyHash)) changes.apiKeyHash = sha256(config.apiKey);
  // `??=`: an instance starting at the same moment on the same database may have made the secret first.
  if (Object.keys(changes).length > 0) {
    await store.settings.update((s) => {
      if (changes.sessionSecret) s.sessionSecret ??= changes.sessionSecret;
      if (changes.apiKeyHash) s.apiKeyHash = changes.apiKeyHash;
    });
  }

  if (config.adminPassword !== undefined) {
    // Several instances may start at once on one database: the one that adds the admin wins; the
    // others find it and only check its password.
    const hash = await hashPassword(config.adminPassword);
    const admin = (await store.users.findByLogin(FIRST_ADMIN)) ?? ((await addFirstAdmin(store, hash)) ? undefined : await store.users.findByLogin(FIRST_ADMIN));
    if (admin && !(await verifyPassword(config.adminPassword, admin.passwordHash))) {
      await store.users.update(admin.id, { passwordHash: await hashPassword(config.adminPassword) });
      await store.users.endSessions(admin.id);
    }
    return { firstAdminPending: false };
  }
  if ((await store.users.list()).length > 0) return { firstAdminPending: false };
  if (current.adminPasswordHash) {
    await addFirstAdmin(store, current.adminPasswordHash);
    return { firstAdminPending: false };
  }
  return { firstAdminPending: true };
}

/** Adds the first admin; undefined when one exists already (another instance added it at the same moment). */
async function addFirstAdmin(store: Store, passwordHash: string): Promise<TUser | undefined> {
  const user: TUser = { id: newId(), name: 'Administrator', login: FIRST_ADMIN, role: 'admin', studies: [], passwordHash, createdDay: danishDay() };
  return (await store.users.add(user)) ? user : undefined;
}

/**
 * Creates the first admin with a generated password and a personal API key, and returns both (print
 * them once). src/server.ts calls it only once the server listens.
 */
export async function createFirstAdmin(store: Store): Promise<{ password: string; apiKey: string } | undefined> {
  const password = newPassword();
  const user = await addFirstAdmin(store, await hashPassword(password));
  // Another instance on the same database created it at the same moment, and printed its password.
  if (!user) return undefined;
  const apiKey = `pk_${newSecret(24)}`;
  await store.users.addKey({ id: newId(), userId: user.id, name: 'Første nøgle (første start)', hash: sha256(apiKey), createdDay: danishDay(), lastUsedDay: null });
  return { password, apiKey };
}
