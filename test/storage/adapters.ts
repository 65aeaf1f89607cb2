/**
 * The storage adapters the contract suite (contract.test.ts) runs against, and the one way the
 * storage tests get a place of their own: a temporary directory (files) or a database (postgres).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { hashSecret, newToken } from '../../src/fieldwork/index.ts';
import { openStore, type Store, type StoreOptions } from '../../src/storage/index.ts';
import { createDatabase } from './postgres-helpers.ts';

export interface Place {
  /** Opens the store of this place; after `close` it may be opened again, with the same data. */
  open(): Promise<Store>;
  /** Deletes the place and everything in it. */
  remove(): Promise<void>;
}

export interface Adapter {
  name: string;
  /** A new, empty place. */
  place(): Promise<Place>;
}

/** A new temporary directory (the caller removes it). */
export function tempDir(prefix = 'praksis-storage-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * For the file adapter's own tests: a new data directory for every test, removed after it, and
 * every store opened on it closed (closing twice is harmless).
 */
export function dataDirPerTest() {
  let dir = '';
  const opened: Store[] = [];
  beforeEach(async () => {
    dir = await tempDir('praksis-files-');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    file: (name: string) => join(dir, name),
    async open(options?: StoreOptions): Promise<Store> {
      const store = await openStore(dir, options);
      opened.push(store);
      return store;
    },
  };
}

export const adapters: Adapter[] = [
  {
    name: 'files',
    async place() {
      const dir = await tempDir('praksis-contract-');
      return { open: () => openStore(dir), remove: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    // A database of its own on the test run's PostgreSQL (test/global-setup-postgres.ts).
    name: 'postgres',
    async place() {
      const database = await createDatabase();
      return { open: () => openStore({ databaseUrl: database.url }), remove: () => database.drop() };
    },
  },
];

/** A response as a use case hands it to the store. */
export function newResponse(overrides: Partial<{ study: string; questionnaire: string; municipality: string; answers: Record<string, string | number | string[]> }> = {}) {
  return {
    study: overrides.study ?? 'integration',
    questionnaire: overrides.questionnaire ?? 'ledere',
    version: 1,
    municipality: overrides.municipality ?? '851',
    answers: overrides.answers ?? { frist: 'altid', grunde: ['tolk', 'andet'], antal: 3, tekst: 'æøå "x"\n' },
  };
}

/** New links with fresh random tokens for the municipalities without one (FieldworkPort.create); returns the created ones with their tokens. */
export async function issueLinks(store: Store, study: string, questionnaire: string, municipalities: readonly string[], uses: number): Promise<{ municipality: string; token: string }[]> {
  const links = municipalities.map((municipality) => ({ municipality, token: newToken() }));
  const { created } = await store.fieldwork.create(study, questionnaire, links.map((l) => ({ municipality: l.municipality, tokenHash: hashSecret(l.token) })), uses);
  return links.filter((l) => created.includes(l.municipality));
}

/**
 * A fresh place of `adapter` for every test of the calling `describe`, and the stores opened on it
 * (closed, and the place removed, after each test). `open()` opens a store there; `reopen(store)`
 * closes it and opens another on the same data.
 */
export function storesPerTest(adapter: Adapter) {
  let place: Place;
  let opened: Store[] = [];
  beforeEach(async () => {
    place = await adapter.place();
  });
  afterEach(async () => {
    for (const store of opened) await store.close();
    opened = [];
    await place.remove();
  });
  const open = async (): Promise<Store> => {
    const store = await place.open();
    opened.push(store);
    return store;
  };
  const reopen = async (store: Store): Promise<Store> => {
    await store.close();
    return open();
  };
  return { open, reopen };
}
