/**
 * E-mail fieldwork through the real app and a real SMTP server (smtp-server on 127.0.0.1, read back
 * with mailparser): contacts, invitations, reminders with the same link, failures, deleting contacts.
 */
import { request } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smtpTransport } from '../../src/mail/transport.ts';
import { startOutbox, type Outbox } from '../../src/services/outbox.ts';
import { API_KEY, Client, parsePage, questionnaireByGroup, startApp, theStudy, type Running } from '../http/helpers.ts';
import { apiAnswers, fillForm, fullPlan } from '../http/walk.ts';
import { linkIn, startSmtp, type TestSmtp } from './smtp.ts';

const PUBLIC = 'https://praksis.example.dk';
const STUDY = 'integration_2016';
let app: Running;
let smtp: TestSmtp;
let outbox: Outbox | undefined;

/** An API call through node:http, so that the Host header is whatever the test says. */
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const url = new URL(app.url + '/api/v1' + path);
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { method, host: url.hostname, port: url.port, path: url.pathname, headers: { authorization: `Bearer ${API_KEY}`, host: 'evil.example', ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}), ...headers } },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, json: data ? JSON.parse(data) : undefined }));
      },
    );
    req.on('error', reject);
    if (text) req.write(text);
    req.end();
  });
}

function eligible(n: number): string[] {
  const frame = app.definitions.frames.get(theStudy(app.definitions).frame)!;
  return frame.municipalities.filter((m) => m.eligible).slice(0, n).map((m) => m.code);
}

function start(options: { perMinute?: number } = {}): void {
  outbox = startOutbox(app.context, { transport: smtpTransport(smtp.url), from: 'Evalueringen <evaluering@example.dk>', perMinute: options.perMinute ?? 60_000, pollMs: 20, leaseMs: 60_000 });
}

async function settled(count: number): Promise<{ recipient: string; kind: string; status: string; day: string; lastError: string | null }[]> {
  for (;;) {
    const { json } = await call('GET', `/studies/${STUDY}/outbox`);
    const rows = json as { recipient: string; kind: string; status: string; day: string; lastError: string | null; attempts: number }[];
    if (rows.filter((r) => r.status === 'sent' || r.status === 'failed' || r.status === 'cancelled').length >= count) return rows;
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(async () => {
  smtp = await startSmtp({ refuse: ['afvist@kommune.dk'] });
  app = await startApp({ config: { rateLimit: 'off' }, publicUrl: PUBLIC });
});
afterEach(async () => {
  await outbox?.stop();
  outbox = undefined;
  await app.close();
  await smtp.close();
});

describe('e-mail invitations', () => {
  it('sends 50 invitations, one to each contact, with a link under PRAKSIS_PUBLIC_URL whatever the Host header', async () => {
    const codes = eligible(50);
    const csv = ['municipality;questionnaire;email;name', ...codes.map((c, i) => `${c};ledere;leder${i}@kommune.dk;Leder ${i}`)].join('\r\n');
    const added = await call('POST', `/studies/${STUDY}/contacts`, '\ufeff' + csv, { 'content-type': 'text/csv' });
    expect(added).toEqual({ status: 200, json: { added: 50, unchanged: 0 } });
    expect((await call('POST', `/studies/${STUDY}/contacts`, csv, { 'content-type': 'text/csv' })).json).toEqual({ added: 0, unchanged: 50 });
    expect(await call('POST', `/studies/${STUDY}/invitations/send`, { questionnaire: 'ledere' })).toEqual({ status: 202, json: { queued: 50 } });
    // Sending again queues nothing: each contact is invited once.
    expect((await call('POST', `/studies/${STUDY}/invitations/send`, { questionnaire: 'ledere' })).json).toEqual({ queued: 0 });
    start();
    await settled(50);
    const mails = await smtp.waitFor(50);
    expect(mails).toHaveLength(50);
    expect(new Set(mails.map((m) => m.to)).size).toBe(50);
    for (const m of mails) {
      expect(linkIn(m.text).startsWith(`${PUBLIC}/i/`)).toBe(true);
      expect(m.text).not.toContain('evil.example');
      expect(m.subject).toContain('Invitation');
    }
    // Each municipality's mail carries its own link, the one the API gives for it.
    const links = (await call('POST', '/studies/' + STUDY + '/invitations', { questionnaire: 'ledere', municipalities: codes })).json as { municipality: string; url: string; created: boolean }[];
    expect(links.every((l) => !l.created && l.url.startsWith(`${PUBLIC}/i/`))).toBe(true);
    expect(new Set(mails.map((m) => linkIn(m.text)))).toEqual(new Set(links.map((l) => l.url)));
    const outboxRows = (await call('GET', `/studies/${STUDY}/outbox`)).json as Record<string, unknown>[];
    expect(outboxRows.every((r) => r.status === 'sent' && /^\d{4}-\d{2}-\d{2}$/.test(String(r.day)))).toBe(true);
    expect(JSON.stringify(outboxRows)).not.toMatch(/\/i\/|token/);
    const statuses = (await call('GET', `/studies/${STUDY}/invitations`)).json as { status: string }[];
    expect(statuses.map((s) => s.status)).toEqual(Array(50).fill('sent'));
  });

  it('reminds exactly the contacts whose link is unused, with the same link, and a draft survives the reminder', async () => {
    const [a, b, c] = eligible(3);
    const contacts = [
      { municipality: a, questionnaire: 'praktikere', email: 'a@kommune.dk' },
      { municipality: b, questionnaire: 'praktikere', email: 'b@kommune.dk' },
      { municipality: c, questionnaire: 'praktikere', email: 'c@kommune.dk', name: 'Cecilie' },
    ];
    expect((await call('POST', `/studies/${STUDY}/contacts`, contacts)).json).toEqual({ added: 3, unchanged: 0 });
    await call('POST', `/studies/${STUDY}/invitations/send`, { questionnaire: 'praktikere' });
    start();
    const invitations = await smtp.waitFor(3);
    const linkOf = (email: string) => linkIn(invitations.find((m) => m.to === email)!.text);
    // a answers through the link; c starts (a draft on page 1); b does nothing.
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const tokenOf = (url: string) => url.split('/').pop()!;
    const answered = await fetch(`${app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokenOf(linkOf('a@kommune.dk')), answers: apiAnswers(qn, fullPlan(a!)).answers }) });
    expect(answered.status).toBe(201);
    const path = new URL(linkOf('c@kommune.dk')).pathname;
    const browser = new Client(app.url);
    const page1 = parsePage(await (await browser.get(`${path}/p/1`)).text());
    expect((await browser.postForm(page1.action, fillForm(qn, page1, fullPlan(c!)))).status).toBe(200);

    expect(await call('POST', `/studies/${STUDY}/reminders/send`, { questionnaire: 'praktikere' })).toEqual({ status: 202, json: { queued: 2 } });
    const all = await smtp.waitFor(5);
    const reminders = all.slice(3);
    expect(reminders.map((m) => m.to).sort()).toEqual(['b@kommune.dk', 'c@kommune.dk']);
    for (const m of reminders) {
      expect(m.subject).toContain('Påmindelse');
      expect(linkIn(m.text)).toBe(linkOf(m.to));
    }
    expect(reminders.find((m) => m.to === 'c@kommune.dk')!.text).toContain('Kære Cecilie');
    // The draft is still there on the same link: the browser resumes on page 2.
    expect(await (await browser.get(path)).text()).toContain('Fortsæt, hvor du slap');
    expect(parsePage(await (await browser.get(`${path}/p/1`)).text()).action).toMatch(/\/p\/2$/);
    const statuses = (await call('GET', `/studies/${STUDY}/invitations`)).json as { municipality: string; status: string; day: string | null; reminders: number }[];
    const of = (m: string) => statuses.find((s) => s.municipality === m)!;
    expect([of(a!).status, of(b!).status, of(c!).status]).toEqual(['completed', 'sent', 'started']);
    expect(of(b!).day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect([of(a!).reminders, of(b!).reminders, of(c!).reminders]).toEqual([0, 1, 1]);
    expect(JSON.stringify(statuses)).not.toMatch(/token|\/i\//i);
  });

  it('leaves a message refused with 550 failed with the server reply, and sends the rest', async () => {
    const codes = eligible(4);
    const emails = ['en@kommune.dk', 'afvist@kommune.dk', 'tre@kommune.dk', 'fire@kommune.dk'];
    await call('POST', `/studies/${STUDY}/contacts`, codes.map((m, i) => ({ municipality: m, questionnaire: 'ledere', email: emails[i] })));
    await call('POST', `/studies/${STUDY}/invitations/send`, { questionnaire: 'ledere' });
    start();
    const rows = await settled(4);
    expect(rows.find((r) => r.recipient === 'afvist@kommune.dk')).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^550 .*no such user/) });
    expect(rows.filter((r) => r.status === 'sent').map((r) => r.recipient).sort()).toEqual(['en@kommune.dk', 'fire@kommune.dk', 'tre@kommune.dk']);
    expect(smtp.received.map((m) => m.to).sort()).toEqual(['en@kommune.dk', 'fire@kommune.dk', 'tre@kommune.dk']);
    const statuses = (await call('GET', `/studies/${STUDY}/invitations`)).json as { municipality: string; status: string }[];
    expect(statuses.find((s) => s.municipality === codes[1])!.status).toBe('failed');
  });

  it('reports every bad row of a contact list by line and stores nothing', async () => {
    const csv = ['municipality,questionnaire,email,name', '851,ledere,ok@kommune.dk,', '101,ledere,x@kommune.dk,', '851,chefer,y@kommune.dk,', '147,ledere,ikke-en-adresse,', '851,ledere,ok@kommune.dk,'].join('\n');
    const res = await call('POST', `/studies/${STUDY}/contacts`, csv, { 'content-type': 'text/csv' });
    expect(res.status).toBe(400);
    const problems = (res.json as { problems: { line: string; message: string }[] }).problems;
    expect(problems.map((p) => p.line)).toEqual(['linje 3', 'linje 4', 'linje 5', 'linje 6']);
    expect(problems[0]!.message).toContain('»101«');
    expect(problems[1]!.message).toContain('»chefer«');
    expect(problems[2]!.message).toContain('e-mailadresse');
    expect(problems[3]!.message).toContain('linje 2');
    expect((await call('GET', `/studies/${STUDY}/contacts`)).json).toEqual([]);
    const json = await call('POST', `/studies/${STUDY}/contacts`, [{ municipality: '851', questionnaire: 'ledere' }]);
    expect(json.status).toBe(400);
    expect((json.json as { problems: { line: string }[] }).problems[0]!.line).toBe('[0]');
  });

  it('deletes every e-mail address from the data directory in one action', async () => {
    const codes = eligible(5);
    await call('POST', `/studies/${STUDY}/contacts`, codes.map((m, i) => ({ municipality: m, questionnaire: 'ledere', email: `slet${i}@kommune.dk`, name: `Navn${i} Efternavn` })));
    await call('POST', `/studies/${STUDY}/invitations/send`, { questionnaire: 'ledere' });
    start();
    await settled(5);
    const scan = async () => {
      let all = '';
      for (const entry of await readdir(app.dataDir, { recursive: true, withFileTypes: true })) if (entry.isFile()) all += await readFile(join(entry.parentPath, entry.name), 'latin1');
      return all;
    };
    expect(await scan()).toContain('slet0@kommune.dk');
    expect(await call('DELETE', `/studies/${STUDY}/contacts`)).toEqual({ status: 200, json: { deleted: { contacts: 5, messages: 5 } } });
    const after = await scan();
    for (let i = 0; i < 5; i += 1) {
      expect(after).not.toContain(`slet${i}@kommune.dk`);
      expect(after).not.toContain(`Navn${i} Efternavn`);
    }
    expect((await call('GET', `/studies/${STUDY}/contacts`)).json).toEqual([]);
    expect((await call('GET', `/studies/${STUDY}/outbox`)).json).toEqual([]);
  });
});
