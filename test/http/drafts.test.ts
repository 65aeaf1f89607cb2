/**
 * Found by an attack on the running server: one invitation link could grow fieldwork.json without
 * limit (a client-chosen resume code, unknown keys kept in the posted page state, drafts that
 * never expired), and concurrent submissions used a link more times than it allows.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/services/context.ts';
import { expireDrafts } from '../../src/services/status.ts';
import { encodeFlowState, newFlowState } from '../../src/survey/flow-state.ts';
import { API_KEY, Client, parsePage, questionnaireByGroup, startApp, theStudy, type Running } from './helpers.ts';
import { fillForm, fullPlan, validBody } from './walk.ts';

let app: Running;
const bearer = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
});
afterEach(async () => {
  await app.close();
});

async function link(group: RegExp, uses: number, municipality = '147'): Promise<string> {
  const study = theStudy(app.definitions);
  const res = await fetch(`${app.url}/api/v1/studies/${study.id}/invitations`, {
    method: 'POST',
    headers: bearer,
    body: JSON.stringify({ questionnaire: questionnaireByGroup(study, group).id, municipalities: [municipality], uses }),
  });
  expect(res.status).toBe(201);
  return new URL(((await res.json()) as { url: string }[])[0]!.url).pathname;
}

const fieldwork = async () => JSON.parse(await readFile(join(app.dataDir, 'fieldwork.json'), 'utf8')) as { drafts: { state: string }[] };

describe('drafts of an invitation link', () => {
  it('keep only the questionnaire\'s own answers: a 700 kB junk key in the posted state never reaches the file', async () => {
    const path = await link(/praktiker/i, 3);
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const client = new Client(app.url);
    const page = parsePage(await (await client.get(`${path}/p/1`)).text());
    const junk = encodeFlowState({ ...newFlowState(), a: { junk: 'x'.repeat(700_000), [qn.sections[0]!.questions[0]!.id]: 'y'.repeat(5_000) } });
    for (let i = 0; i < 5; i++) {
      const form = fillForm(qn, page, fullPlan('147'));
      form.set('state', junk);
      const res = await client.postForm(page.action, form);
      expect(res.status).toBe(200);
    }
    const size = (await stat(join(app.dataDir, 'fieldwork.json'))).size;
    expect(size).toBeLessThan(20_000);
    const data = await fieldwork();
    expect(data.drafts).toHaveLength(1);
    expect(Buffer.from(data.drafts[0]!.state, 'base64url').toString()).not.toContain('junk');
  });

  it('belong to a resume code the server issued: a code the client makes up is replaced', async () => {
    const path = await link(/praktiker/i, 3);
    // The cookie is named after the link's place (a replaced link of the same place finds it).
    const probe = new Client(app.url);
    await probe.get(`${path}/p/1`);
    const name = [...probe.cookies.keys()].find((k) => k.startsWith('praksis_resume_'))!;
    expect(name).toMatch(/^praksis_resume_[A-Za-z0-9_-]{12}$/);
    const client = new Client(app.url);
    client.cookies.set(name, 'AAAAAAAAAAAAAAAAAAAAAA');
    const res = await client.get(`${path}/p/1`);
    expect(res.status).toBe(200);
    expect(client.cookies.get(name)).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(client.cookies.get(name)).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    // A forged code of the right form, with a signature that does not match, is replaced too.
    const forged = `${'B'.repeat(22)}.${'C'.repeat(43)}`;
    const other = new Client(app.url);
    other.cookies.set(name, forged);
    await other.get(`${path}/p/1`);
    expect(other.cookies.get(name)).not.toBe(forged);
  });

  it('are bounded per link: twelve browsers on a one-use link leave at most five drafts', async () => {
    const path = await link(/praktiker/i, 1);
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    for (let i = 0; i < 12; i++) {
      const client = new Client(app.url);
      const page = parsePage(await (await client.get(`${path}/p/1`)).text());
      expect((await client.postForm(page.action, fillForm(qn, page, fullPlan('147')))).status).toBe(200);
    }
    expect((await fieldwork()).drafts).toHaveLength(5);
  });

  it('are deleted when the questionnaire is closed, and after PRAKSIS_DRAFT_DAYS without a change', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const save = async (path: string) => {
      const client = new Client(app.url);
      const page = parsePage(await (await client.get(`${path}/p/1`)).text());
      expect((await client.postForm(page.action, fillForm(qn, page, fullPlan('147')))).status).toBe(200);
    };
    await save(await link(/praktiker/i, 3, '147'));
    await save(await link(/praktiker/i, 3, '851'));
    expect((await fieldwork()).drafts).toHaveLength(2);
    // 59 days later they are kept; 61 days later they are gone.
    const later = (day: string) => createContext(app.definitions, app.store, { today: () => day, draftDays: 60 });
    const today = new Date();
    const plus = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    expect(await expireDrafts(later(plus(59)))).toBe(0);
    expect(await expireDrafts(later(plus(62)))).toBe(2);
    expect((await fieldwork()).drafts).toHaveLength(0);

    await save(await link(/praktiker/i, 3, '265'));
    const study = theStudy(app.definitions);
    const closed = await fetch(`${app.url}/api/v1/studies/${study.id}/questionnaires/${qn.id}/window`, { method: 'PUT', headers: bearer, body: JSON.stringify({ mode: 'closed', openLinks: true }) });
    expect(closed.status).toBe(200);
    expect((await fieldwork()).drafts).toHaveLength(0);
  });
});

describe('link uses under concurrency', () => {
  for (const [uses, concurrent] of [
    [1, 20],
    [3, 30],
  ] as const) {
    it(`${concurrent} concurrent submissions on a ${uses}-use link store exactly ${uses}`, async () => {
      const path = await link(/leder/i, uses, '851');
      const token = path.split('/').pop()!;
      const { answers } = validBody(app.definitions);
      const results = await Promise.all(
        Array.from({ length: concurrent }, (_, i) =>
          fetch(`${app.url}/api/v1/responses`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token, answers, submissionId: `race-${String(i).padStart(4, '0')}-aaaaaaaaaa` }),
          }).then((r) => r.status),
        ),
      );
      expect(results.filter((s) => s === 201)).toHaveLength(uses);
      expect(results.filter((s) => s === 410)).toHaveLength(concurrent - uses);
      expect(await app.store.responses.count()).toBe(uses);
      const [invitation] = await app.store.fieldwork.invitations(theStudy(app.definitions).id);
      expect(invitation!.used).toBe(uses);
    });
  }
});
