/**
 * Accounts in PostgreSQL (migration 005_accounts.sql): users, key hashes, session hashes, failed
 * sign-in attempts and the append-only activity log. Every instance on the database sees the
 * same sessions, counters and revocations at once: nothing is cached in the process.
 */
import type pg from 'pg';
import { ZActivity, ZApiKey, ZSession, ZUser, type TActivity, type TApiKey, type TSession, type TUser } from '../accounts.ts';
import type { UsersPort } from '../ports.ts';
import { transaction } from './transaction.ts';

export interface UserRow {
  id: string;
  login: string;
  name: string;
  role: string;
  studies: string[];
  password_hash: string;
  created_day: string;
}
export interface KeyRow {
  id: string;
  user_id: string;
  name: string;
  hash: string;
  created_day: string;
  last_used_day: string | null;
}

const userColumns = (t = '') => `${t}id, ${t}login, ${t}name, ${t}role, ${t}studies, ${t}password_hash, to_char(${t}created_day, 'YYYY-MM-DD') AS created_day`;
export const USER = userColumns();
export const KEY = `id, user_id, name, hash, to_char(created_day, 'YYYY-MM-DD') AS created_day, to_char(last_used_day, 'YYYY-MM-DD') AS last_used_day`;

export const userOf = (r: UserRow): TUser => ZUser.parse({ id: r.id, login: r.login, name: r.name, role: r.role, studies: r.studies, passwordHash: r.password_hash, createdDay: r.created_day });
export const keyOf = (r: KeyRow): TApiKey => ZApiKey.parse({ id: r.id, userId: r.user_id, name: r.name, hash: r.hash, createdDay: r.created_day, lastUsedDay: r.last_used_day });

export class PostgresUsers implements UsersPort {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async list(): Promise<TUser[]> {
    const { rows } = await this.#pool.query<UserRow>(`SELECT ${USER} FROM users ORDER BY login`);
    return rows.map(userOf);
  }

  async get(id: string): Promise<TUser | undefined> {
    const { rows } = await this.#pool.query<UserRow>(`SELECT ${USER} FROM users WHERE id = $1`, [id]);
    return rows[0] && userOf(rows[0]);
  }

  async findByLogin(login: string): Promise<TUser | undefined> {
    const { rows } = await this.#pool.query<UserRow>(`SELECT ${USER} FROM users WHERE login = $1`, [login.toLowerCase()]);
    return rows[0] && userOf(rows[0]);
  }

  async add(user: TUser): Promise<boolean> {
    const u = ZUser.parse(user);
    const { rowCount } = await this.#pool.query(
      'INSERT INTO users (id, login, name, role, studies, password_hash, created_day) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
      [u.id, u.login, u.name, u.role, u.studies, u.passwordHash, u.createdDay],
    );
    return rowCount === 1;
  }

  update(id: string, change: Partial<Pick<TUser, 'name' | 'role' | 'studies' | 'passwordHash'>>): Promise<TUser | undefined> {
    return transaction(this.#pool, async (client) => {
      const { rows } = await client.query<UserRow>(`SELECT ${USER} FROM users WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) return undefined;
      const next = ZUser.parse({ ...userOf(rows[0]), ...change });
      await client.query('UPDATE users SET name = $2, role = $3, studies = $4, password_hash = $5 WHERE id = $1', [id, next.name, next.role, next.studies, next.passwordHash]);
      return next;
    });
  }

  remove(id: string): Promise<boolean> {
    // Keys and sessions go with the user, in one transaction: no instance sees a key without its user's removal.
    return transaction(this.#pool, async (client) => {
      const { rowCount } = await client.query('DELETE FROM users WHERE id = $1', [id]);
      await client.query('DELETE FROM api_keys WHERE user_id = $1', [id]);
      await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
      return rowCount === 1;
    });
  }

  async addKey(key: TApiKey): Promise<void> {
    const k = ZApiKey.parse(key);
    await this.#pool.query('INSERT INTO api_keys (id, user_id, name, hash, created_day, last_used_day) SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM users WHERE id = $2)', [k.id, k.userId, k.name, k.hash, k.createdDay, k.lastUsedDay]);
  }

  async keys(userId: string): Promise<TApiKey[]> {
    const { rows } = await this.#pool.query<KeyRow>(`SELECT ${KEY} FROM api_keys WHERE user_id = $1 ORDER BY created_day, id`, [userId]);
    return rows.map(keyOf);
  }

  async useKey(hash: string, day: string): Promise<{ key: TApiKey; user: TUser } | undefined> {
    const { rows } = await this.#pool.query<KeyRow>(
      `UPDATE api_keys SET last_used_day = $2 WHERE hash = $1 AND last_used_day IS DISTINCT FROM $2::date RETURNING ${KEY}`,
      [hash, day],
    );
    const found = rows[0] ?? (await this.#pool.query<KeyRow>(`SELECT ${KEY} FROM api_keys WHERE hash = $1`, [hash])).rows[0];
    if (!found) return undefined;
    const user = await this.get(found.user_id);
    return user && { key: keyOf(found), user };
  }

  async revokeKey(userId: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM api_keys WHERE user_id = $1 AND id = $2', [userId, keyId]);
    return rowCount === 1;
  }

  async addSession(session: TSession): Promise<void> {
    const s = ZSession.parse(session);
    await this.#pool.query('DELETE FROM sessions WHERE expires <= $1', [Date.now()]);
    await this.#pool.query('INSERT INTO sessions (hash, user_id, expires) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $2)', [s.hash, s.userId, s.expires]);
  }

  async session(hash: string, now: number): Promise<{ session: TSession; user: TUser } | undefined> {
    const { rows } = await this.#pool.query<UserRow & { expires: string }>(
      `SELECT s.expires, ${userColumns('u.')} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1 AND s.expires > $2`,
      [hash, now],
    );
    if (!rows[0]) return undefined;
    const user = userOf(rows[0]);
    return { session: { hash, userId: user.id, expires: Number(rows[0].expires) }, user };
  }

  async endSession(hash: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE hash = $1', [hash]);
  }

  async endSessions(userId: string, except?: string): Promise<number> {
    const { rowCount } = await this.#pool.query('DELETE FROM sessions WHERE user_id = $1 AND hash IS DISTINCT FROM $2', [userId, except ?? null]);
    return rowCount ?? 0;
  }

  countAttempts(keys: readonly string[], now: number, windowMs: number): Promise<number[]> {
    // Under a per-key advisory lock (taken in sorted order: no deadlock), so concurrent attempts on
    // any instance count one after another: of N at once, each sees a different count, 1..N.
    return transaction(this.#pool, async (client) => {
      for (const key of [...new Set(keys)].sort()) await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 18))', [key]);
      await client.query('DELETE FROM login_attempts WHERE at <= $1', [now - windowMs]);
      await client.query('INSERT INTO login_attempts (key, at) SELECT unnest($1::text[]), $2', [keys, now]);
      const { rows } = await client.query<{ key: string; n: string }>('SELECT key, count(*) AS n FROM login_attempts WHERE key = ANY($1) AND at > $2 GROUP BY key', [keys, now - windowMs]);
      const counts = new Map(rows.map((r) => [r.key, Number(r.n)]));
      return keys.map((k) => counts.get(k) ?? 1);
    });
  }

  async clearAttempts(keys: readonly string[]): Promise<void> {
    await this.#pool.query('DELETE FROM login_attempts WHERE key = ANY($1)', [keys]);
  }

  async log(entry: TActivity): Promise<void> {
    const e = ZActivity.parse(entry);
    await transaction(this.#pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('praksis activity', 18))");
      await client.query('INSERT INTO activity (seq, at, who, action, study, detail) SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4, $5 FROM activity', [e.at, e.who, e.action, e.study, e.detail]);
    });
  }

  async activity(): Promise<TActivity[]> {
    const { rows } = await this.#pool.query<TActivity>('SELECT at, who, action, study, detail FROM activity ORDER BY seq');
    return rows.map((r) => ZActivity.parse(r));
  }
}
