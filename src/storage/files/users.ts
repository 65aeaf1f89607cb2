/**
 * Accounts in `accounts.json` (lowdb, written durably; see ./document.ts): users, key hashes,
 * session hashes and failed sign-in counters; the activity log is `activity.jsonl` (./activity.ts,
 * append-only). Every change runs in the
 * document's one chain and is on disk before it resolves, so a count and the check it allows are
 * atomic (the directory lock keeps other processes out). Readers get copies.
 */
import { z } from 'zod';
import { ZApiKey, ZSession, ZUser, type TActivity, type TApiKey, type TSession, type TUser } from '../accounts.ts';
import { FileActivity } from './activity.ts';
import { checkDocument, ZAccountsDocument, type TAccountsDocument, type UsersPort } from '../ports.ts';
import { JsonDocument } from './document.ts';
import type { FileIO } from './io.ts';

const ZAccountsData = z.object({
  users: z.array(ZUser).default([]),
  keys: z.array(ZApiKey).default([]),
  sessions: z.array(ZSession).default([]),
  /** key hash -> epoch ms of the attempts in the window. */
  attempts: z.record(z.string(), z.array(z.number())).default({}),
});
type TAccountsData = z.infer<typeof ZAccountsData>;

const byLogin = (a: TUser, b: TUser) => a.login.localeCompare(b.login);

export class FileUsers implements UsersPort {
  readonly #doc: JsonDocument<TAccountsData>;
  readonly #activity: FileActivity;

  private constructor(doc: JsonDocument<TAccountsData>, activity: FileActivity) {
    this.#doc = doc;
    this.#activity = activity;
  }

  static async open(file: string, activityFile: string, io: FileIO): Promise<FileUsers> {
    const doc = await JsonDocument.open(file, ZAccountsData as z.ZodType<TAccountsData>, 'accounts', io);
    try {
      return new FileUsers(doc, await FileActivity.open(activityFile, io));
    } catch (error) {
      await doc.close();
      throw error;
    }
  }

  get #data(): TAccountsData {
    return this.#doc.data;
  }

  async list(): Promise<TUser[]> {
    return structuredClone([...this.#data.users].sort(byLogin));
  }

  async get(id: string): Promise<TUser | undefined> {
    const user = this.#data.users.find((u) => u.id === id);
    return user && structuredClone(user);
  }

  async findByLogin(login: string): Promise<TUser | undefined> {
    const user = this.#data.users.find((u) => u.login === login.toLowerCase());
    return user && structuredClone(user);
  }

  add(user: TUser): Promise<boolean> {
    return this.#doc.serial(async () => {
      if (this.#data.users.some((u) => u.login === user.login || u.id === user.id)) return false;
      await this.#doc.commit({ ...this.#data, users: [...this.#data.users, user].sort(byLogin) });
      return true;
    });
  }

  update(id: string, change: Partial<Pick<TUser, 'name' | 'role' | 'studies' | 'passwordHash'>>): Promise<TUser | undefined> {
    return this.#doc.change((data) => {
      const user = data.users.find((u) => u.id === id);
      if (!user) return undefined;
      Object.assign(user, change);
      return structuredClone(user);
    });
  }

  remove(id: string): Promise<boolean> {
    return this.#doc.serial(async () => {
      if (!this.#data.users.some((u) => u.id === id)) return false;
      const d = this.#data;
      await this.#doc.commit({ ...d, users: d.users.filter((u) => u.id !== id), keys: d.keys.filter((k) => k.userId !== id), sessions: d.sessions.filter((s) => s.userId !== id) });
      return true;
    });
  }

  addKey(key: TApiKey): Promise<void> {
    return this.#doc.change((data) => void data.keys.push(key));
  }

  async keys(userId: string): Promise<TApiKey[]> {
    return structuredClone(this.#data.keys.filter((k) => k.userId === userId));
  }

  useKey(hash: string, day: string): Promise<{ key: TApiKey; user: TUser } | undefined> {
    return this.#doc.serial(async () => {
      const key = this.#data.keys.find((k) => k.hash === hash);
      const user = key && this.#data.users.find((u) => u.id === key.userId);
      if (!key || !user) return undefined;
      if (key.lastUsedDay !== day) await this.#doc.commit({ ...this.#data, keys: this.#data.keys.map((k) => (k.hash === hash ? { ...k, lastUsedDay: day } : k)) });
      return structuredClone({ key: { ...key, lastUsedDay: day }, user });
    });
  }

  revokeKey(userId: string, keyId: string): Promise<boolean> {
    return this.#doc.serial(async () => {
      const keys = this.#data.keys.filter((k) => !(k.userId === userId && k.id === keyId));
      if (keys.length === this.#data.keys.length) return false;
      await this.#doc.commit({ ...this.#data, keys });
      return true;
    });
  }

  addSession(session: TSession): Promise<void> {
    return this.#doc.change((data) => {
      data.sessions = data.sessions.filter((s) => s.expires > Date.now());
      data.sessions.push(session);
    });
  }

  async session(hash: string, now: number): Promise<{ session: TSession; user: TUser } | undefined> {
    const session = this.#data.sessions.find((s) => s.hash === hash && s.expires > now);
    const user = session && this.#data.users.find((u) => u.id === session.userId);
    return session && user ? structuredClone({ session, user }) : undefined;
  }

  endSession(hash: string): Promise<void> {
    return this.#doc.change((data) => void (data.sessions = data.sessions.filter((s) => s.hash !== hash)));
  }

  endSessions(userId: string, except?: string): Promise<number> {
    return this.#doc.change((data) => {
      const before = data.sessions.length;
      data.sessions = data.sessions.filter((s) => s.userId !== userId || s.hash === except);
      return before - data.sessions.length;
    });
  }

  countAttempts(keys: readonly string[], now: number, windowMs: number): Promise<number[]> {
    return this.#doc.change((data) => {
      for (const [key, list] of Object.entries(data.attempts)) {
        const recent = list.filter((t) => now - t < windowMs);
        if (recent.length === 0) delete data.attempts[key];
        else data.attempts[key] = recent;
      }
      return keys.map((key) => (data.attempts[key] = [...(data.attempts[key] ?? []), now]).length);
    });
  }

  clearAttempts(keys: readonly string[]): Promise<void> {
    return this.#doc.change((data) => {
      for (const key of keys) delete data.attempts[key];
    });
  }

  log(entry: TActivity): Promise<void> {
    return this.#activity.log(entry);
  }

  async activity(): Promise<TActivity[]> {
    return this.#activity.entries();
  }

  /** Users and keys, for `praksis copy` (sessions and sign-in counters stay behind). */
  async transferData(): Promise<TAccountsDocument> {
    return structuredClone({ users: [...this.#data.users].sort(byLogin), keys: this.#data.keys });
  }

  /** Stores users and keys in one durable write, into accounts without a user, key or session only. */
  async load(data: TAccountsDocument): Promise<void> {
    const parsed = checkDocument(ZAccountsDocument, data, 'accounts');
    return this.#doc.serial(async () => {
      const { users, keys, sessions } = this.#data;
      if (users.length > 0 || keys.length > 0 || sessions.length > 0) throw new Error(`${this.#doc.file} already holds accounts; they are not overwritten`);
      await this.#doc.commit({ ...this.#data, users: [...parsed.users].sort(byLogin), keys: parsed.keys });
    });
  }

  /** The activity log's entries are appended in one durable write, into an empty log only. */
  loadActivity(entries: readonly TActivity[]): Promise<void> {
    return this.#activity.loadAll(entries);
  }

  async close(): Promise<void> {
    await this.#doc.close();
    await this.#activity.close();
  }
}
