/**
 * What every use case is given: the loaded definitions, the store (through its ports only) and
 * the clock. Built once by createApp (tests build their own).
 */
import type { Store } from '../storage/ports.ts';
import type { Definitions } from '../survey/load.ts';
import { danishDay } from '../time.ts';

export interface Context {
  readonly definitions: Definitions;
  readonly store: Store;
  /** Today's date in Denmark, YYYY-MM-DD. */
  readonly today: () => string;
  /** Drafts of invitation links are deleted after this many days without a change. */
  readonly draftDays: number;
  /**
   * Where respondents reach praksis (PRAKSIS_PUBLIC_URL, no trailing slash): every link, e-mail and CSV
   * is built under it, never under the Host header of a request.
   */
  readonly publicUrl: () => string;
}

export const DEFAULT_DRAFT_DAYS = 60;

export interface ContextOptions {
  today?: () => string;
  draftDays?: number;
  /** The public address, or a function giving it (the default port is known only once the server listens). */
  publicUrl?: string | (() => string);
}

export function createContext(definitions: Definitions, store: Store, options: ContextOptions = {}): Context {
  const url = options.publicUrl ?? 'http://localhost:3000';
  return {
    definitions,
    store,
    today: options.today ?? (() => danishDay()),
    draftDays: options.draftDays ?? DEFAULT_DRAFT_DAYS,
    publicUrl: typeof url === 'string' ? () => url : url,
  };
}
