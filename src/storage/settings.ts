/**
 * Evaluator settings in `settings.json` (lowdb, written durably): credential hashes, the session
 * secret and whether demo data was loaded. Read synchronously from memory; updates are durable
 * before they resolve.
 */
import { Low } from 'lowdb';
import { z } from 'zod';
import { DurableJSONFile } from './files.ts';

export const ZSettings = z
  .object({
    adminPasswordHash: z.string().optional(),
    apiKeyHash: z.string().optional(),
    sessionSecret: z.string().optional(),
    demo: z.object({ loadedAt: z.string(), responses: z.number() }).optional(),
    /** Secret for the pseudonymous cluster ids in the responses export (stable per data directory). */
    exportSecret: z.string().optional(),
  })
  .passthrough();
export type Settings = z.infer<typeof ZSettings>;

export interface SettingsStore {
  read(): Settings;
  update(mutate: (settings: Settings) => void): Promise<void>;
}

export async function openSettings(file: string): Promise<SettingsStore> {
  const db = new Low<Settings>(new DurableJSONFile<Settings>(file), {});
  await db.read();
  const parsed = ZSettings.safeParse(db.data);
  if (!parsed.success) throw new Error(`${file} does not hold valid settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  db.data = parsed.data;
  return {
    read: () => db.data,
    async update(mutate) {
      const draft = structuredClone(db.data);
      mutate(draft);
      const next = ZSettings.parse(draft);
      await db.adapter.write(next);
      db.data = next;
    },
  };
}
