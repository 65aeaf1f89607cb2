/**
 * E-mail fieldwork through the real app and a real SMTP server (smtp-server on 127.0.0.1, read back
 * with mailparser): contacts, invitations, reminders with the same link, failures, deleting contacts.
 */
import { request } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smtpTransport } from '../../src/mail/transport.ts';
import { defaultTexts } from '../../src/mail/texts.ts';
import { createContext } from '../../src/services/context.ts';
import { queueInvitations, queueScheduledReminders } from '../../src/services/mail.ts';
import { startOutbox, type Outbox } from '../../src/services/outbox.ts';
import { API_KEY, Client, csrfTokenOf, decodeEntities, parsePage, questionnaireByGroup, signIn, startApp, theStudy, type Running } from '../http/helpers.ts';
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

describe('e-mail invitations', { timeout: 120_000 }, () => {
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

describe('e-mail on the fieldwork page, texts and the reminder schedule', { timeout: 120_000 }, () => {
  it('uploads contacts on the page: every bad row named by line, nothing stored, the pasted text kept; then stored', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const csrf = csrfTokenOf(await (await client.get(`/admin/studies/${STUDY}/fieldwork`)).text());
    const bad = 'municipality;questionnaire;email;name\n851;ledere;ok@kommune.dk;Ole\n101;ledere;x@kommune.dk;\n851;ledere;ingen-snabel-a;';
    const res = await client.postForm(`/admin/studies/${STUDY}/contacts`, { _csrf: csrf, contacts: bad });
    expect(res.status).toBe(400);
    const html = decodeEntities(await res.text());
    expect(html).toContain('linje 3: Kommunekoden »101« findes ikke');
    expect(html).toContain('linje 4: E-mailadressen er ikke en gyldig e-mailadresse');
    expect(html).toContain('851;ledere;ingen-snabel-a;');
    expect(await app.store.mail.contacts(STUDY)).toEqual([]);
    const ok = await client.postForm(`/admin/studies/${STUDY}/contacts`, { _csrf: csrf, contacts: 'municipality;questionnaire;email;name\n851;ledere;ok@kommune.dk;Ole' });
    expect(ok.status).toBe(303);
    expect(decodeEntities(await (await client.get(ok.headers.get('location')!)).text())).toContain('1 kontakter tilføjet; 0 fandtes i forvejen.');
    // Deleting every contact is offered once every questionnaire is closed.
    expect(await (await client.get(`/admin/studies/${STUDY}/fieldwork`)).text()).not.toContain('Slet alle kontakter');
    for (const q of ['ledere', 'praktikere']) await client.postForm(`/admin/studies/${STUDY}/window`, { _csrf: csrf, questionnaire: q, mode: 'closed', openLinks: 'on' });
    expect(await (await client.get(`/admin/studies/${STUDY}/fieldwork`)).text()).toContain('Slet alle kontakter');
    expect((await client.postForm(`/admin/studies/${STUDY}/contacts/delete`, { _csrf: csrf, confirm: 'ja' })).status).toBe(303);
    expect(await app.store.mail.contacts(STUDY)).toEqual([]);
  });

  it('edits the texts with placeholders and a preview; an unknown placeholder or a text without {link} is named', async () => {
    const client = new Client(app.url);
    await signIn(client);
    const csrf = csrfTokenOf(await (await client.get(`/admin/studies/${STUDY}/fieldwork`)).text());
    const form = {
      _csrf: csrf,
      questionnaire: 'ledere',
      invitationSubject: 'Invitation til {kommune}',
      invitationBody: 'Kære {navn}\nSvar via {link} senest {frist}. Send {videresend} videre til praktikerne.\nSpørgsmål: {kontaktperson}',
      reminderSubject: 'Påmindelse',
      reminderBody: 'Husk {link}',
      contact: 'Anne Jensen, tlf. 12 34 56 78',
      deadline: '1. juni 2016',
      schedule: '7, 14',
      forward: 'praktikere',
    };
    const preview = await client.postForm(`/admin/studies/${STUDY}/mail-texts`, { ...form, action: 'preview' });
    expect(preview.status).toBe(200);
    const shown = decodeEntities(await preview.text());
    expect(shown).toContain('Svar via https://praksis.example.dk/i/EKSEMPEL-PAA-ET-LINK-XX senest 1. juni 2016.');
    expect(shown).toContain('Spørgsmål: Anne Jensen, tlf. 12 34 56 78');
    expect(await app.store.mail.texts(STUDY, 'ledere')).toBeUndefined();
    const unknown = await client.postForm(`/admin/studies/${STUDY}/mail-texts`, { ...form, reminderBody: 'Husk {lnk}', action: 'save' });
    expect(unknown.status).toBe(400);
    const problem = decodeEntities(await unknown.text());
    expect(problem).toContain('Ukendt felt {lnk}');
    expect(problem).toContain('Teksten skal indeholde {link}.');
    expect(problem).toContain('Husk {lnk}');
    expect((await client.postForm(`/admin/studies/${STUDY}/mail-texts`, { ...form, action: 'save' })).status).toBe(303);
    expect(await app.store.mail.texts(STUDY, 'ledere')).toMatchObject({ schedule: [7, 14], forward: 'praktikere', deadline: '1. juni 2016' });

    // The leader's invitation carries the caseworker link of the same municipality to forward (k uses).
    const [code] = eligible(1);
    await call('POST', `/studies/${STUDY}/contacts`, [{ municipality: code, questionnaire: 'ledere', email: 'chef@kommune.dk', name: 'Chefen' }]);
    await call('POST', `/studies/${STUDY}/invitations/send`, { questionnaire: 'ledere' });
    start();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toMatch(/^Invitation til /);
    const links = [...mail!.text.matchAll(/https:\/\/praksis\.example\.dk\/i\/[A-Za-z0-9_-]{22}/g)].map((m) => m[0]);
    expect(links).toHaveLength(2);
    const caseworker = (await app.store.fieldwork.invitations(STUDY, 'praktikere'))[0]!;
    expect(caseworker).toMatchObject({ municipality: code, uses: 3 });
    expect((await fetch(app.url + new URL(links[1]!).pathname)).status).toBe(200);
  });

  it('sends scheduled reminders N days after the invitation to unused links only, once per step, and cancels one whose link was used before sending', async () => {
    const [a, b] = eligible(2);
    await app.store.mail.setTexts(STUDY, 'ledere', { ...defaultTexts('Ledere'), schedule: [7] });
    await call('POST', `/studies/${STUDY}/contacts`, [
      { municipality: a, questionnaire: 'ledere', email: 'a@kommune.dk' },
      { municipality: b, questionnaire: 'ledere', email: 'b@kommune.dk' },
    ]);
    const on = (day: string) => createContext(app.definitions, app.store, { today: () => day, publicUrl: PUBLIC });
    await queueInvitations(on('2016-05-02'), STUDY, { questionnaire: 'ledere' });
    // Sent on 2 May (the sender records its own day: settle through a sender dated then).
    const sender = startOutbox(on('2016-05-02'), { transport: smtpTransport(smtp.url), from: 'evaluering@example.dk', perMinute: 60_000, pollMs: 20 });
    await smtp.waitFor(2);
    await settled(2);
    await sender.stop();
    expect(await queueScheduledReminders(on('2016-05-08'))).toBe(0);
    expect(await queueScheduledReminders(on('2016-05-09'))).toBe(2);
    expect(await queueScheduledReminders(on('2016-05-10'))).toBe(0);
    // a answers before the reminders go out: its reminder is cancelled at send time, b's is sent.
    const qn = questionnaireByGroup(theStudy(app.definitions), /leder/i);
    const tokenOf = (email: string) => linkIn(smtp.received.find((m) => m.to === email)!.text).split('/').pop()!;
    expect((await fetch(`${app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokenOf('a@kommune.dk'), answers: apiAnswers(qn, fullPlan(a!)).answers }) })).status).toBe(201);
    start();
    const rows = await settled(4);
    expect(rows.filter((r) => r.kind === 'reminder').map((r) => [r.recipient, r.status])).toEqual([
      ['a@kommune.dk', 'cancelled'],
      ['b@kommune.dk', 'sent'],
    ]);
    expect(smtp.received.map((m) => m.to)).toEqual(expect.arrayContaining(['b@kommune.dk']));
    expect(smtp.received.filter((m) => m.to === 'a@kommune.dk')).toHaveLength(1);
  });
});
