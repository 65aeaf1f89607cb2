/**
 * `--demo` never mixes with real answers: it refuses a data directory that has real responses,
 * and one that had them (after the log was lost), instead of loading demo data over them.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/services/demo.ts';
import { startApp } from './helpers.ts';
import { validBody } from './walk.ts';

describe('--demo', () => {
  it('loads into an empty directory, and refuses one that has or had real responses', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-demo-'));
    try {
      let app = await startApp({ dataDir, config: { rateLimit: 'off' } });
      const res = await fetch(`${app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(validBody(app.definitions)) });
      expect(res.status).toBe(201);
      const refused = await loadDemo(app.context);
      expect(refused).toMatchObject({ loaded: false });
      expect(await app.store.responses.count()).toBe(1);
      await app.close();

      // The log is lost (deleted by mistake): the directory still had real responses.
      await rm(join(dataDir, 'responses.jsonl'));
      app = await startApp({ dataDir, config: { rateLimit: 'off' } });
      const again = await loadDemo(app.context);
      expect(again.loaded).toBe(false);
      expect(again.loaded ? '' : again.reason).toMatch(/has held real responses/);
      expect(await app.store.responses.count()).toBe(0);
      await app.close();

      const fresh = await startApp({ config: { rateLimit: 'off' } });
      const loaded = await loadDemo(fresh.context);
      expect(loaded.loaded).toBe(true);
      expect(await fresh.store.responses.count()).toBeGreaterThan(100);
      await fresh.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
