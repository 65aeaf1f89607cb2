/**
 * Hostile input on every editor form and on the check endpoint: no CSRF token, unknown fields,
 * huge strings, wrong types, forged ids and revisions. Each is refused or ignored with a clear
 * answer, and the draft (and its ETag) stays exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, csrfTokenOf, signIn, startApp, type Running } from './helpers.ts';
import { copyOf2016, draftOf, errorNextTo, formFields, QN, questionIn, questionsOf, withFields } from './editor-helpers.ts';

const STUDY = 'fjendtlig';
const BASE = `/admin/studies/${STUDY}/questionnaires/${QN}/edit`;
let app: Running;
let client: Client;
let token: string;
let revision: string;
let question: string;
let section: string;

beforeAll(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  client = new Client(app.url);
  await signIn(client);
  await copyOf2016(app, STUDY);
  const page = await (await client.get(BASE)).text();
  token = csrfTokenOf(page);
  revision = /name="revision" value="(\d+)"/.exec(page)![1]!;
  const draft = (await draftOf(app, STUDY)).questionnaire;
  // A scale question that is not the first (it can move up) and whose section can be copied.
  const scale = draft.sections.flatMap((s) => s.questions.map((q, i) => ({ s, q, i }))).find(({ q, i }) => q.type === 'scale' && i > 0)!;
  section = scale.s.id;
  question = scale.q.id;
});
afterAll(async () => {
  await app.close();
});

/** Runs `attempt` and checks that the draft and its ETag did not change. */
async function unchanged(attempt: () => Promise<void>): Promise<void> {
  const before = await draftOf(app, STUDY);
  await attempt();
  expect(await draftOf(app, STUDY)).toEqual(before);
}

const posts = () => [
  `${BASE}/questions/${question}`,
  `${BASE}/sections/${section}/new-question`,
  `${BASE}/questions/${question}/move`,
  `${BASE}/questions/${question}/duplicate`,
  `${BASE}/questions/${question}/delete`,
  `${BASE}/new-section`,
  `${BASE}/sections/${section}`,
  `${BASE}/sections/${section}/move`,
  `${BASE}/sections/${section}/duplicate`,
  `${BASE}/sections/${section}/delete`,
  `${BASE}/questionnaire`,
  `${BASE}/check`,
];

describe('the editor under hostile input', () => {
  it('refuses every form without its CSRF token, or with another one (403)', async () => {
    const valid = { revision, direction: 'up', type: 'text', text: 'Hej', title: 'Titel' };
    for (const path of posts()) {
      await unchanged(async () => {
        const none = await client.postForm(path, valid);
        expect(none.status, path).toBe(403);
        expect(await none.text()).toContain('Fejlkode 403');
        const wrong = await client.postForm(path, { ...valid, _csrf: 'A'.repeat(43) });
        expect(wrong.status, path).toBe(403);
        await wrong.arrayBuffer();
      });
    }
    // A signed-out visitor with the form of a signed-in one is sent to the sign-in page.
    const stranger = await fetch(app.url + `${BASE}/questions/${question}/delete`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, revision }).toString() });
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get('location')).toMatch(/^\/admin\/login\?next=/);
  });

  it('refuses forged question, section, questionnaire and study ids with 404', async () => {
    const form = { _csrf: token, revision, direction: 'up', text: 'Hej', title: 'Titel' };
    await unchanged(async () => {
      for (const path of [
        `${BASE}/questions/findes_ikke`, `${BASE}/questions/findes_ikke/move`, `${BASE}/questions/findes_ikke/duplicate`, `${BASE}/questions/findes_ikke/delete`,
        `${BASE}/sections/findes_ikke`, `${BASE}/sections/findes_ikke/new-question`, `${BASE}/sections/findes_ikke/move`, `${BASE}/sections/findes_ikke/delete`,
        `/admin/studies/${STUDY}/questionnaires/findes_ikke/edit/questions/${question}/delete`, `/admin/studies/findes_ikke/questionnaires/${QN}/edit/questions/${question}/delete`,
        `${BASE}/questions/${'x'.repeat(5000)}/delete`, `${BASE}/questions/%3Cscript%3E/delete`,
      ]) {
        const res = await client.postForm(path, form);
        expect(res.status, path).toBe(404);
        expect(await res.text()).not.toContain('<script>');
      }
      expect((await client.get(`${BASE}/questions/findes_ikke`)).status).toBe(404);
      expect((await client.get(`${BASE}/sections/findes_ikke`)).status).toBe(404);
    });
  });

  it('refuses a stale, forged or missing revision (412, 428) and a direction that is not up or down (400)', async () => {
    await unchanged(async () => {
      for (const [bad, status] of [['0', 412], ['abc', 412], ['"r1", "r2"', 412], ['', 428], ['9'.repeat(12), 412]] as const) {
        const res = await client.postForm(`${BASE}/questions/${question}/delete`, { _csrf: token, revision: bad });
        expect(res.status, bad).toBe(status);
        await res.arrayBuffer();
      }
      const moved = await client.postForm(`${BASE}/questions/${question}/move`, { _csrf: token, revision, direction: 'sideways' });
      expect(moved.status).toBe(400);
      expect(await moved.text()).toContain('Fejlkode 400.2');
    });
  });

  it('ignores unknown fields: nothing but the question\'s own fields reaches the draft', async () => {
    const page = await (await client.get(`${BASE}/questions/${question}`)).text();
    const form = withFields(formFields(page), { evil: '1', '__proto__': 'x', 'constructor.prototype.polluted': 'ja', 'options[0].evil': 'x', 'figure.evil': 'x', 'showIf.evil': 'x' });
    const res = await client.postForm(`${BASE}/questions/${question}`, form);
    expect(res.status).toBe(303);
    const saved = questionIn((await draftOf(app, STUDY)).questionnaire, question)!;
    expect(JSON.stringify(saved)).not.toMatch(/evil|polluted/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    revision = String(Number(revision) + 1);
  });

  it('refuses huge strings next to their field, and a body over the limit (413)', async () => {
    const page = await (await client.get(`${BASE}/questions/${question}`)).text();
    await unchanged(async () => {
      const res = await client.postForm(`${BASE}/questions/${question}`, withFields(formFields(page), { text: 'x'.repeat(20_000) }));
      const body = await res.text();
      expect(res.status).toBe(400);
      expect(errorNextTo(body, 'f-text'), /<div id="fejlopsummering"[\s\S]*?<\/div>/.exec(body)?.[0]).toContain('longer than 10,000 characters');
      const label = await client.postForm(`${BASE}/questions/${question}`, withFields(formFields(page), { 'options[0].label': 'y'.repeat(50_000) }));
      expect(label.status).toBe(400);
      expect(errorNextTo(await label.text(), 'f-options-0-label')).toContain('longer than');
      const sectionPage = await (await client.get(`${BASE}/sections/${section}`)).text();
      const title = await client.postForm(`${BASE}/sections/${section}`, withFields(formFields(sectionPage), { title: 'z'.repeat(10_001) }));
      expect(title.status).toBe(400);
      expect(errorNextTo(await title.text(), 'f-title')).toContain('longer than');
      const huge = await client.postForm(`${BASE}/questions/${question}`, withFields(formFields(page), { text: 'x'.repeat(1_100_000) }));
      expect(huge.status).toBe(413);
      await huge.arrayBuffer();
    });
  });

  it('refuses wrong types with the message next to the field', async () => {
    const page = await (await client.get(`${BASE}/questions/${question}`)).text();
    await unchanged(async () => {
      for (const [fields, id] of [
        [{ type: 'ondsindet' }, 'f-type'],
        [{ 'options[0].code': 'IKKE EN KODE' }, 'f-options-0-code'],
        [{ 'figure.number': '-3', 'figure.title': 'Figur' }, 'f-figure-number'],
        [{ 'showIf.question': question, 'showIf.operator': 'equals' }, 'f-showIf-question'],
        [{ text: '' }, 'f-text'],
      ] as const) {
        const res = await client.postForm(`${BASE}/questions/${question}`, withFields(formFields(page), fields));
        const text = await res.text();
        expect(res.status, JSON.stringify(fields)).toBe(400);
        expect(errorNextTo(text, id), `${JSON.stringify(fields)}: ${/<div id="fejlopsummering"[\s\S]*?<\/div>/.exec(text)?.[0]}`).toBeTruthy();
      }
      // Repeated fields where one value is expected: the first one counts.
      const twice = new URLSearchParams(formFields(page));
      twice.append('type', 'number');
      expect((await client.postForm(`${BASE}/questions/${question}`, withFields(twice, { text: '' }))).status).toBe(400);
    });
  });

  it('the check endpoint refuses what is not a form or a definition, and stores nothing', async () => {
    await unchanged(async () => {
      const headers = { 'x-csrf-token': token };
      expect((await client.postJson(`${BASE}/check`, [1, 2], headers)).status).toBe(403);
      expect((await client.postJson(`${BASE}/check`, '{"form":', headers)).status).toBe(400);
      expect((await client.postJson(`${BASE}/check`, { form: 'tekst', section: 'findes_ikke' }, headers)).status).toBe(404);
      expect((await client.postJson(`${BASE}/check`, { form: {}, question: 'findes_ikke' }, headers)).status).toBe(404);
      const proto = await client.postJson(`${BASE}/check`, '{"form":{"__proto__":{"x":1}},"question":"' + question + '"}', headers);
      expect(proto.status).toBe(400);
      const odd = await client.postJson(`${BASE}/check`, { definition: 42 }, headers);
      expect(odd.status).toBe(200);
      expect(((await odd.json()) as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
      const other = new Client(app.url);
      await signIn(other);
      expect((await other.postJson(`${BASE}/check`, { definition: {} }, headers)).status).toBe(403);
    });
    expect(questionsOf((await draftOf(app, STUDY)).questionnaire).length).toBeGreaterThan(0);
  });
});
