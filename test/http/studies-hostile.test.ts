/**
 * Every form of the study and version pages under hostile input: no CSRF token, a token of
 * another session, unknown fields, repeated fields (wrong types), huge strings and a body over
 * the limit. Each is refused with a message and changes nothing in the catalog or the responses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, csrfTokenOf, decodeEntities, parsePage, signIn, startApp, type Running } from './helpers.ts';

let app: Running;
let client: Client;
const STUDY = 'integration_2027';
const QN = `/admin/studies/${STUDY}/questionnaires/ledere`;

async function html(path: string): Promise<string> {
  const res = await client.get(path);
  expect(res.status, path).toBe(200);
  return res.text();
}

const revisionIn = (page: string, action: string) => decodeEntities(/name="revision" value="([^"]*)"/.exec(page.slice(page.indexOf(`action="${action}"`)))![1]!);

/** What must not change: the catalog (studies, heads, versions, test answers) and the responses. */
async function state(): Promise<string> {
  const c = app.store.catalog;
  const studies = await c.studies();
  const parts = await Promise.all(studies.map(async (s) => [s, await c.heads(s.settings.id), await c.versions(s.settings.id), await c.tests(s.settings.id)]));
  return JSON.stringify([parts, await app.store.responses.count({})]);
}

interface FormCase {
  name: string;
  path: string;
  /** The page the form is on and a valid body for it (without the token). */
  page: string;
  body: (page: string) => Record<string, string>;
}

const settingsBody = (page: string) => ({
  revision: revisionIn(page, `/admin/studies/${STUDY}/settings`),
  title: 'Ny titel',
  organisation: 'Analyse & Tal',
  'contact.name': '',
  'contact.email': '',
  'contact.phone': '',
  frame: 'dk_kommuner',
  'fieldwork.opens': '',
  'fieldwork.closes': '',
  weighting: 'equal',
  minCellSize: '5',
});

const FORMS: FormCase[] = [
  {
    name: 'new study',
    path: '/admin/studies',
    page: '/admin/studies/new',
    body: () => ({ id: 'ny_1', title: 'Ny', organisation: 'Org', 'contact.name': '', 'contact.email': '', 'contact.phone': '', frame: 'dk_kommuner', 'fieldwork.opens': '', 'fieldwork.closes': '', weighting: 'equal', minCellSize: '5', 'questionnaire.id': 'ledere', 'questionnaire.title': 'Ledere', 'questionnaire.group': 'Ledere' }),
  },
  { name: 'study import', path: '/admin/studies/import', page: '/admin/studies/new', body: () => ({ json: '{"id": "ny_2"}' }) },
  { name: 'copy', path: '/admin/studies/integration_2016/copy', page: '/admin/studies/integration_2016/copy', body: () => ({ id: 'ny_3', title: 'Kopi' }) },
  { name: 'settings', path: `/admin/studies/${STUDY}/settings`, page: `/admin/studies/${STUDY}/settings`, body: settingsBody },
  { name: 'archive', path: `/admin/studies/${STUDY}/archive`, page: `/admin/studies/${STUDY}/settings`, body: (p) => ({ revision: revisionIn(p, `/admin/studies/${STUDY}/archive`), archived: 'ja' }) },
  { name: 'publish', path: `${QN}/publish`, page: `${QN}/versions`, body: (p) => ({ revision: revisionIn(p, `${QN}/publish`), confirm: 'ja' }) },
  { name: 'draft import', path: `${QN}/import`, page: `${QN}/versions`, body: (p) => ({ revision: revisionIn(p, `${QN}/import`), json: '{"id": "ledere"}' }) },
  { name: 'delete test answers', path: `${QN}/test-answers/delete`, page: `${QN}/versions`, body: () => ({}) },
];

beforeAll(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  client = new Client(app.url);
  expect((await signIn(client)).status).toBe(303);
  const copy = await html('/admin/studies/integration_2016/copy');
  expect((await client.postForm('/admin/studies/integration_2016/copy', { _csrf: csrfTokenOf(copy), id: STUDY, title: 'Opfølgning' })).status).toBe(303);
});
afterAll(async () => {
  await app.close();
});

async function post(path: string, form: URLSearchParams, as = client): Promise<Response> {
  return as.postForm(path, form);
}

describe('hostile input on every study and version form', () => {
  for (const f of FORMS) {
    it(`${f.name}: refused without a token, with another session's token, with unknown, repeated or huge fields; nothing changes`, async () => {
      const page = await html(f.page);
      const token = csrfTokenOf(page);
      const valid = f.body(page);
      const before = await state();
      const attempts: [string, URLSearchParams, number, Client?][] = [];
      attempts.push(['no token', new URLSearchParams(valid), 403]);
      attempts.push(['a made-up token', new URLSearchParams({ ...valid, _csrf: 'x'.repeat(43) }), 403]);
      const other = new Client(app.url);
      await signIn(other);
      attempts.push(["another session's token", new URLSearchParams({ ...valid, _csrf: token }), 403, other]);
      attempts.push(['an unknown field', new URLSearchParams({ ...valid, _csrf: token, evil: '1' }), 400]);
      for (const key of Object.keys(valid)) {
        const repeated = new URLSearchParams({ ...valid, _csrf: token });
        repeated.append(key, valid[key]!);
        attempts.push([`${key} repeated`, repeated, 400]);
        // Longer than any field takes (600 kB encoded), under the body limit.
        attempts.push([`${key} huge`, new URLSearchParams({ ...valid, _csrf: token, [key]: 'ø'.repeat(100_000) }), 400]);
      }
      attempts.push(['a body over 1 MB', new URLSearchParams({ ...valid, _csrf: token, pad: 'x'.repeat(1_100_000) }), 413]);
      const failures: string[] = [];
      for (const [what, form, status, as] of attempts) {
        const res = await post(f.path, form, as);
        const text = await res.text();
        if (res.status !== status) failures.push(`${what}: ${res.status}, expected ${status}`);
        if (res.status === 400 && !/problem|unknown field|give one value|at most/i.test(decodeEntities(text))) failures.push(`${what}: no message`);
      }
      expect(failures).toEqual([]);
      expect(await state()).toBe(before);
    });
  }

  it('test mode pages: no token is refused, a forged state starts again, and nothing is stored', async () => {
    const before = await state();
    const first = await html(`${QN}/test`);
    const p = parsePage(first);
    expect((await post(p.action, new URLSearchParams({ state: p.state, action: 'next' }))).status).toBe(403);
    const forged = await post(p.action, new URLSearchParams({ _csrf: csrfTokenOf(first), state: 'ikke-en-tilstand', action: 'next' }));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('Start forfra');
    expect((await post(`${QN}/test/p/99`, new URLSearchParams({ _csrf: csrfTokenOf(first), state: p.state }))).status).toBe(404);
    expect(await state()).toBe(before);
  });
});
