/**
 * Settings as one JSON document in the one-row `settings` table, validated with ZSettings on read
 * and before every update. `update` runs under a row lock (SELECT … FOR UPDATE), so concurrent
 * updates (of any instance) apply one after another; a refused change changes nothing.
 */
import type pg from 'pg';
import type { z } from 'zod';
import type { SettingsPort } from '../ports.ts';
import { ZSettings, type Settings } from '../settings.ts';
import { transaction } from './transaction.ts';

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export class PostgresSettings implements SettingsPort {
  readonly #pool: pg.Pool;
  readonly #location: string;

  constructor(pool: pg.Pool, location: string) {
    this.#pool = pool;
    this.#location = location;
  }

  #parse(document: unknown): Settings {
    const parsed = ZSettings.safeParse(document);
    if (!parsed.success) throw new Error(`the settings in the database ${this.#location} are not valid: ${issues(parsed.error)}; restore them from a backup`);
    return parsed.data;
  }

  async read(): Promise<Settings> {
    const { rows } = await this.#pool.query<{ document: unknown }>('SELECT document FROM settings WHERE singleton');
    if (rows.length === 0) throw new Error(`the database ${this.#location} has no settings row; restore it from a backup`);
    return this.#parse(rows[0]!.document);
  }

  update(mutate: (settings: Settings) => void): Promise<Settings> {
    return transaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ document: unknown }>('SELECT document FROM settings WHERE singleton FOR UPDATE');
      if (rows.length === 0) throw new Error(`the database ${this.#location} has no settings row; restore it from a backup`);
      const draft = this.#parse(rows[0]!.document);
      mutate(draft);
      const parsed = ZSettings.safeParse(draft);
      if (!parsed.success) throw new Error(`the change of the settings was refused: ${issues(parsed.error)}`);
      await client.query('UPDATE settings SET document = $1::jsonb WHERE singleton', [JSON.stringify(parsed.data)]);
      return parsed.data;
    });
  }
}
