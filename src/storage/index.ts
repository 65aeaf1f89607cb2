/**
 * The store: the ONLY code that touches the data directory.
 *
 *   <dataDir>/responses.jsonl   anonymous responses, append-only, fsync'ed (./responses.ts)
 *   <dataDir>/settings.json     evaluator settings (lowdb, durable temp+rename) (./settings.ts)
 *   <dataDir>/praksis.lock      one server per directory (./lock.ts)
 *
 * `openStore` creates the directory on first use.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDataDir } from './lock.ts';
import { ResponseLog } from './responses.ts';
import { openSettings, type SettingsStore } from './settings.ts';

export type { NewResponse, ResponseFilter } from './responses.ts';
export type { Settings, SettingsStore } from './settings.ts';

export interface Store {
  readonly dataDir: string;
  responses: ResponseLog;
  settings: SettingsStore;
  close(): Promise<void>;
}

export async function openStore(dataDir: string): Promise<Store> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await lockDataDir(dataDir);
  try {
    const responses = await ResponseLog.open(join(dataDir, 'responses.jsonl'));
    const settings = await openSettings(join(dataDir, 'settings.json'));
    let closed = false;
    return {
      dataDir,
      responses,
      settings,
      async close() {
        if (closed) return;
        closed = true;
        await responses.close();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
