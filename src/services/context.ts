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
}

export const DEFAULT_DRAFT_DAYS = 60;

export function createContext(definitions: Definitions, store: Store, options: { today?: () => string; draftDays?: number } = {}): Context {
  return { definitions, store, today: options.today ?? (() => danishDay()), draftDays: options.draftDays ?? DEFAULT_DRAFT_DAYS };
}
