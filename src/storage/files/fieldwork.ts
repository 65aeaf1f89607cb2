/**
 * Fieldwork in `fieldwork.json` (lowdb, written durably; see ./document.ts): invitations (token
 * hashes only), drafts and the per-questionnaire windows. Every change is on disk before it
 * resolves, and every change runs in one chain, so a check and the change it allows are atomic
 * within the process (the directory lock keeps other processes out).
 *
 * Invitations are kept sorted by study, questionnaire and municipality, never in the order they
 * were issued or used, so the file says nothing about when anyone answered. Readers get copies.
 */
import { ZDraft, ZFieldworkData, ZWindow, sameHash, type TDraft, type TFieldworkData, type TInvitation, type TPlace, type TWindow } from '../../fieldwork/index.ts';
import { checkDocument, type CreatedLinks, type FieldworkPort, type LinkUse, type NewLink } from '../ports.ts';
import { danishDay } from '../../time.ts';
import { JsonDocument } from './document.ts';
import { MaybeWritten } from '../shared.ts';
import { reason, type FileIO } from './io.ts';

const byPlace = (a: TInvitation, b: TInvitation) => a.study.localeCompare(b.study) || a.questionnaire.localeCompare(b.questionnaire) || a.municipality.localeCompare(b.municipality);
const samePlace = (a: TPlace, b: TPlace) => a.study === b.study && a.questionnaire === b.questionnaire && a.municipality === b.municipality;
const windowKey = (study: string, questionnaire: string) => `${study}/${questionnaire}`;

/** The live invitation with this token hash: every invitation is compared (in constant time), so the time says nothing about which. */
function findLive(invitations: readonly TInvitation[], tokenHash: string): TInvitation | undefined {
  let found: TInvitation | undefined;
  for (const i of invitations) if (sameHash(i.tokenHash, tokenHash) && !i.revoked) found = i;
  return found;
}

export class FileFieldwork implements FieldworkPort {
  readonly #doc: JsonDocument<TFieldworkData>;

  private constructor(doc: JsonDocument<TFieldworkData>) {
    this.#doc = doc;
  }

  static async open(file: string, io: FileIO): Promise<FileFieldwork> {
    return new FileFieldwork(await JsonDocument.open(file, ZFieldworkData, 'fieldwork data', io));
  }

  /** Changes a copy of the data (invitations sorted again) and commits it, in the chain. */
  #change<R>(mutate: (data: TFieldworkData) => R): Promise<R> {
    return this.#doc.change((data) => {
      const result = mutate(data);
      data.invitations.sort(byPlace);
      return result;
    });
  }

  async invitations(study: string, questionnaire?: string): Promise<TInvitation[]> {
    return structuredClone(this.#doc.data.invitations.filter((i) => i.study === study && (questionnaire === undefined || i.questionnaire === questionnaire)));
  }

  async findByTokenHash(tokenHash: string): Promise<TInvitation | undefined> {
    const found = findLive(this.#doc.data.invitations, tokenHash);
    return found && structuredClone(found);
  }

  create(study: string, questionnaire: string, links: readonly NewLink[], uses: number): Promise<CreatedLinks> {
    return this.#change((data) => {
      const day = danishDay();
      const result: CreatedLinks = { created: [], skipped: [] };
      for (const { municipality, tokenHash } of links) {
        const place = { study, questionnaire, municipality };
        if (data.invitations.some((i) => samePlace(i, place) && !i.revoked) || result.created.includes(municipality)) {
          result.skipped.push(municipality);
          continue;
        }
        data.invitations.push({ tokenHash, ...place, uses, used: 0, completions: {}, createdDay: day, reminders: 0, revoked: false, generation: 0 });
        result.created.push(municipality);
      }
      return result;
    });
  }

  replace(study: string, questionnaire: string, municipality: string, next: { tokenHash: string; generation: number }): Promise<TInvitation | undefined> {
    return this.#change((data) => {
      const live = data.invitations.find((i) => samePlace(i, { study, questionnaire, municipality }) && !i.revoked);
      if (!live) return undefined;
      for (const d of data.drafts) if (d.tokenHash === live.tokenHash) d.tokenHash = next.tokenHash;
      live.tokenHash = next.tokenHash;
      live.generation = next.generation;
      return structuredClone(live);
    });
  }

  async noteReminders(study: string, questionnaire: string, municipalities: readonly string[]): Promise<void> {
    await this.#change((data) => {
      for (const i of data.invitations) if (i.study === study && i.questionnaire === questionnaire && !i.revoked && municipalities.includes(i.municipality)) i.reminders += 1;
    });
  }

  async markOpened(tokenHash: string, day: string): Promise<void> {
    const live = findLive(this.#doc.data.invitations, tokenHash);
    if (!live || live.openedDay !== undefined) return;
    await this.#change((data) => {
      const target = data.invitations.find((i) => samePlace(i, live) && !i.revoked);
      if (target && target.openedDay === undefined) target.openedDay = day;
    });
  }

  async draftedLinks(study: string): Promise<string[]> {
    const mine = new Set(this.#doc.data.invitations.filter((i) => i.study === study).map((i) => i.tokenHash));
    return [...new Set(this.#doc.data.drafts.map((d) => d.tokenHash).filter((h) => mine.has(h)))];
  }

  async useLink<R extends { created: boolean }>(tokenHash: string, day: string, store: () => Promise<R>): Promise<LinkUse<R>> {
    // Check and record the use in one step of the chain, durably, before the response is stored.
    const taken = await this.#doc.serial(async (): Promise<LinkUse<never> | { outcome: 'taken'; invitation: TInvitation }> => {
      const live = findLive(this.#doc.data.invitations, tokenHash);
      if (!live) return { outcome: 'unknown' };
      if (live.used >= live.uses) return { outcome: 'used-up', invitation: structuredClone(live) };
      const data = structuredClone(this.#doc.data);
      const target = data.invitations.find((i) => samePlace(i, live))!;
      target.used += 1;
      target.completions[day] = (target.completions[day] ?? 0) + 1;
      await this.#doc.commit(data);
      return { outcome: 'taken', invitation: structuredClone(target) };
    });
    if (taken.outcome !== 'taken') return taken;
    let result: R;
    try {
      result = await store();
    } catch (error) {
      // A write whose outcome is unknown may have stored the response: the use stays recorded.
      if (!(error instanceof MaybeWritten)) await this.#giveBack(taken.invitation, day);
      throw error;
    }
    if (!result.created) return { outcome: 'stored', invitation: await this.#giveBack(taken.invitation, day), result };
    return { outcome: 'stored', invitation: taken.invitation, result };
  }

  /**
   * Gives a use back (its response was not stored), durably; returns the invitation as it is then.
   * The invitation is found by its place, as `replace` may have replaced its token meanwhile. If the
   * give-back cannot be written the use stays recorded: one use lost, never one granted.
   */
  async #giveBack(invitation: TInvitation, day: string): Promise<TInvitation> {
    try {
      return await this.#change((data) => {
        const target = data.invitations.find((i) => samePlace(i, invitation) && !i.revoked);
        if (!target) return invitation;
        target.used = Math.max(0, target.used - 1);
        const left = (target.completions[day] ?? 0) - 1;
        if (left > 0) target.completions[day] = left;
        else delete target.completions[day];
        return structuredClone(target);
      });
    } catch (error) {
      console.warn(`praksis: could not give back an unused link use in ${this.#doc.file} (${reason(error)}); the link has one use less`);
      return invitation;
    }
  }

  async draft(tokenHash: string, resumeHash: string): Promise<TDraft | undefined> {
    const found = this.#doc.data.drafts.find((d) => d.tokenHash === tokenHash && sameHash(d.resumeHash, resumeHash));
    return found && structuredClone(found);
  }

  async saveDraft(draft: TDraft, maxPerLink: number): Promise<boolean> {
    const next = ZDraft.parse(draft);
    return this.#doc.serial(async () => {
      const data = structuredClone(this.#doc.data);
      const at = data.drafts.findIndex((d) => d.tokenHash === next.tokenHash && d.resumeHash === next.resumeHash);
      if (at >= 0) data.drafts[at] = next;
      else if (data.drafts.filter((d) => d.tokenHash === next.tokenHash).length >= maxPerLink) return false;
      else data.drafts.push(next);
      await this.#doc.commit(data);
      return true;
    });
  }

  async deleteDraft(tokenHash: string, resumeHash: string): Promise<void> {
    await this.#doc.serial(async () => {
      const kept = this.#doc.data.drafts.filter((d) => !(d.tokenHash === tokenHash && d.resumeHash === resumeHash));
      if (kept.length < this.#doc.data.drafts.length) await this.#doc.commit({ ...structuredClone(this.#doc.data), drafts: kept });
    });
  }

  expireDrafts(before: string, closed: readonly { study: string; questionnaire: string }[]): Promise<number> {
    const closedKeys = new Set(closed.map((c) => windowKey(c.study, c.questionnaire)));
    return this.#doc.serial(async () => {
      const data = this.#doc.data;
      const closedLinks = new Set(data.invitations.filter((i) => closedKeys.has(windowKey(i.study, i.questionnaire))).map((i) => i.tokenHash));
      const kept = data.drafts.filter((d) => d.updatedDay >= before && !closedLinks.has(d.tokenHash));
      const deleted = data.drafts.length - kept.length;
      if (deleted > 0) await this.#doc.commit({ ...structuredClone(data), drafts: structuredClone(kept) });
      return deleted;
    });
  }

  /** The whole document (a copy), for `praksis copy`. */
  async data(): Promise<TFieldworkData> {
    return structuredClone(this.#doc.data);
  }

  /** Replaces an EMPTY document with `data` (validated), for `praksis copy`. */
  async load(data: TFieldworkData): Promise<void> {
    const parsed = checkDocument(ZFieldworkData, data, 'fieldwork data');
    return this.#doc.serial(async () => {
      const { invitations, drafts, windows } = this.#doc.data;
      if (invitations.length > 0 || drafts.length > 0 || Object.keys(windows).length > 0) throw new Error(`${this.#doc.file} already holds fieldwork data; it is not overwritten`);
      await this.#doc.commit({ ...parsed, invitations: [...parsed.invitations].sort(byPlace) });
    });
  }

  async window(study: string, questionnaire: string): Promise<TWindow | undefined> {
    const found = this.#doc.data.windows[windowKey(study, questionnaire)];
    return found && structuredClone(found);
  }

  async setWindow(study: string, questionnaire: string, window: TWindow): Promise<void> {
    const next = ZWindow.parse(window);
    await this.#change((data) => {
      data.windows[windowKey(study, questionnaire)] = next;
    });
  }

  close(): Promise<void> {
    return this.#doc.close();
  }
}
