/**
 * The outbox loses nothing: the server (npm start, test/http/process.ts) is killed with SIGKILL while
 * it sends 200 invitations to a real SMTP server; after a restart on the same data directory every
 * contact has received its invitation, and at most one (the one in flight) twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { surveysDir, theStudy } from '../http/helpers.ts';
import { runServerToExit, startServer, type Started } from '../http/process.ts';
import { linkIn, startSmtp } from './smtp.ts';

const API_KEY = 'mail-crash-api-key-0123456789';
const PUBLIC = 'https://praksis.example.dk';

async function api(server: Started, method: string, path: string, body?: string, type = 'application/json'): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${API_KEY}`, ...(body ? { 'content-type': type } : {}) }, ...(body ? { body } : {}) });
}

describe('the outbox across a crash', () => {
  it('sends each of 200 invitations after a SIGKILL mid-way, at most one twice', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-mail-crash-'));
    const smtp = await startSmtp();
    const defs = await loadDefinitions(surveysDir);
    const study = theStudy(defs);
    const codes = defs.frames.get(study.frame)!.municipalities.filter((m) => m.eligible).map((m) => m.code);
    const contacts = Array.from({ length: 200 }, (_, i) => `${codes[i % codes.length]},ledere,person${i}@kommune.dk`);
    const env = { PRAKSIS_DATA_DIR: dataDir, PRAKSIS_ADMIN_PASSWORD: 'mail-crash-password', PRAKSIS_API_KEY: API_KEY, PRAKSIS_SMTP_URL: smtp.url, PRAKSIS_MAIL_RATE: '3000', PRAKSIS_PUBLIC_URL: PUBLIC };
    let server: Started | undefined;
    try {
      server = await startServer([], env);
      expect(server.output()).toContain(`Public address (links and e-mails): ${PUBLIC}`);
      expect((await api(server, 'POST', `/studies/${study.id}/contacts`, ['municipality,questionnaire,email', ...contacts].join('\n'), 'text/csv')).status).toBe(200);
      const sent = await api(server, 'POST', `/studies/${study.id}/invitations/send`, JSON.stringify({ questionnaire: 'ledere' }));
      expect(await sent.json()).toEqual({ queued: 200 });
      await smtp.waitFor(40, 120_000);
      await server.kill();
      const before = smtp.received.length;
      expect(before).toBeLessThan(200);

      server = await startServer([], env);
      await smtp.waitFor(200, 180_000);
      // Wait until the outbox has settled every message, then count.
      for (;;) {
        const rows = (await (await api(server, 'GET', `/studies/${study.id}/outbox`)).json()) as { status: string }[];
        if (rows.length === 200 && rows.every((r) => r.status === 'sent')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const recipients = smtp.received.map((m) => m.to);
      expect(new Set(recipients).size).toBe(200);
      expect(recipients.length - 200).toBeLessThanOrEqual(1);
      expect(smtp.received.every((m) => linkIn(m.text).startsWith(`${PUBLIC}/i/`))).toBe(true);
      console.log(`mail crash: ${before} received before the SIGKILL, ${recipients.length} in all (${recipients.length - 200} twice)`);
    } finally {
      await server?.stop();
      await smtp.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 400_000);

  it('refuses to start with a malformed PRAKSIS_PUBLIC_URL, naming the variable', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-public-url-'));
    try {
      const run = await runServerToExit([], { PRAKSIS_DATA_DIR: dataDir, PRAKSIS_PUBLIC_URL: 'praksis.example.dk/sti' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('PRAKSIS_PUBLIC_URL: must be an http:// or https:// address');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
