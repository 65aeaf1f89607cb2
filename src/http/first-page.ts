/**
 * The first page of an open-link questionnaire is the same HTML for every visitor except for the
 * hidden `state` field, which carries the visitor's fresh random submission id (and, while demo data
 * is loaded, the demo banner, which is part of the key). Rendering it through EJS on every visit was
 * most of the page's cost, so the HTML of one real render is kept split around its state value, and
 * later visitors get that HTML with their own state value put back in the same place.
 *
 * A render is cached only when its state value occurs exactly once in the HTML; the state value is
 * base64url (letters, digits, - and _), which HTML escaping leaves unchanged, so joining the parts
 * with a new state value is byte for byte what a fresh render with that state would give.
 */
import type { TQuestionnaire } from '../survey/schema.ts';

export interface SplitPage {
  before: string;
  after: string;
  /** The same two parts as UTF-8 bytes (the fast lane writes bytes, not a string to encode per visit). */
  beforeBytes: Buffer;
  afterBytes: Buffer;
}

const STATE_CHARS = /^[A-Za-z0-9_-]+$/;

/** The page split around its only occurrence of `state`; undefined when there is not exactly one. */
export function splitAtState(html: string, state: string): SplitPage | undefined {
  if (!STATE_CHARS.test(state)) return undefined;
  const at = html.indexOf(state);
  if (at < 0 || html.indexOf(state, at + 1) >= 0) return undefined;
  const before = html.slice(0, at);
  const after = html.slice(at + state.length);
  return { before, after, beforeBytes: Buffer.from(before, 'utf8'), afterBytes: Buffer.from(after, 'utf8') };
}

export class FirstPageCache {
  /** Per questionnaire (the loaded definition object), per key: the split page, or null when it cannot be cached. */
  readonly #pages = new WeakMap<TQuestionnaire, Map<string, SplitPage | null>>();

  static key(base: string, demo: unknown): string {
    return `${base}\n${JSON.stringify(demo ?? null)}`;
  }

  /** undefined: not seen yet; null: seen, not cacheable; else the split page. */
  get(questionnaire: TQuestionnaire, key: string): SplitPage | null | undefined {
    return this.#pages.get(questionnaire)?.get(key);
  }

  /** Keeps a fresh render of the page (its HTML and the state value it carries). */
  learn(questionnaire: TQuestionnaire, key: string, html: string, state: string): void {
    let byKey = this.#pages.get(questionnaire);
    if (!byKey) {
      byKey = new Map();
      this.#pages.set(questionnaire, byKey);
    }
    // The demo banner is the only part of the key that changes at run time: a handful of entries at most.
    if (byKey.size > 16) byKey.clear();
    byKey.set(key, splitAtState(html, state) ?? null);
  }
}

/** The cached page with a visitor's own state value. */
export function joinPage(page: SplitPage, state: string): string {
  return page.before + state + page.after;
}

/** joinPage as UTF-8 bytes (the state value is ASCII, so its bytes are its characters). */
export function joinPageBytes(page: SplitPage, state: string): Buffer {
  const { beforeBytes, afterBytes } = page;
  const bytes = Buffer.allocUnsafe(beforeBytes.length + state.length + afterBytes.length);
  beforeBytes.copy(bytes, 0);
  bytes.write(state, beforeBytes.length, 'latin1');
  afterBytes.copy(bytes, beforeBytes.length + state.length);
  return bytes;
}
