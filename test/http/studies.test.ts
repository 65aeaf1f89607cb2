/**
 * Studies and versions in the evaluator area, through the real app and its forms (session and
 * CSRF): create, copy the 2016 template, settings under If-Match, archive, publish (cosmetic,
 * breaking with and without the confirmation), JSON export and import, and test mode.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, csrfTokenOf, decodeEntities, parsePage, signIn, startApp, type Running } from './helpers.ts';
import { fillForm, fullPlan } from './walk.ts';
import { makeUser, signedIn } from '../security/accounts-helpers.ts';
import type { TChoiceQuestion, TQuestion, TQuestionnaire, TStudy } from '../../src/survey/schema.ts';

const isChoice = (q: TQuestion): q is TChoiceQuestion => 'options' in q;

let app: Running;
let client: Client;

beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  client = new Client(app.url);
  expect((await signIn(client)).status).toBe(303);
});
afterEach(async () => {
  await app.close();
});

const TEMPLATE = 'integration_2016';
const versionsUrl = (study: string, qn: string) => `/admin/studies/${study}/questionnaires/${qn}/versions`;

async function page(path: string): Promise<{ status: number; html: string; token: string }> {
  const res = await client.get(path);
  const html = await res.text();
  return { status: res.status, html, token: csrfTokenOf(html) };
}

/** The hidden `revision` of the first form on the page that has one (an ETag such as "r3"). */
function revisionOf(html: string, action?: string): string {
  const scope = action ? html.slice(html.indexOf(`action="${action}"`)) : html;
  return decodeEntities(/name="revision" value="([^"]*)"/.exec(scope)![1]!);
}

/** The text of an element's messages next to a field: the error lines inside the field's block. */
function fieldErrors(html: string, field: string): string[] {
  const id = `f-${field.replace(/[^a-z0-9]/gi, '-')}`;
  const block = new RegExp(`<div class="question has-error">\\s*<label class="question-text" for="${id}">[\\s\\S]*?</div>`).exec(html)?.[0] ?? '';
  return [...block.matchAll(/<p class="error-message"[^>]*><span class="visually-hidden">Fejl: <\/span>([^<]*)<\/p>/g)].map((m) => decodeEntities(m[1]!));
}

const valueOf = (html: string, field: string) => decodeEntities(new RegExp(`name="${field.replace('.', '\\.')}" value="([^"]*)"`).exec(html)?.[1] ?? '');

async function copyTemplate(id = 'integration_2027', title = 'Opfølgning 2027'): Promise<void> {
  const { token } = await page(`/admin/studies/${TEMPLATE}/copy`);
  const res = await client.postForm(`/admin/studies/${TEMPLATE}/copy`, { _csrf: token, id, title });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(`/admin/studies?oprettet=${id}`);
}

async function publish(study: string, qn: string, confirm = false): Promise<Response> {
  const { html, token } = await page(versionsUrl(study, qn));
  return client.postForm(`/admin/studies/${study}/questionnaires/${qn}/publish`, { _csrf: token, revision: revisionOf(html, `/admin/studies/${study}/questionnaires/${qn}/publish`), ...(confirm ? { confirm: 'ja' } : {}) });
}

/** Replaces the draft through the import form (pasted JSON). */
async function importDraft(study: string, qn: string, definition: unknown): Promise<Response> {
  const { html, token } = await page(versionsUrl(study, qn));
  return client.postForm(`/admin/studies/${study}/questionnaires/${qn}/import`, { _csrf: token, revision: revisionOf(html, `/admin/studies/${study}/questionnaires/${qn}/import`), json: typeof definition === 'string' ? definition : JSON.stringify(definition) });
}

async function draftJson(study: string, qn: string): Promise<TQuestionnaire> {
  const res = await client.get(`/admin/studies/${study}/questionnaires/${qn}/draft.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.json"$/);
  return (await res.json()) as TQuestionnaire;
}

/** What the store holds of the catalog: equal before and after means nothing changed. */
async function catalogState(): Promise<string> {
  const c = app.store.catalog;
  const studies = await c.studies();
  const parts = await Promise.all(studies.map(async (s) => ({ s, heads: await c.heads(s.settings.id), versions: await c.versions(s.settings.id), tests: await c.tests(s.settings.id) })));
  return JSON.stringify(parts);
}

const createForm = (overrides: Record<string, string> = {}) => ({
  id: 'boligsocial_2027',
  title: 'Boligsocial evaluering 2027',
  organisation: 'Analyse & Tal',
  'contact.name': 'Mette Hansen',
  'contact.email': 'mette@example.dk',
  'contact.phone': '+45 12 34 56 78',
  frame: 'dk_kommuner',
  'fieldwork.opens': '2027-03-01',
  'fieldwork.closes': '2027-03-31',
  weighting: 'equal',
  minCellSize: '5',
  'questionnaire.id': 'ledere',
  'questionnaire.title': 'Spørgeskema til ledere',
  'questionnaire.group': 'Ledere',
  ...overrides,
});

describe('studies in the evaluator area', () => {
  it('creates a study from the form: stored with its settings, listed, its questionnaire a draft that publishes as version 1', async () => {
    expect((await page('/admin')).html).toContain('href="/admin/studies"');
    const { token } = await page('/admin/studies/new');
    const res = await client.postForm('/admin/studies', { _csrf: token, ...createForm() });
    expect(res.status).toBe(303);
    const stored = await app.store.catalog.study('boligsocial_2027');
    expect(stored?.settings).toMatchObject({ title: 'Boligsocial evaluering 2027', organisation: 'Analyse & Tal', contact: { name: 'Mette Hansen', email: 'mette@example.dk', phone: '+45 12 34 56 78' }, fieldwork: { opens: '2027-03-01', closes: '2027-03-31' }, minCellSize: 5 });
    const list = (await page('/admin/studies')).html;
    expect(list).toContain('Boligsocial evaluering 2027');
    expect(list).toContain('/admin/studies/boligsocial_2027/questionnaires/ledere/edit');
    expect(list).toContain('ikke offentliggjort, har en kladde');
    expect((await page(versionsUrl('boligsocial_2027', 'ledere'))).html).toContain('Kladden bliver version 1, den første');
    expect((await publish('boligsocial_2027', 'ledere')).status).toBe(303);
    expect((await app.store.catalog.versions('boligsocial_2027', 'ledere')).map((v) => v.version)).toEqual([1]);
  });

  it('refuses a bad new-study form: each problem next to its field, the posted values kept, nothing stored', async () => {
    const { token } = await page('/admin/studies/new');
    const before = await catalogState();
    const res = await client.postForm('/admin/studies', { _csrf: token, ...createForm({ id: 'Bad Id', 'contact.email': 'not-an-address', 'fieldwork.closes': '2027-02-01', title: '' }) });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldErrors(html, 'id')[0]).toMatch(/lower-case letters/);
    expect(fieldErrors(html, 'contact.email')[0]).toMatch(/e-mail address/);
    expect(fieldErrors(html, 'title')).toEqual(['fill in this field']);
    expect(html).toContain('id="fejlopsummering"');
    expect(valueOf(html, 'contact.name')).toBe('Mette Hansen');
    expect(valueOf(html, 'id')).toBe('Bad Id');
    // The cross-field rule (closes before opens) is found once the fields themselves are valid.
    const again = await client.postForm('/admin/studies', { _csrf: token, ...createForm({ 'fieldwork.closes': '2027-02-01' }) });
    expect(again.status).toBe(400);
    expect(fieldErrors(await again.text(), 'fieldwork.closes')[0]).toMatch(/closes \(2027-02-01\) before it opens/);
    // A taken id (the template's) is refused too.
    const taken = await client.postForm('/admin/studies', { _csrf: token, ...createForm({ id: TEMPLATE }) });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('taken by a template');
    expect(await catalogState()).toBe(before);
  });

  it('copies the 2016 template; its settings change under If-Match, and a stale revision is a conflict that keeps the posted values', async () => {
    await copyTemplate();
    const list = (await page('/admin/studies')).html;
    expect(list).toMatch(/Opfølgning 2027[\s\S]*kopi af <code>integration_2016<\/code>/);
    const settingsUrl = '/admin/studies/integration_2027/settings';
    const first = await page(settingsUrl);
    const stale = revisionOf(first.html);
    expect(valueOf(first.html, 'organisation')).toBe('LG Insight');
    const form = { _csrf: first.token, revision: stale, title: 'Opfølgning 2027', organisation: 'Analyse & Tal', 'contact.name': 'Mette Hansen', 'contact.email': 'mette@example.dk', 'contact.phone': '', frame: 'dk_kommuner', 'fieldwork.opens': '', 'fieldwork.closes': '', weighting: 'equal', minCellSize: '7' };
    const saved = await client.postForm(settingsUrl, form);
    expect(saved.status).toBe(303);
    expect((await app.store.catalog.study('integration_2027'))?.settings).toMatchObject({ organisation: 'Analyse & Tal', minCellSize: 7, contact: { name: 'Mette Hansen', email: 'mette@example.dk' } });
    // The template's "original" (not on the form) is kept.
    expect((await app.store.catalog.study('integration_2027'))?.settings.original?.fieldworkFrom).toBe('2015-11-02');

    // A second editor posts with the revision they read before the save: 412, their values shown, nothing saved.
    const conflict = await client.postForm(settingsUrl, { ...form, organisation: 'Et andet firma', minCellSize: '3' });
    expect(conflict.status).toBe(412);
    const html = await conflict.text();
    expect(html).toContain('Nogen har gemt en ændring, siden du åbnede siden');
    expect(valueOf(html, 'organisation')).toBe('Et andet firma');
    expect(valueOf(html, 'minCellSize')).toBe('3');
    expect(html).toMatch(/<code>organisation<\/code>: gemt nu »Analyse &amp; Tal«/);
    expect((await app.store.catalog.study('integration_2027'))?.settings).toMatchObject({ organisation: 'Analyse & Tal', minCellSize: 7 });
    // Saving again from that page (its current revision) is a deliberate overwrite.
    const retry = await client.postForm(settingsUrl, { ...form, revision: revisionOf(html), organisation: 'Et andet firma', minCellSize: '3' });
    expect(retry.status).toBe(303);
    expect((await app.store.catalog.study('integration_2027'))?.settings.organisation).toBe('Et andet firma');
  });

  it('archives a study: its open link refuses answers and it is listed apart; it can be taken back', async () => {
    await copyTemplate();
    expect((await publish('integration_2027', 'ledere')).status).toBe(303);
    expect((await client.get('/s/integration_2027/ledere')).status).toBe(200);
    const settings = await page('/admin/studies/integration_2027/settings');
    const res = await client.postForm('/admin/studies/integration_2027/archive', { _csrf: settings.token, revision: revisionOf(settings.html, '/admin/studies/integration_2027/archive'), archived: 'ja' });
    expect(res.status).toBe(303);
    const landing = await client.get('/s/integration_2027/ledere');
    expect(landing.status).toBe(410);
    const p1 = await new Client(app.url).postForm('/s/integration_2027/ledere/p/1', { state: 'x' });
    expect(p1.status).toBe(410);
    const list = (await page('/admin/studies')).html;
    const archivedPart = list.slice(list.indexOf('id="arkiverede"'));
    expect(archivedPart).toContain('Opfølgning 2027');
    expect(list.slice(list.indexOf('id="studier"'), list.indexOf('id="arkiverede"'))).not.toContain('Opfølgning 2027');
    const back = await page('/admin/studies/integration_2027/settings');
    expect(back.html).toContain('Studiet er arkiveret');
    await client.postForm('/admin/studies/integration_2027/archive', { _csrf: back.token, revision: revisionOf(back.html, '/admin/studies/integration_2027/archive'), archived: 'nej' });
    expect((await client.get('/s/integration_2027/ledere')).status).toBe(200);
  });

  it('publishes a cosmetic change with one button; a breaking change is refused without the checkbox and published with it', async () => {
    await copyTemplate();
    expect((await publish('integration_2027', 'ledere')).status).toBe(303);
    const v1 = await draftJson('integration_2027', 'ledere');
    const scale = v1.sections.flatMap((s) => s.questions).filter(isChoice).find((q) => q.type === 'scale' && q.options.length >= 3)!;
    const relabelled = structuredClone(v1);
    const q = relabelled.sections.flatMap((s) => s.questions).filter(isChoice).find((x) => x.id === scale.id)!;
    q.options[0]!.label = `${q.options[0]!.label} (ny tekst)`;
    expect((await importDraft('integration_2027', 'ledere', relabelled)).status).toBe(303);
    const cosmetic = (await page(versionsUrl('integration_2027', 'ledere'))).html;
    expect(cosmetic).toContain('Kosmetisk (kun tekster)');
    expect(cosmetic).not.toContain('name="confirm"');
    expect((await publish('integration_2027', 'ledere')).status).toBe(303);

    // Remove an option that is not used by a condition or a combined category: breaking.
    const v2 = await draftJson('integration_2027', 'ledere');
    const target = v2.sections.flatMap((s) => s.questions).filter(isChoice).find((x) => x.options.some((o) => o.nonSubstantive))!;
    const removed = target.options.find((o) => o.nonSubstantive)!;
    target.options = target.options.filter((o) => o.code !== removed.code);
    const breaking = await importDraft('integration_2027', 'ledere', v2);
    expect(breaking.status, await breaking.clone().text()).toBe(303);
    const panel = (await page(versionsUrl('integration_2027', 'ledere'))).html;
    expect(panel).toContain('Brud (fjernede eller ændrede');
    expect(panel).toContain(`${target.id}: svarmuligheden »${removed.label}« er fjernet`);
    const refused = await publish('integration_2027', 'ledere');
    expect(refused.status).toBe(409);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('Ikke offentliggjort');
    expect(refusedHtml).toContain(`${target.id}: svarmuligheden »${removed.label}« er fjernet`);
    expect((await app.store.catalog.versions('integration_2027', 'ledere')).length).toBe(2);
    expect((await publish('integration_2027', 'ledere', true)).status).toBe(303);

    const versions = (await app.store.catalog.versions('integration_2027', 'ledere')).map((v) => [v.version, v.change]);
    expect(versions).toEqual([[1, 'additive'], [2, 'cosmetic'], [3, 'breaking']]);
    const listed = (await page(versionsUrl('integration_2027', 'ledere'))).html;
    for (const n of [1, 2, 3]) expect(listed).toContain(`/versions/${n}.json`);
    expect(listed).toMatch(/<td>3<\/td>\s*<td>\d{4}-\d{2}-\d{2}<\/td>\s*<td>Brud/);
    const exported = (await (await client.get('/admin/studies/integration_2027/questionnaires/ledere/versions/2.json')).json()) as TQuestionnaire;
    expect(exported.version).toBe(2);
  });

  it('exports a study as JSON and imports it again as a new study (round trip), and a draft likewise', async () => {
    await copyTemplate();
    const res = await client.get('/admin/studies/integration_2027/definition.json');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="integration_2027.json"');
    const definition = (await res.json()) as TStudy;
    const { token } = await page('/admin/studies/new');
    const imported = await client.postForm('/admin/studies/import', { _csrf: token, json: JSON.stringify({ ...definition, id: 'integration_2028', title: 'Importeret' }) });
    expect(imported.status).toBe(303);
    const again = (await (await client.get('/admin/studies/integration_2028/definition.json')).json()) as TStudy;
    expect({ ...again, id: definition.id, title: definition.title }).toEqual(definition);

    // The draft: exported, imported unchanged through a file upload (multipart), exported again the same.
    const draft = await draftJson('integration_2027', 'praktikere');
    const { html, token: t2 } = await page(versionsUrl('integration_2027', 'praktikere'));
    const body = new FormData();
    body.set('_csrf', t2);
    body.set('revision', revisionOf(html, '/admin/studies/integration_2027/questionnaires/praktikere/import'));
    body.set('file', new Blob([JSON.stringify(draft)], { type: 'application/json' }), 'praktikere.json');
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const upload = await fetch(`${app.url}/admin/studies/integration_2027/questionnaires/praktikere/import`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' });
    expect(upload.status).toBe(303);
    expect(await draftJson('integration_2027', 'praktikere')).toEqual(draft);
  });

  it('refuses a JSON import with errors: every problem by its JSON path, the text kept, nothing changed', async () => {
    await copyTemplate();
    const before = await catalogState();
    const draft = await draftJson('integration_2027', 'ledere');
    const broken = structuredClone(draft) as unknown as { sections: { questions: Record<string, unknown>[] }[]; minutes: unknown };
    broken.sections[0]!.questions[0]!.type = 'slider';
    broken.minutes = 'ti';
    const res = await importDraft('integration_2027', 'ledere', broken);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Ikke importeret');
    expect(html).toContain('<code>sections[0].questions[0].type</code>');
    expect(html).toContain('<code>minutes</code>');
    // The whole pasted text is kept to be fixed.
    expect(decodeEntities(/<textarea id="import-tekst" name="json"[^>]*>([^<]*)<\/textarea>/.exec(html)![1]!)).toBe(JSON.stringify(broken));
    const syntax = await importDraft('integration_2027', 'ledere', '{"id": "ledere",');
    expect(syntax.status).toBe(400);
    expect(await syntax.text()).toMatch(/<code>\(file\)<\/code>: <span lang="en">not valid JSON/);
    const { token } = await page('/admin/studies/new');
    const study = await client.postForm('/admin/studies/import', { _csrf: token, json: JSON.stringify({ id: 'x_1', title: 'X', questionnaires: [] }) });
    expect(study.status).toBe(400);
    const studyHtml = await study.text();
    expect(studyHtml).toContain('<code>organisation</code>');
    expect(studyHtml).toContain('<code>questionnaires</code>');
    const proto = await client.postForm('/admin/studies/import', { _csrf: token, json: '{"__proto__": {"x": 1}}' });
    expect(proto.status).toBe(400);
    expect(await catalogState()).toBe(before);
  });

  it('test mode: the respondent pages with a banner; the answer is stored apart (responses and tables unchanged), counted as a test and cleared', async () => {
    const study = app.definitions.studies.find((s) => s.id === TEMPLATE)!;
    const qn = study.questionnaires.find((q) => q.id === 'praktikere')!;
    const responsesBefore = await app.store.responses.count({ study: TEMPLATE });
    const tablesBefore = await (await fetch(`${app.url}/api/v1/studies/${TEMPLATE}/exports/tables.csv`, { headers: { authorization: 'Bearer test-api-key-0123456789abcdef' } })).text();
    let res = await client.get(`/admin/studies/${TEMPLATE}/questionnaires/praktikere/test`);
    expect(res.status).toBe(200);
    let html = await res.text();
    expect(html).toContain('Testtilstand.');
    expect(html).toContain('<form id="spoergeskema"');
    for (let i = 0; i < 30; i++) {
      const p = parsePage(html);
      expect(p.action).toMatch(/^\/admin\/studies\/integration_2016\/questionnaires\/praktikere\/test\/p\/\d+$/);
      const form = fillForm(qn, p, fullPlan('147'));
      form.set('_csrf', csrfTokenOf(html));
      res = await client.postForm(p.action, form);
      if (res.status === 303) break;
      html = await res.text();
      expect(res.status, parsePage(html).errorSummary).toBe(200);
    }
    expect(res.headers.get('location')).toBe(`/admin/studies/${TEMPLATE}/questionnaires/praktikere/test/tak`);
    const thanks = await (await client.get(res.headers.get('location')!)).text();
    expect(thanks).toContain('Der er nu 1 testsvar');
    expect(await app.store.responses.count({ study: TEMPLATE })).toBe(responsesBefore);
    const tablesAfter = await (await fetch(`${app.url}/api/v1/studies/${TEMPLATE}/exports/tables.csv`, { headers: { authorization: 'Bearer test-api-key-0123456789abcdef' } })).text();
    expect(tablesAfter).toBe(tablesBefore);
    expect((await app.store.catalog.tests(TEMPLATE, 'praktikere')).length).toBe(1);
    const versions = await page(versionsUrl(TEMPLATE, 'praktikere'));
    expect(versions.html).toContain('Der er 1 testsvar');
    const cleared = await client.postForm(`/admin/studies/${TEMPLATE}/questionnaires/praktikere/test-answers/delete`, { _csrf: versions.token });
    expect(cleared.status).toBe(303);
    expect(cleared.headers.get('location')).toMatch(/slettet=1$/);
    expect((await app.store.catalog.tests(TEMPLATE, 'praktikere')).length).toBe(0);
    // A test page posted without the form's token is refused and stores nothing.
    const first = parsePage(await (await client.get(`/admin/studies/${TEMPLATE}/questionnaires/praktikere/test`)).text());
    expect((await client.postForm(first.action, { state: first.state, action: 'next' })).status).toBe(403);
  });

  it("an evaluator's copy is theirs: listed and editable for them, neither for an evaluator of another study; a template's settings are read-only", async () => {
    const mine = await signedIn(app, await makeUser(app, 'eva', 'evaluator', [TEMPLATE]));
    const other = await signedIn(app, await makeUser(app, 'olga', 'evaluator', []));
    const copy = await (await mine.get(`/admin/studies/${TEMPLATE}/copy`)).text();
    expect((await mine.postForm(`/admin/studies/${TEMPLATE}/copy`, { _csrf: csrfTokenOf(copy), id: 'evas_studie', title: 'Evas studie' })).status).toBe(303);
    expect(await (await mine.get('/admin/studies')).text()).toContain('Evas studie');
    expect((await mine.get('/admin/studies/evas_studie/settings')).status).toBe(200);
    expect(await (await other.get('/admin/studies')).text()).not.toContain('Evas studie');
    expect((await other.get('/admin/studies/evas_studie/settings')).status).toBe(403);
    expect((await other.get('/admin/studies/evas_studie/copy')).status).toBe(403);

    const template = await page(`/admin/studies/${TEMPLATE}/settings`);
    expect(template.html).toContain('skabelon (kan ikke ændres)');
    expect(template.html).not.toContain('name="revision"');
    const before = await catalogState();
    const refused = await client.postForm(`/admin/studies/${TEMPLATE}/settings`, { _csrf: template.token, revision: '"r1"', title: 'X', organisation: 'X', frame: 'dk_kommuner', weighting: 'equal', minCellSize: '5' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('read-only template');
    expect(await catalogState()).toBe(before);
  });

  it('a draft import or a publish from a page read before someone else saved is a 412: nothing saved, the pasted text kept', async () => {
    await copyTemplate();
    const url = versionsUrl('integration_2027', 'ledere');
    const stalePage = await page(url);
    const stale = revisionOf(stalePage.html, '/admin/studies/integration_2027/questionnaires/ledere/import');
    const draft = await draftJson('integration_2027', 'ledere');
    // Someone else saves the draft (a new title) meanwhile.
    expect((await importDraft('integration_2027', 'ledere', { ...draft, title: 'Den andens titel' })).status).toBe(303);
    const mine = JSON.stringify({ ...draft, title: 'Min titel' });
    const res = await client.postForm('/admin/studies/integration_2027/questionnaires/ledere/import', { _csrf: stalePage.token, revision: stale, json: mine });
    expect(res.status).toBe(412);
    const html = await res.text();
    expect(html).toContain('Nogen har gemt en ændring, siden du åbnede siden');
    expect(decodeEntities(/<textarea id="import-tekst" name="json"[^>]*>([^<]*)<\/textarea>/.exec(html)![1]!)).toBe(mine);
    expect((await draftJson('integration_2027', 'ledere')).title).toBe('Den andens titel');
    const publish = await client.postForm('/admin/studies/integration_2027/questionnaires/ledere/publish', { _csrf: stalePage.token, revision: stale });
    expect(publish.status).toBe(412);
    expect(await app.store.catalog.versions('integration_2027', 'ledere')).toEqual([]);
  });
});
