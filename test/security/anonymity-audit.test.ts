/**
 * Anonymity audit: after a scripted fieldwork against a real server process (invitations, answers
 * through links by form and API, an open-link answer, a reminder round), every file under the data
 * directory and everything the server printed is scanned for IP addresses, user agents, tokens and
 * times of day, and nothing lines a response up with an invitation — while the server runs and again
 * after a clean stop (which writes the response snapshot).
 */
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { ADMIN_PASSWORD, API_KEY, Client, csrfTokenOf, parsePage, questionnaireByGroup, signIn, surveysDir, theStudy } from '../http/helpers.ts';
import { startServer } from '../http/process.ts';
import { apiAnswers, fillForm, fullPlan, walk } from '../http/walk.ts';

const AGENT = 'PraksisAuditAgent/9.9 (X11; Linux)';

describe('anonymity audit', () => {
  it('leaves no IP, user agent, token, time of day or link between responses and invitations', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-audit-'));
    const server = await startServer([], { PRAKSIS_DATA_DIR: dataDir, PRAKSIS_ADMIN_PASSWORD: ADMIN_PASSWORD, PRAKSIS_API_KEY: API_KEY, PRAKSIS_RATE_LIMIT: 'off' });
    try {
      const defs = await loadDefinitions(surveysDir);
      const study = theStudy(defs);
      const leaders = questionnaireByGroup(study, /leder/i);
      const caseworkers = questionnaireByGroup(study, /praktiker/i);
      const invite = async (questionnaire: string, municipalities: string[]) => {
        const res = await fetch(`${server.url}/api/v1/studies/${study.id}/invitations`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'user-agent': AGENT }, body: JSON.stringify({ questionnaire, municipalities }) });
        return ((await res.json()) as { municipality: string; url: string }[]).map((l) => ({ ...l, token: new URL(l.url).pathname.split('/').pop()! }));
      };
      const leaderLinks = await invite('ledere', ['147', '851', '751', '461']);
      const caseworkerLinks = await invite('praktikere', ['147', '851']);
      const tokens = [...leaderLinks, ...caseworkerLinks].map((l) => l.token);
      const ids: string[] = [];
      // Through links by API …
      for (const link of [leaderLinks[2]!, caseworkerLinks[0]!, caseworkerLinks[0]!]) {
        const qn = link.url.includes('/i/') && leaderLinks.includes(link) ? leaders : caseworkers;
        const res = await fetch(`${server.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': AGENT }, body: JSON.stringify({ token: link.token, answers: apiAnswers(qn, fullPlan(link.municipality)).answers }) });
        expect(res.status).toBe(201);
        ids.push(((await res.json()) as { id: string }).id);
      }
      // … through a link by the forms (leaving a draft on the way) …
      const person = new Client(server.url);
      const done = await walk(person, leaders, `/i/${leaderLinks[0]!.token}/p/1`, fullPlan('147'));
      expect(done.final.status).toBe(303);
      const half = new Client(server.url);
      const page1 = parsePage(await (await half.get(`/i/${caseworkerLinks[1]!.token}/p/1`, { 'user-agent': AGENT })).text());
      await half.postForm(page1.action, fillForm(caseworkers, page1, fullPlan('851')));
      // … and by an open link.
      const open = await walk(new Client(server.url), caseworkers, `/s/${study.id}/${caseworkers.id}/p/1`, fullPlan('461'));
      expect(open.final.status).toBe(303);
      // A reminder round for the leaders who have not answered.
      const admin = new Client(server.url);
      await signIn(admin);
      const csrf = csrfTokenOf(await (await admin.get(`/admin/studies/${study.id}/fieldwork`)).text());
      const reminder = await admin.postForm(`/admin/studies/${study.id}/reminders`, { _csrf: csrf, questionnaire: 'ledere' });
      const reminded = [...(await reminder.text()).matchAll(/\/i\/([A-Za-z0-9_-]{22})/g)].map((m) => m[1]!);
      expect(reminded).toHaveLength(2);
      tokens.push(...reminded);

      const scan = async () => {
        const files = (await readdir(dataDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
        const texts = await Promise.all(files.map(async (f) => [f.name, await readFile(join(f.parentPath, f.name), 'utf8')] as const));
        texts.push(['server output', server.output()]);
        for (const [name, text] of texts) {
          expect(text, name).not.toMatch(/\b(?:127\.0\.0\.1|::1|::ffff:)/);
          expect(text, name).not.toContain('PraksisAuditAgent');
          expect(text, name).not.toMatch(/Mozilla|node-fetch|undici/i);
          for (const t of tokens) expect(text, `${name} holds a token`).not.toContain(t);
        }
        // The activity log (activity.jsonl) records evaluators' actions with their time, and only those.
        const logLines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { at: string; who: string; action: string });
        for (const [name, text] of texts.filter(([n]) => n !== 'server output')) {
          const withoutLogTimes = name === 'activity.jsonl' ? JSON.stringify(logLines(text).map((e) => ({ ...e, at: '' }))) : text;
          expect(withoutLogTimes, `${name} holds a time of day`).not.toMatch(/T?\d{2}:\d{2}(:\d{2})?/);
        }
        const log = logLines(texts.find(([n]) => n === 'activity.jsonl')![1]);
        expect(log.every((e) => ['admin', 'PRAKSIS_API_KEY'].includes(e.who)), 'only evaluators are in the activity log').toBe(true);
        return texts;
      };
      const texts = await scan();
      const fieldwork = JSON.parse(texts.find(([n]) => n === 'fieldwork.json')![1]) as { invitations: { municipality: string; questionnaire: string; tokenHash: string; completions: Record<string, number> }[]; drafts: unknown[] };
      const responses = texts.find(([n]) => n === 'responses.jsonl')![1];
      const stored = responses.trim().split('\n').map((l) => JSON.parse(l) as { r: { id: string } });
      expect(stored).toHaveLength(5);
      for (const { r } of stored) expect(texts.find(([n]) => n === 'fieldwork.json')![1]).not.toContain(r.id);
      for (const inv of fieldwork.invitations) expect(responses).not.toContain(inv.tokenHash);
      const order = fieldwork.invitations.map((i) => `${i.questionnaire}/${i.municipality}`);
      expect(order).toEqual([...order].sort());
      expect(fieldwork.drafts).toHaveLength(1);
      expect(ids).toHaveLength(3);
      // A clean stop adds no file of its own beyond the ones scanned above (it removes the lock), and they pass the same scan.
      await server.stop();
      const after = await scan();
      expect(after.map(([n]) => n).sort()).toEqual(texts.map(([n]) => n).filter((n) => n !== 'praksis.lock').sort());
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
