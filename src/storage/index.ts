/**
 * The store: the ONLY code that touches the data directory.
 *
 *   <dataDir>/responses.jsonl   anonymous responses, append-only, fsync'ed (./responses.ts)
 *   <dataDir>/responses.snapshot  a cache of the response table for fast starts (./snapshot.ts)
 *   <dataDir>/settings.json     evaluator settings (lowdb, durable temp+rename) (./settings.ts)
 *   <dataDir>/fieldwork.json    invitations (token hashes), drafts, fieldwork windows (lowdb, durable) (./fieldwork.ts)
 *   <dataDir>/praksis.lock      one server per directory (./lock.ts)
 *
 * `openStore` creates the directory on first use.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldworkStore } from './fieldwork.ts';
import { lockDataDir } from './lock.ts';
import { ResponseLog, type ResponseLogOptions } from './responses.ts';
import { openSettings, type SettingsStore } from './settings.ts';

export type { NewResponse, ResponseFilter } from './responses.ts';
export type { Settings, SettingsStore } from './settings.ts';

export interface Store {
  readonly dataDir: string;
  responses: ResponseLog;
  settings: SettingsStore;
  fieldwork: FieldworkStore;
  close(): Promise<void>;
}

/** `snapshotEvery`, `parallelBytes`: see ResponseLogOptions (tests make them small). */
export async function openStore(dataDir: string, options: ResponseLogOptions = {}): Promise<Store> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await lockDataDir(dataDir);
  try {
    const responses = await ResponseLog.open(join(dataDir, 'responses.jsonl'), options);
    const settings = await openSettings(join(dataDir, 'settings.json'));
    const fieldwork = await FieldworkStore.open(join(dataDir, 'fieldwork.json'));
    let closed = false;
    return {
      dataDir,
      responses,
      settings,
      fieldwork,
      async close() {
        if (closed) return;
        closed = true;
        await responses.close();
        await fieldwork.close();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
