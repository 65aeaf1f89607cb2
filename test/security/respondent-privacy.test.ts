/**
 * What a respondent leaves behind: no cookie is set on the respondent side, and neither the
 * client's address, its user agent nor a time of day reaches the data directory or the log.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { Client, questionnaireByGroup, startApp, theStudy, type Running } from '../http/helpers.ts';
import { apiAnswers, fullPlan, walk } from '../http/walk.ts';

const USER_AGENT = 'Mozilla/5.0 (PrivacyProbe 4711; +tracking)';
const ADDRESS = '203.0.113.77';

let app: Running;
let study: TStudy;
let leaders: TQuestionnaire;
let caseworkers: TQuestionnaire;
let municipality: string;
const logged: string[] = [];

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
  // Trust the proxy header so that the app really sees ADDRESS as the client address.
  app = await startApp({ config: { trustProxy: true } });
  study = theStudy(app.definitions);
  leaders = questionnaireByGroup(study, /leder/i);
  caseworkers = questionnaireByGroup(study, /praktiker|sagsbehandler/i);
  municipality = app.definitions.frames.get(study.frame)!.municipalities.find((m) => m.eligible)!.code;
});
afterAll(async () => {
  vi.restoreAllMocks();
  await app.close();
});

async function allFiles(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}

describe('respondent privacy', () => {
  it('answering through the forms and the API sets no cookie but the thank-you flag, and stores no address, user agent or time of day', async () => {
    const headers = { 'user-agent': USER_AGENT, 'x-forwarded-for': ADDRESS };
    class ProbeClient extends Client {
      override get(path: string) {
        return super.get(path, headers);
      }
    }
    const client = new ProbeClient(app.url);
    const seenCookies: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const merged = { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } };
      const res = await original(input, merged);
      seenCookies.push(...res.headers.getSetCookie());
      return res;
    };
    try {
      await walk(client, caseworkers, `/s/${study.id}/${caseworkers.id}/p/1`, fullPlan(municipality));
      const { answers } = apiAnswers(leaders, fullPlan(municipality));
      const res = await fetch(app.url + '/api/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ study: study.id, questionnaire: leaders.id, municipality, answers, submissionId: 'privacy-probe-0123456789' }),
      });
      expect(res.status).toBe(201);
      await fetch(`${app.url}/`);
      await fetch(`${app.url}/s/${study.id}/${leaders.id}`);
    } finally {
      globalThis.fetch = original;
    }
    // The one cookie: the thank-you page's flag, with no id (the same value for everyone), scoped to that page, short-lived.
    expect(seenCookies).toEqual([`sendt=1; Path=/s/${study.id}/${caseworkers.id}/tak; HttpOnly; SameSite=Lax; Max-Age=1800`]);
    expect(await app.store.responses.count()).toBe(2);

    const everything = (await allFiles(app.dataDir)) + '\n' + logged.join('\n');
    expect(everything).not.toContain(ADDRESS);
    expect(everything).not.toContain('PrivacyProbe');
    expect(everything).not.toContain('privacy-probe-0123456789'); // the raw submission id
    // No time of day anywhere: no "12:34" style clock times and no ISO timestamps.
    expect(everything).not.toMatch(/\b\d{2}:\d{2}(:\d{2})?\b/);
    expect(everything).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
  });
});
