/**
 * A scripted fieldwork: 10 invited leader municipalities, 7 answer → 70,0 % with correct regions;
 * a caseworker's draft survives a real server restart on the same data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { API_KEY, Client, startApp, type Running, parsePage, questionnaireByGroup, signIn, surveysDir, theStudy } from '../http/helpers.ts';
import { apiAnswers, fillForm, fullPlan } from '../http/walk.ts';

/** The app on a data directory that outlives it (a restart is a new startApp on the same directory). */
async function serve(dataDir: string, onlyEligible?: readonly string[]): Promise<{ url: string; store: Running['store']; stop: () => Promise<void> }> {
  // `onlyEligible`: a frame whose invited (eligible) municipalities are just these.
  const editDefinitions = onlyEligible
    ? (defs: Running['definitions']) => {
        for (const frame of defs.frames.values()) for (const m of frame.municipalities) m.eligible = onlyEligible.includes(m.code);
        return defs;
      }
    : undefined;
  const running = await startApp({ dataDir, config: { rateLimit: 'off' }, ...(editDefinitions ? { editDefinitions } : {}) });
  return { url: running.url, store: running.store, stop: running.close };
}

describe('scripted fieldwork', () => {
  it('10 invited, 7 answer → 70,0 % overall and per region; the non-responders are listed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-scenario-'));
    // Hovedstaden 147, 151, 157; Sjælland 253, 259; Syddanmark 461; Midtjylland 751, 730; Nordjylland 851, 860.
    const invited = ['147', '151', '157', '253', '259', '461', '751', '730', '851', '860'];
    // The study invites these ten (its frame's eligible municipalities): "invited" means the same everywhere.
    const server = await serve(dataDir, invited);
    try {
      const res = await fetch(`${server.url}/api/v1/studies/integration_2016/invitations`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ questionnaire: 'ledere', municipalities: invited }) });
      expect(res.status).toBe(201);
      const links = (await res.json()) as { municipality: string; url: string }[];
      expect(links).toHaveLength(10);
      const qn = questionnaireByGroup(theStudy(await loadDefinitions(surveysDir)), /leder/i);
      const answering = ['147', '151', '253', '461', '751', '730', '851'];
      for (const code of answering) {
        const token = new URL(links.find((l) => l.municipality === code)!.url).pathname.split('/').pop();
        const r = await fetch(`${server.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, answers: apiAnswers(qn, fullPlan(code)).answers }) });
        expect(r.status).toBe(201);
      }
      const rates = (await (await fetch(`${server.url}/api/v1/studies/integration_2016/response-rates`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
        questionnaires: { questionnaire: string; invited: number; answered: number; respondents: number; rate: number; byRegion: { region: string; invited: number; answered: number; rate: number }[]; notAnswered: { code: string }[]; completionsPerDay: { count: number }[] }[];
      };
      const leaders = rates.questionnaires.find((q) => q.questionnaire === 'ledere')!;
      expect(leaders).toMatchObject({ invited: 10, withLink: 10, answered: 7, respondents: 7, linkRespondents: 7, openLinkRespondents: 0, rate: 0.7 });
      expect(Object.fromEntries(leaders.byRegion.map((r) => [r.region, [r.invited, r.answered]]))).toEqual({
        hovedstaden: [3, 2],
        sjaelland: [2, 1],
        syddanmark: [1, 1],
        midtjylland: [2, 2],
        nordjylland: [2, 1],
      });
      expect(leaders.notAnswered.map((m) => m.code).sort()).toEqual(['157', '259', '860']);
      expect(leaders.completionsPerDay.reduce((s, d) => s + d.count, 0)).toBe(7);
      const client = new Client(server.url);
      await signIn(client);
      const html = await (await client.get('/admin/studies/integration_2016/fieldwork')).text();
      expect(html).toContain('svarprocent <strong>70,0</strong>');
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a draft survives a server restart; a second person on the link does not see it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'praksis-restart-'));
    let server = await serve(dataDir);
    try {
      const res = await fetch(`${server.url}/api/v1/studies/integration_2016/invitations`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ questionnaire: 'praktikere', municipalities: ['147'] }) });
      const [link] = (await res.json()) as { url: string }[];
      const path = new URL(link!.url).pathname;
      const qn = questionnaireByGroup(theStudy(await loadDefinitions(surveysDir)), /praktiker/i);
      const person = new Client(server.url);
      const page1 = parsePage(await (await person.get(`${path}/p/1`)).text());
      expect((await person.postForm(page1.action, fillForm(qn, page1, fullPlan('147')))).status).toBe(200);
      await server.stop();
      server = await serve(dataDir);
      const same = new Client(server.url);
      for (const [name, value] of person.cookies) same.cookies.set(name, value);
      const resumed = parsePage(await (await same.get(`${path}/p/1`)).text());
      expect(resumed.action).toMatch(/\/p\/2$/);
      const stranger = parsePage(await (await new Client(server.url).get(`${path}/p/1`)).text());
      expect(stranger.action).toMatch(/\/p\/1$/);
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
