/**
 * The store: the ONLY code that touches the data directory. Use cases are handed a `Store`
 * (./ports.ts) and never import an adapter. Today's adapter keeps a data directory of files
 * (./files/store.ts); the contract every adapter keeps is test/storage/contract.test.ts.
 */
import { openFileStore, type FileStoreOptions } from './files/store.ts';
import type { Store } from './ports.ts';

export type { FieldworkPort, IssuedLink, LinkUse, NewResponse, ResponsesPort, SettingsPort, Store, Stored } from './ports.ts';
export type { Settings } from './settings.ts';
export type { FileIO } from './files/io.ts';
export type StoreOptions = FileStoreOptions;

/** Opens (and on first use creates) the data directory `dataDir`; one process at a time. */
export function openStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
  return openFileStore(dataDir, options);
}
