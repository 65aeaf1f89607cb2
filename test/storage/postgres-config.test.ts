/** PRAKSIS_DATABASE_URL in the configuration (src/config.ts): the way to choose the PostgreSQL store. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';

describe('configuration (PRAKSIS_DATABASE_URL)', () => {
  it('takes a PostgreSQL URL; the file store stays the default', () => {
    expect(parseConfig({}).databaseUrl).toBeUndefined();
    expect(parseConfig({ PRAKSIS_DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(parseConfig({ PRAKSIS_DATABASE_URL: 'postgres://praksis:pw@db.example:5432/praksis' }).databaseUrl).toBe('postgres://praksis:pw@db.example:5432/praksis');
    expect(parseConfig({ PRAKSIS_DATABASE_URL: 'postgresql://db/praksis' }).databaseUrl).toBe('postgresql://db/praksis');
  });

  it('refuses a malformed URL naming the variable, never repeating the password', () => {
    for (const bad of ['mysql://u:hunter2-secret@db/x', 'u:hunter2-secret@db/x', 'postgres://u:hunter2-secret@/x']) {
      let message = '';
      try {
        parseConfig({ PRAKSIS_DATABASE_URL: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/PRAKSIS_DATABASE_URL: must be a PostgreSQL URL/);
      expect(message).not.toContain('hunter2');
    }
  });

  it('takes the pool size and the connection timeout from PRAKSIS_DATABASE_POOL and PRAKSIS_DATABASE_TIMEOUT_MS', () => {
    expect(parseConfig({})).toMatchObject({ databasePool: 10, databaseTimeoutMs: 5000 });
    expect(parseConfig({ PRAKSIS_DATABASE_POOL: ' 40 ', PRAKSIS_DATABASE_TIMEOUT_MS: '1500' })).toMatchObject({ databasePool: 40, databaseTimeoutMs: 1500 });
    for (const [variable, bad] of [
      ['PRAKSIS_DATABASE_POOL', '0'],
      ['PRAKSIS_DATABASE_POOL', 'many'],
      ['PRAKSIS_DATABASE_TIMEOUT_MS', '5'],
      ['PRAKSIS_DATABASE_TIMEOUT_MS', '2s'],
    ] as const) {
      expect(() => parseConfig({ [variable]: bad })).toThrow(new RegExp(`${variable}: must be a whole number`));
    }
  });
});
