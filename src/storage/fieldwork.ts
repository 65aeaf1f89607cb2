/**
 * The fieldwork store (`fieldwork.json`, lowdb with durable temp+fsync+rename writes):
 * invitations (token hashes only), drafts, and the per-questionnaire window. Every change is on
 * disk before the call resolves. Invitations are kept sorted by study, questionnaire and
 * municipality, never in the order they were used.
 */
import { Low } from 'lowdb';
import { ZFieldworkData, hashSecret, newToken, sameHash, type TDraft, type TFieldworkData, type TInvitation, type TWindow } from '../fieldwork/index.ts';
import { DurableJSONFile } from './files.ts';
import { danishDay } from '../time.ts';

function sortInvitations(list: TInvitation[]): void {
  list.sort((a, b) => a.study.localeCompare(b.study) || a.questionnaire.localeCompare(b.questionnaire) || a.municipality.localeCompare(b.municipality));
}

export interface IssuedLink {
  municipality: string;
  token: string;
}

export class FieldworkStore {
  readonly #db: Low<TFieldworkData>;
  #chain: Promise<unknown> = Promise.resolve();
  /** Uses reserved by submissions in progress, per token hash (memory only). */
  readonly #reserved = new Map<string, number>();

  private constructor(db: Low<TFieldworkData>) {
    this.#db = db;
  }

  static async open(file: string): Promise<FieldworkStore> {
    const db = new Low<TFieldworkData>(new DurableJSONFile<TFieldworkData>(file), { invitations: [], drafts: [], windows: {} });
    await db.read();
    const parsed = ZFieldworkData.safeParse(db.data);
    if (!parsed.success) throw new Error(`${file} does not hold valid fieldwork data: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    db.data = parsed.data;
    return new FieldworkStore(db);
  }

  /** Serialises changes: mutate a copy, write it durably, then make it current. */
  #change<T>(mutate: (data: TFieldworkData) => T): Promise<T> {
    const run = this.#chain.then(async () => {
      const draft = structuredClone(this.#db.data);
      const result = mutate(draft);
      sortInvitations(draft.invitations);
      await this.#db.adapter.write(draft);
      this.#db.data = draft;
      return result;
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  get data(): Readonly<TFieldworkData> {
    return this.#db.data;
  }

  invitations(study: string, questionnaire?: string): TInvitation[] {
    return this.#db.data.invitations.filter((i) => i.study === study && (questionnaire === undefined || i.questionnaire === questionnaire));
  }

  /** The live invitation of a token (constant-time hash comparison), or undefined. */
  findByToken(token: string): TInvitation | undefined {
    const hash = hashSecret(token);
    let found: TInvitation | undefined;
    for (const i of this.#db.data.invitations) if (sameHash(i.tokenHash, hash) && !i.revoked) found = i;
    return found;
  }

  /** Uses left, counting submissions in progress. */
  usesLeft(invitation: TInvitation): number {
    return invitation.uses - invitation.used - (this.#reserved.get(invitation.tokenHash) ?? 0);
  }

  /**
   * New links for these municipalities; an existing link of the same municipality and
   * questionnaire is replaced (its token stops working; uses already made are kept).
   * `reminder` counts a reminder round. Returns the plain tokens: shown once, never stored.
   */
  issue(study: string, questionnaire: string, municipalities: readonly string[], uses: number, options: { reminder?: boolean } = {}): Promise<IssuedLink[]> {
    return this.#change((data) => {
      const day = danishDay();
      return municipalities.map((municipality) => {
        const token = newToken();
        const existing = data.invitations.find((i) => i.study === study && i.questionnaire === questionnaire && i.municipality === municipality && !i.revoked);
        if (existing) {
          existing.tokenHash = hashSecret(token);
          if (!options.reminder) existing.uses = Math.max(uses, existing.used);
          if (options.reminder) existing.reminders += 1;
        } else {
          data.invitations.push({ tokenHash: hashSecret(token), study, questionnaire, municipality, uses, used: 0, completions: {}, createdDay: day, reminders: options.reminder ? 1 : 0, revoked: false });
        }
        return { municipality, token };
      });
    });
  }

  /** Reserves one use for a submission in progress; false when the link is used up. */
  reserve(invitation: TInvitation): boolean {
    if (this.usesLeft(invitation) <= 0) return false;
    this.#reserved.set(invitation.tokenHash, (this.#reserved.get(invitation.tokenHash) ?? 0) + 1);
    return true;
  }

  release(invitation: TInvitation): void {
    const n = (this.#reserved.get(invitation.tokenHash) ?? 0) - 1;
    if (n > 0) this.#reserved.set(invitation.tokenHash, n);
    else this.#reserved.delete(invitation.tokenHash);
  }

  /** Turns a reservation into a recorded use with today's date (no time, no response id). */
  complete(invitation: TInvitation): Promise<void> {
    return this.#change((data) => {
      const target = data.invitations.find((i) => i.tokenHash === invitation.tokenHash);
      this.release(invitation);
      if (!target) return;
      target.used += 1;
      const day = danishDay();
      target.completions[day] = (target.completions[day] ?? 0) + 1;
    });
  }

  draft(tokenHash: string, resumeCode: string): TDraft | undefined {
    const resumeHash = hashSecret(resumeCode);
    return this.#db.data.drafts.find((d) => d.tokenHash === tokenHash && sameHash(d.resumeHash, resumeHash));
  }

  saveDraft(tokenHash: string, resumeCode: string, state: string, page: number): Promise<void> {
    const resumeHash = hashSecret(resumeCode);
    return this.#change((data) => {
      const existing = data.drafts.find((d) => d.tokenHash === tokenHash && d.resumeHash === resumeHash);
      if (existing) Object.assign(existing, { state, page, updatedDay: danishDay() });
      else data.drafts.push({ tokenHash, resumeHash, state, page, updatedDay: danishDay() });
    });
  }

  deleteDraft(tokenHash: string, resumeCode: string): Promise<void> {
    const resumeHash = hashSecret(resumeCode);
    return this.#change((data) => {
      data.drafts = data.drafts.filter((d) => !(d.tokenHash === tokenHash && d.resumeHash === resumeHash));
    });
  }

  window(study: string, questionnaire: string): TWindow | undefined {
    return this.#db.data.windows[`${study}/${questionnaire}`];
  }

  setWindow(study: string, questionnaire: string, window: TWindow): Promise<void> {
    return this.#change((data) => {
      data.windows[`${study}/${questionnaire}`] = window;
    });
  }

  async close(): Promise<void> {
    await this.#chain;
  }
}
