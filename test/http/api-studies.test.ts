/**
 * Issue 19 through the JSON API (Bearer key of an evaluator): a study made from a definition or a
 * copy of the 2016 template, its drafts under ETag / If-Match, publishing with the change classes,
 * versions, respondents who finish on the version they started, archived studies, test answers,
 * and hostile input that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TQuestionnaire } from '../../src/survey/schema.ts';
import { Client, startApp, type Running } from './helpers.ts';
import { bearer, makeKey, makeUser } from '../security/accounts-helpers.ts';

let app: Running;
let key: string;
let otherKey: string;

const json = (method: string, body?: unknown, extra: Record<string, string> = {}, k = () => key) => ({
  method,
  headers: { ...bearer(k()), ...extra },
  ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
});
const api = (path: string, init?: RequestInit) => fetch(`${app.url}/api/v1${path}`, init);

/** A small two-page study: page 1 municipality + a scale with "Ved ikke", page 2 a multi with "Andet, angiv" and a conditional text. */
function smallStudy(id: string) {
  return {
    id,
    title: 'Lille undersøgelse',
    organisation: 'Testinstituttet',
    contact: { name: 'Karin Kontakt', email: 'karin@example.org' },
    frame: 'dk_kommuner',
    questionnaires: [
      {
        id: 'ledere',
        group: 'Ledere',
        title: 'Spørgeskema til ledere',
        intro: 'Om integrationsindsatsen.',
        minutes: 5,
        sections: [
          {
            id: 'a',
            title: 'Om dig',
            questions: [
              { id: 'kommune', type: 'municipality', text: 'Hvilken kommune arbejder du i?' },
              {
                id: 'frist',
                type: 'scale',
                text: 'Hvor ofte overholdes fristen?',
                options: [
                  { code: 'altid', label: 'Altid' },
                  { code: 'ofte', label: 'Ofte' },
                  { code: 'sjaeldent', label: 'Sjældent' },
                  { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true },
                ],
                figure: { number: 1, title: 'Overholdes fristen?' },
              },
            ],
          },
          {
            id: 'b',
            title: 'Indsatser',
            questions: [
              {
                id: 'tilbud',
                type: 'multi',
                text: 'Hvilke tilbud bruger I?',
                options: [
                  { code: 'sprog', label: 'Danskuddannelse' },
                  { code: 'job', label: 'Virksomhedspraktik' },
                  { code: 'andet', label: 'Andet, angiv', other: true },
                ],
              },
              { id: 'hvorfor', type: 'text', text: 'Hvorfor sjældent?', required: false, showIf: { question: 'frist', equals: 'sjaeldent' } },
            ],
          },
        ],
      },
    ],
  };
}

async function draftOf(study: string, qn: string): Promise<{ etag: string; definition: TQuestionnaire }> {
  const res = await api(`/studies/${study}/questionnaires/${qn}/draft`, json('GET'));
  expect(res.status).toBe(200);
  return { etag: res.headers.get('etag')!, definition: (await res.json()) as TQuestionnaire };
}

async function put(study: string, qn: string, definition: unknown, etag: string | undefined) {
  return api(`/studies/${study}/questionnaires/${qn}/draft`, json('PUT', definition, etag === undefined ? {} : { 'if-match': etag }));
}

async function publish(study: string, qn: string, body: unknown = {}) {
  return api(`/studies/${study}/questionnaires/${qn}/publish`, json('POST', body));
}

/** The hidden flow state of a respondent page. */
const stateOf = (html: string) => /name="state" value="([^"]+)"/.exec(html)![1]!;
const frameCode = () => app.definitions.frames.get('dk_kommuner')!.municipalities.find((m) => m.eligible)!.code;

beforeAll(async () => {
  app = await startApp();
  const eva = await makeUser(app, 'eva', 'evaluator', ['integration_2016']);
  key = await makeKey(app, eva.id);
  const viewer = await makeUser(app, 'vera', 'viewer', ['integration_2016']);
  otherKey = await makeKey(app, viewer.id);
});
afterAll(() => app?.close());

describe('creating studies', () => {
  it('POST /api/v1/studies with a definition → 201; its questionnaire is a draft (not answerable) until published', async () => {
    const res = await api('/studies', json('POST', smallStudy('lille')));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/v1/studies/lille');
    expect(await res.json()).toMatchObject({ id: 'lille', questionnaires: ['ledere'] });
    const answer = await api('/responses', json('POST', { study: 'lille', questionnaire: 'ledere', municipality: frameCode(), answers: {} }));
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/no published version/);
    // The evaluator who made it is a member of it now.
    expect(((await (await api('/whoami', json('GET'))).json()) as { studies: string[] }).studies).toContain('lille');
  });

  it('an invalid definition → 400 with every problem by JSON path, nothing stored', async () => {
    const bad = smallStudy('kaputt') as ReturnType<typeof smallStudy> & Record<string, unknown>;
    (bad.questionnaires[0]!.sections[1]!.questions[1]! as { showIf?: unknown }).showIf = { question: 'senere', equals: 'x' };
    (bad.questionnaires[0]!.sections[0]!.questions[1]! as { options: { code: string }[] }).options[1]!.code = 'altid';
    bad.frame = 'ingen_ramme';
    const res = await api('/studies', json('POST', bad));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems: { path: string; message: string }[] };
    const paths = body.problems.map((p) => p.path);
    expect(paths).toContain('questionnaires[0].sections[1].questions[1].showIf.question');
    expect(paths).toContain('questionnaires[0].sections[0].questions[1].options[1].code');
    expect(await app.store.catalog.study('kaputt')).toBeUndefined();
    // The frame is checked once the definition itself is valid.
    const noFrame = { ...smallStudy('kaputt'), frame: 'ingen_ramme' };
    const res2 = await api('/studies', json('POST', noFrame));
    expect(res2.status).toBe(400);
    expect(((await res2.json()) as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual(['frame']);
  });

  it('an id taken by a template or a stored study → 409; a template is read-only', async () => {
    expect((await api('/studies', json('POST', smallStudy('integration_2016')))).status).toBe(409);
    expect((await api('/studies', json('POST', smallStudy('lille')))).status).toBe(409);
    const { etag, definition } = await draftOf('integration_2016', 'ledere');
    expect(etag).toBeNull();
    const res = await put('integration_2016', 'ledere', definition, '"r1"');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(409.4);
  });

  it('a viewer may not create or edit; without a key → 401', async () => {
    expect((await api('/studies', json('POST', smallStudy('vera_studie'), {}, () => otherKey))).status).toBe(403);
    expect((await api('/studies', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(smallStudy('x')) })).status).toBe(401);
  });
});

describe('drafts, publishing and versions', () => {
  it('copy of the 2016 study, a question with a condition added, published as version 1 and answered', async () => {
    const copy = await api('/studies/integration_2016/copy', json('POST', { id: 'ny_2026', title: 'Integrationsindsatsen 2026' }));
    expect(copy.status).toBe(201);
    const { etag, definition } = await draftOf('ny_2026', 'ledere');
    expect(etag).toBe('"r1"');
    const template = app.definitions.studies[0]!.questionnaires.find((q) => q.id === 'ledere')!;
    expect(definition.sections.length).toBe(template.sections.length);
    definition.sections.at(-1)!.questions.push({
      id: 'ny_opfoelgning',
      type: 'text',
      text: 'Hvorfor overholdes fristen sjældent?',
      required: false,
      maxLength: 2000,
      showIf: { question: 'kontrakt_frist', in: ['sjaeldent', 'aldrig'] },
    });
    const saved = await put('ny_2026', 'ledere', definition, etag);
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"r2"');
    const published = await publish('ny_2026', 'ledere');
    expect(published.status).toBe(200);
    expect(await published.json()).toEqual({ version: 1, change: 'additive', details: ['first published version'] });
    const versions = (await (await api('/studies/ny_2026/questionnaires/ledere/versions', json('GET'))).json()) as { version: number; change: string }[];
    expect(versions.map((v) => [v.version, v.change])).toEqual([[1, 'additive']]);
    // After publishing there is no draft: GET draft gives the published version with a new ETag.
    const after = await draftOf('ny_2026', 'ledere');
    expect(after.etag).toBe('"r3"');
    expect(after.definition.version).toBe(1);
    expect(after.definition.sections.at(-1)!.questions.at(-1)!.id).toBe('ny_opfoelgning');
  });

  it('If-Match: missing → 428, stale → 412 with the draft unchanged; two concurrent saves from one ETag → one 200 and one 412', async () => {
    const { etag, definition } = await draftOf('lille', 'ledere');
    const changed = structuredClone(definition);
    changed.title = 'Ændret titel';
    expect((await put('lille', 'ledere', changed, undefined)).status).toBe(428);
    expect((await put('lille', 'ledere', changed, '"r999"')).status).toBe(412);
    expect((await put('lille', 'ledere', changed, 'garbage')).status).toBe(412);
    expect((await draftOf('lille', 'ledere')).definition.title).toBe(definition.title);

    const a = structuredClone(definition);
    a.title = 'Redaktør A';
    const b = structuredClone(definition);
    b.title = 'Redaktør B';
    const [ra, rb] = await Promise.all([put('lille', 'ledere', a, etag), put('lille', 'ledere', b, etag)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 412]);
    const loser = ra.status === 412 ? ra : rb;
    expect(((await loser.json()) as { error: { message: string } }).error.message).toMatch(/changed since you read it.*nothing was saved/);
    const winner = ra.status === 200 ? 'Redaktør A' : 'Redaktør B';
    expect((await draftOf('lille', 'ledere')).definition.title).toBe(winner);
  });

  it('an invalid draft → 400 with problems by JSON path (a condition on a later question), nothing saved', async () => {
    const { etag, definition } = await draftOf('lille', 'ledere');
    const bad = structuredClone(definition);
    (bad.sections[0]!.questions[1]! as { showIf?: unknown }).showIf = { question: 'tilbud', equals: 'sprog' };
    const res = await put('lille', 'ledere', bad, etag);
    expect(res.status).toBe(400);
    const { problems } = (await res.json()) as { problems: { path: string; message: string }[] };
    expect(problems).toEqual([{ path: 'sections[0].questions[1].showIf.question', message: expect.stringMatching(/not an earlier question/) }]);
    const checked = await api('/studies/lille/questionnaires/ledere/draft/problems', json('POST', bad));
    expect(((await checked.json()) as { problems: unknown[] }).problems).toEqual(problems);
    expect((await draftOf('lille', 'ledere')).etag).toBe(etag);
    // The id cannot change; an unknown field is named.
    const renamed = { ...structuredClone(definition), id: 'andet_id', extra: 1 };
    const res2 = await put('lille', 'ledere', renamed, etag);
    expect(res2.status).toBe(400);
    expect(((await res2.json()) as { problems: { path: string }[] }).problems.map((p) => p.path).sort()).toEqual(['']);
  });

  it('cosmetic, then breaking (refused without confirm, naming the change), then confirmed; a respondent who started on version 1 finishes on version 1', async () => {
    expect((await publish('lille', 'ledere')).status).toBe(200); // version 1 (the winner's title)
    const code = frameCode();
    // A respondent starts on version 1: page 1 answered, the state carries version 1.
    const client = new Client(app.url);
    const page1 = await (await client.get('/s/lille/ledere/p/1')).text();
    const afterPage1 = await client.postForm('/s/lille/ledere/p/1', { state: stateOf(page1), kommune: code, frist: 'sjaeldent' });
    expect(afterPage1.status).toBe(200);
    const page2 = await afterPage1.text();

    // Version 2: a label changed (cosmetic).
    let { etag, definition } = await draftOf('lille', 'ledere');
    (definition.sections[0]!.questions[1]! as { options: { label: string }[] }).options[0]!.label = 'Altid (100 pct.)';
    expect((await put('lille', 'ledere', definition, etag)).status).toBe(200);
    expect(await (await publish('lille', 'ledere')).json()).toEqual({ version: 2, change: 'cosmetic', details: ['question frist: option altid relabelled'] });

    // Version 3: an option removed (breaking): refused without confirm, nothing published.
    ({ etag, definition } = await draftOf('lille', 'ledere'));
    const multi = definition.sections[1]!.questions[0]! as { options: { code: string }[] };
    multi.options = multi.options.filter((o) => o.code !== 'job');
    expect((await put('lille', 'ledere', definition, etag)).status).toBe(200);
    const refused = await publish('lille', 'ledere');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/breaking change \(question tilbud: option job removed\)/);
    expect(((await (await api('/studies/lille/questionnaires/ledere/versions', json('GET'))).json()) as unknown[]).length).toBe(2);
    expect((await publish('lille', 'ledere', { confirm: 'yes' })).status).toBe(400);
    expect(await (await publish('lille', 'ledere', { confirm: true })).json()).toEqual({ version: 3, change: 'breaking', details: ['question tilbud: option job removed'] });
    expect((await publish('lille', 'ledere', { confirm: true })).status).toBe(409); // nothing left to publish

    // The respondent finishes on version 1, choosing the option version 3 removed.
    const done = await client.postForm('/s/lille/ledere/p/2', { state: stateOf(page2), tilbud: 'job', hvorfor: 'Mangel på tid' });
    expect(done.status).toBe(303);
    // A new respondent gets version 3, where "job" is no option.
    const fresh = await api('/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ study: 'lille', questionnaire: 'ledere', municipality: code, answers: { frist: 'altid', tilbud: ['job'] } }) });
    expect(fresh.status).toBe(400);
    const newest = await api('/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ study: 'lille', questionnaire: 'ledere', municipality: code, answers: { frist: 'altid', tilbud: ['sprog'] } }) });
    expect(newest.status).toBe(201);
    // An API client may answer the version it fetched.
    const old = await api('/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ study: 'lille', questionnaire: 'ledere', version: 2, municipality: code, answers: { frist: 'ofte', tilbud: ['job'] } }) });
    expect(old.status).toBe(201);
    const stored = await app.store.responses.list({ study: 'lille' });
    expect(stored.map((r) => [r.version, r.answers.tilbud]).sort()).toEqual([
      [1, ['job']],
      [2, ['job']],
      [3, ['sprog']],
    ]);
    const versions = (await (await api('/studies/lille/questionnaires/ledere/versions', json('GET'))).json()) as { version: number; change: string; hash: string }[];
    expect(versions.map((v) => [v.version, v.change])).toEqual([[1, 'additive'], [2, 'cosmetic'], [3, 'breaking']]);
    expect(new Set(versions.map((v) => v.hash)).size).toBe(3);
    const v1 = (await (await api('/studies/lille/questionnaires/ledere/versions/1', json('GET'))).json()) as TQuestionnaire;
    expect((v1.sections[1]!.questions[0]! as { options: { code: string }[] }).options.map((o) => o.code)).toEqual(['sprog', 'job', 'andet']);
  });
});

describe('study settings, archiving and test answers', () => {
  it('settings under If-Match; the contact person is shown to respondents; archiving closes the study', async () => {
    const got = await api('/studies/lille/settings', json('GET'));
    const etag = got.headers.get('etag')!;
    const settings = (await got.json()) as Record<string, unknown>;
    delete settings.template;
    delete settings.archived;
    const res = await api('/studies/lille/settings', json('PUT', { ...settings, title: 'Lille undersøgelse 2026', contact: { name: 'Ole Olsen', phone: '12 34 56 78' } }, { 'if-match': etag }));
    expect(res.status).toBe(200);
    expect((await api('/studies/lille/settings', json('PUT', { ...settings, id: 'nyt_id' }, { 'if-match': res.headers.get('etag')! }))).status).toBe(400);
    expect((await api('/studies/lille/settings', json('PUT', settings, { 'if-match': etag }))).status).toBe(412);
    const landing = await (await fetch(`${app.url}/s/lille/ledere`)).text();
    expect(landing).toContain('Ole Olsen');

    const archived = await api('/studies/lille/archive', json('POST', { archived: true }));
    expect(archived.status).toBe(200);
    const refused = await api('/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ study: 'lille', questionnaire: 'ledere', municipality: frameCode(), answers: { frist: 'altid', tilbud: ['sprog'] } }) });
    expect(refused.status).toBe(410);
    expect(((await (await api('/studies')).json()) as { id: string }[]).map((s) => s.id)).not.toContain('lille');
    expect((await api('/studies/lille/archive', json('POST', { archived: false }))).status).toBe(200);
    expect(((await (await api('/studies')).json()) as { id: string }[]).map((s) => s.id)).toContain('lille');
  });

  it('test answer counts and clearing through the API', async () => {
    await app.store.catalog.addTest({ id: 'testsvar_0000000000001', study: 'lille', questionnaire: 'ledere', version: 3, municipality: frameCode(), day: '2026-12-01', answers: { frist: 'altid', tilbud: ['sprog'] } });
    const counts = (await (await api('/studies/lille/test-answers', json('GET'))).json()) as { questionnaires: Record<string, number> };
    expect(counts.questionnaires.ledere).toBeGreaterThanOrEqual(1);
    const cleared = (await (await api('/studies/lille/test-answers', json('DELETE'))).json()) as { deleted: number };
    expect(cleared.deleted).toBe(counts.questionnaires.ledere);
    expect(await app.store.catalog.tests('lille')).toEqual([]);
  });
});

describe('hostile input changes nothing', () => {
  it('bodies of the wrong shape, huge or nested, and forged ids', async () => {
    const catalogBefore = JSON.stringify(await app.store.catalog.data());
    const { etag } = await draftOf('lille', 'ledere');
    const attempts: [string, RequestInit][] = [
      ['/studies', json('POST', '[]')],
      ['/studies', json('POST', 'null')],
      ['/studies', json('POST', '{"id": "x"')],
      ['/studies', json('POST', { ...smallStudy('Store_Bogstaver') })],
      ['/studies', json('POST', { ...smallStudy('ok_id'), title: 'x'.repeat(2_000_000) })],
      ['/studies', json('POST', '{"__proto__": {"admin": true}, "id": "proto"}')],
      ['/studies/integration_2016/copy', json('POST', { id: '../etc', title: 'x' })],
      ['/studies/integration_2016/copy', json('POST', { id: 'lille', title: 'dublet' })],
      ['/studies/ingen/copy', json('POST', { id: 'fra_ingen', title: 'x' })],
      ['/studies/lille/questionnaires/ledere/draft', json('PUT', 'true', { 'if-match': etag })],
      ['/studies/lille/questionnaires/ledere/draft', json('PUT', { sections: [] }, { 'if-match': etag })],
      ['/studies/lille/questionnaires/ingen/draft', json('PUT', {}, { 'if-match': etag })],
      ['/studies/lille/questionnaires/ledere/publish', json('POST', { confirm: true, extra: 1 })],
      ['/studies/lille/settings', json('PUT', { id: 'lille' }, { 'if-match': etag })],
      ['/studies/lille/archive', json('POST', { archived: 'ja' })],
    ];
    for (const [path, init] of attempts) {
      const res = await api(path, init);
      expect(res.status, `${init.method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${init.method} ${path}`).toBeLessThan(500);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message.length, path).toBeGreaterThan(10);
    }
    expect(JSON.stringify(await app.store.catalog.data())).toBe(catalogBefore);
  });
});

describe('an invitation link whose draft was started on version 1', () => {
  it('resumes and finishes on version 1 after version 2 removed a question of its second page', async () => {
    const def = smallStudy('lille_link');
    expect((await api('/studies', json('POST', def))).status).toBe(201);
    expect((await publish('lille_link', 'ledere')).status).toBe(200);
    const code = frameCode();
    const made = await api('/studies/lille_link/invitations', json('POST', { questionnaire: 'ledere', municipalities: [code] }));
    expect(made.status).toBe(201);
    const link = new URL(((await made.json()) as { url: string }[])[0]!.url).pathname;

    const browser = new Client(app.url);
    const page1 = await (await browser.get(`${link}/p/1`)).text();
    const afterPage1 = await browser.postForm(`${link}/p/1`, { state: stateOf(page1), frist: 'sjaeldent' });
    expect(afterPage1.status).toBe(200);

    // Version 2 removes the conditional question of page 2 (breaking, confirmed).
    const { etag, definition } = await draftOf('lille_link', 'ledere');
    definition.sections[1]!.questions = definition.sections[1]!.questions.filter((q) => q.id !== 'hvorfor');
    expect((await put('lille_link', 'ledere', definition, etag)).status).toBe(200);
    expect(await (await publish('lille_link', 'ledere', { confirm: true })).json()).toMatchObject({ version: 2, change: 'breaking' });

    // The same browser comes back: its draft (version 1) is resumed on page 2, with the question version 2 removed.
    const resumed = await browser.get(`${link}/p/1`);
    const html = await resumed.text();
    expect(html).toContain('Hvorfor sjældent?');
    const done = await browser.postForm(`${link}/p/2`, { state: stateOf(html), tilbud: 'sprog', hvorfor: 'For få sagsbehandlere' });
    expect(done.status).toBe(303);
    const stored = await app.store.responses.list({ study: 'lille_link' });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ version: 1, answers: { frist: 'sjaeldent', tilbud: ['sprog'], hvorfor: 'For få sagsbehandlere' } });
  });
});
