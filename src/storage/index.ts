/**
 * The store: the ONLY code that touches the data directory or the database. Use cases are handed a
 * `Store` (./ports.ts) and never import an adapter. Two adapters: a data directory of files
 * (./files/store.ts, the default) and PostgreSQL (./postgres/store.ts, chosen by
 * PRAKSIS_DATABASE_URL). The contract every adapter keeps is test/storage/contract.test.ts.
 */
import { openFileStore, type FileStoreOptions } from './files/store.ts';
import { openPostgresStore, type PostgresStoreOptions } from './postgres/store.ts';
export { migrateDatabase } from './postgres/store.ts';
export { isPostgresUrl, redactUrl } from './postgres/url.ts';
import type { Store } from './ports.ts';

export type { AuditChange, AuditPort, ContactsAdded, CreatedLinks, FieldworkPort, MailPort, IssuedLink, LinkUse, NewLink, NewResponse, ResponsesPort, SettingsPort, Store, Stored, TransferPort, UsersPort } from './ports.ts';
export type { Settings } from './settings.ts';
export type { FileIO } from './files/io.ts';
export type { PostgresStoreOptions } from './postgres/store.ts';
export type StoreOptions = FileStoreOptions;

/** Where the data is: a data directory (files) or a PostgreSQL database. */
export type StoreLocation = { dataDir: string; options?: FileStoreOptions } | { databaseUrl: string; options?: PostgresStoreOptions };

/**
 * Opens the store. A string (or `{ dataDir }`) opens (and on first use creates) that data
 * directory, one process at a time; `{ databaseUrl }` connects to PostgreSQL and migrates its schema.
 */
export function openStore(where: string | StoreLocation, options: StoreOptions = {}): Promise<Store> {
  if (typeof where === 'string') return openFileStore(where, options);
  if ('databaseUrl' in where) return openPostgresStore(where.databaseUrl, where.options);
  return openFileStore(where.dataDir, where.options ?? options);
}
