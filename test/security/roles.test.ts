/**
 * Issue 18: every route × every role × the status it gets. The table below is this test's own
 * statement of who may use what; every route the app serves (found in the route registry) must
 * declare a rule with allow(...) where it is added, the rule must be the one in the table, and
 * each role is then sent to it (pages with the role's session and a valid form token, the API with
 * the role's personal key). A route added later without a rule, or missing from the table, fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../src/services/access.ts';
import { API_KEY, Client, questionnaireByGroup, startApp, theStudy, type Running } from '../http/helpers.ts';
import { fillPath, listRoutes, type AppRoute } from './routes.ts';
import { bearer, makeKey, makeUser, signedIn, tokenOf, type MadeUser } from './accounts-helpers.ts';

/** Who may use each route. Write a new route here with the rule its allow(...) declares. */
const TABLE: Record<string, Rule> = {
  'GET /admin/studies/:study/questionnaires/:questionnaire/edit/questionnaire': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/questionnaire': 'evaluator',
  'POST /api/v1/studies': 'evaluator',
  'POST /api/v1/studies/:study/copy': 'evaluator',
  'GET /api/v1/studies/:study/definition': 'evaluator',
  'GET /api/v1/studies/:study/settings': 'evaluator',
  'PUT /api/v1/studies/:study/settings': 'evaluator',
  'POST /api/v1/studies/:study/archive': 'evaluator',
  'GET /api/v1/studies/:study/questionnaires/:questionnaire/draft': 'evaluator',
  'PUT /api/v1/studies/:study/questionnaires/:questionnaire/draft': 'evaluator',
  'DELETE /api/v1/studies/:study/questionnaires/:questionnaire/draft': 'evaluator',
  'POST /api/v1/studies/:study/questionnaires/:questionnaire/draft/problems': 'evaluator',
  'POST /api/v1/studies/:study/questionnaires/:questionnaire/publish': 'evaluator',
  'GET /api/v1/studies/:study/questionnaires/:questionnaire/versions': 'evaluator',
  'GET /api/v1/studies/:study/questionnaires/:questionnaire/versions/:version': 'evaluator',
  'GET /api/v1/studies/:study/test-answers': 'evaluator',
  'DELETE /api/v1/studies/:study/test-answers': 'evaluator',
  'GET /api/v1/studies': 'public',
  'GET /api/v1/studies/:study': 'public',
  'GET /api/v1/studies/:study/questionnaires/:questionnaire': 'public',
  'POST /api/v1/responses': 'public',
  'GET /api/v1/whoami': 'signed-in',
  'GET /api/v1/studies/:study/questionnaires/:questionnaire/count': 'viewer',
  'PUT /api/v1/studies/:study/questionnaires/:questionnaire/window': 'evaluator',
  'POST /api/v1/studies/:study/invitations': 'evaluator',
  'GET /api/v1/studies/:study/response-rates': 'evaluator',
  'GET /api/v1/studies/:study/tables': 'viewer',
  'GET /api/v1/studies/:study/exports/responses.csv': 'evaluator',
  'GET /api/v1/studies/:study/exports/tables.csv': 'viewer',
  'GET /api/v1/studies/:study/exports/codebook.csv': 'evaluator',
  'GET /api/v1/studies/:study/figures/:figure.png': 'viewer',
  'GET /api/v1/studies/:study/report.docx': 'viewer',
  'GET /api/v1/users': 'admin',
  'POST /api/v1/users': 'admin',
  'POST /api/v1/users/:id/keys': 'signed-in',
  'DELETE /api/v1/users/:id': 'admin',
  'GET /admin/login': 'public',
  'POST /admin/login': 'public',
  'POST /admin/logout': 'signed-in',
  'GET /admin': 'signed-in',
  'GET /admin/studies/:study/questionnaires/:questionnaire': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/fritekst': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/edit': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/edit/questions/:question': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/questions/:question': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/edit/sections/:section/new-question': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/sections/:section/new-question': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/questions/:question/move': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/questions/:question/duplicate': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/questions/:question/delete': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/edit/new-section': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/new-section': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/edit/sections/:section': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/sections/:section': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/sections/:section/move': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/sections/:section/duplicate': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/sections/:section/delete': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/edit/check': 'evaluator',
  'GET /admin/users': 'admin',
  'POST /admin/users': 'admin',
  'POST /admin/users/:id': 'admin',
  'POST /admin/users/:id/password': 'admin',
  'POST /admin/users/:id/remove': 'admin',
  'GET /admin/account': 'signed-in',
  'POST /admin/account/password': 'signed-in',
  'POST /admin/account/keys': 'signed-in',
  'POST /admin/account/keys/:key/revoke': 'signed-in',
  'GET /admin/log': 'admin',
  'GET /admin/log.csv': 'admin',
  'GET /admin/studies/:study/report': 'viewer',
  'GET /admin/studies/:study/exports/responses.csv': 'evaluator',
  'GET /admin/studies/:study/exports/tables.csv': 'viewer',
  'GET /admin/studies/:study/exports/codebook.csv': 'evaluator',
  'GET /admin/studies/:study/figures/:figure.png': 'viewer',
  'GET /admin/studies/:study/report.docx': 'viewer',
  'GET /admin/studies/:study/fieldwork': 'evaluator',
  'POST /admin/studies/:study/invitations': 'evaluator',
  'POST /admin/studies/:study/reminders': 'evaluator',
  'POST /admin/studies/:study/window': 'evaluator',
  'GET /api/v1/studies/:study/exports/responses.R': 'evaluator',
  'GET /api/v1/studies/:study/exports/responses.sps': 'evaluator',
  'GET /api/v1/studies/:study/eligibility': 'evaluator',
  'PUT /api/v1/studies/:study/eligibility': 'evaluator',
  'POST /api/v1/studies/:study/contacts': 'evaluator',
  'GET /api/v1/studies/:study/contacts': 'evaluator',
  'DELETE /api/v1/studies/:study/contacts': 'evaluator',
  'POST /api/v1/studies/:study/invitations/send': 'evaluator',
  'POST /api/v1/studies/:study/reminders/send': 'evaluator',
  'GET /api/v1/studies/:study/outbox': 'evaluator',
  'GET /api/v1/studies/:study/invitations': 'evaluator',
  'POST /api/v1/audits/:audit/cases': 'auditor',
  'POST /api/v1/audits/:audit/events': 'auditor',
  'GET /api/v1/audits/:audit/results.csv': 'auditor',
  'GET /api/v1/audits/:audit/cases.csv': 'auditor',
  'GET /api/v1/audits/:audit/events.csv': 'auditor',
  'GET /api/v1/audits/:audit/figures/:figure.png': 'auditor',
  'GET /admin/studies/:study/exports/responses.R': 'evaluator',
  'GET /admin/studies/:study/exports/responses.sps': 'evaluator',
  'GET /admin/studies/:study/links.csv': 'evaluator',
  'POST /admin/studies/:study/links/replace': 'evaluator',
  'GET /admin/studies/:study/eligibility': 'evaluator',
  'POST /admin/studies/:study/eligibility': 'evaluator',
  'POST /admin/studies/:study/contacts': 'evaluator',
  'POST /admin/studies/:study/contacts/delete': 'evaluator',
  'POST /admin/studies/:study/mail-texts': 'evaluator',
  'POST /admin/studies/:study/invitations/send': 'evaluator',
  'POST /admin/studies/:study/reminders/send': 'evaluator',
  'GET /admin/audits': 'auditor',
  'GET /admin/audits/:audit': 'auditor',
  'POST /admin/audits/:audit/upload/cases': 'auditor',
  'POST /admin/audits/:audit/upload/events': 'auditor',
  'GET /admin/audits/:audit/cases/new': 'auditor',
  'GET /admin/audits/:audit/cases/:case': 'auditor',
  'POST /admin/audits/:audit/cases': 'auditor',
  'POST /admin/audits/:audit/cases/:case': 'auditor',
  'GET /admin/audits/:audit/second/new': 'auditor',
  'GET /admin/audits/:audit/second/:case': 'auditor',
  'POST /admin/audits/:audit/second': 'auditor',
  'POST /admin/audits/:audit/second/:case': 'auditor',
  'GET /admin/audits/:audit/agreement': 'auditor',
  'GET /admin/audits/:audit/results': 'auditor',
  'GET /admin/audits/:audit/figures/:figure.png': 'auditor',
  'GET /admin/audits/:audit/results.csv': 'auditor',
  'GET /admin/audits/:audit/cases.csv': 'auditor',
  'GET /admin/audits/:audit/events.csv': 'auditor',
  'GET /admin/studies': 'evaluator',
  'GET /admin/studies/new': 'evaluator',
  'POST /admin/studies': 'evaluator',
  'POST /admin/studies/import': 'evaluator',
  'GET /admin/studies/:study/copy': 'evaluator',
  'POST /admin/studies/:study/copy': 'evaluator',
  'GET /admin/studies/:study/definition.json': 'evaluator',
  'GET /admin/studies/:study/settings': 'evaluator',
  'POST /admin/studies/:study/settings': 'evaluator',
  'POST /admin/studies/:study/archive': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/versions': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/publish': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/draft.json': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/versions/:version.json': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/import': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/test': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/test/p/:n': 'evaluator',
  'GET /admin/studies/:study/questionnaires/:questionnaire/test/tak': 'evaluator',
  'POST /admin/studies/:study/questionnaires/:questionnaire/test-answers/delete': 'evaluator',
  'GET /i': 'public',
  'GET /i/:token': 'public',
  'GET /i/:token/p/1': 'public',
  'POST /i/:token/p/:n': 'public',
  'GET /i/:token/tak': 'public',
  'GET /': 'public',
  'GET /s/:study/:questionnaire': 'public',
  'GET /s/:study/:questionnaire/p/:n': 'public',
  'POST /s/:study/:questionnaire/p/:n': 'public',
  'GET /s/:study/:questionnaire/tak': 'public',
};

type Role = 'anonymous' | 'viewer' | 'auditor' | 'evaluator of another study' | 'evaluator' | 'admin';
const ROLES: Role[] = ['anonymous', 'viewer', 'auditor', 'evaluator of another study', 'evaluator', 'admin'];

/** The roles a rule lets in, written out here (not imported): a change of the rules must change this test. */
const LETS_IN: Record<Rule, Role[]> = {
  public: ROLES,
  'signed-in': ['viewer', 'auditor', 'evaluator of another study', 'evaluator', 'admin'],
  viewer: ['viewer', 'evaluator of another study', 'evaluator', 'admin'],
  auditor: ['auditor', 'evaluator of another study', 'evaluator', 'admin'],
  evaluator: ['evaluator of another study', 'evaluator', 'admin'],
  admin: ['admin'],
};

function expected(rule: Rule, role: Role, perStudy: boolean): 'allowed' | 'unauthenticated' | 'forbidden' {
  if (role === 'anonymous') return rule === 'public' ? 'allowed' : 'unauthenticated';
  if (!LETS_IN[rule].includes(role)) return 'forbidden';
  if (perStudy && role === 'evaluator of another study') return 'forbidden';
  return 'allowed';
}

const OTHER_STUDY = 'andet-studie';
let app: Running;
let routes: readonly AppRoute[];
let study: string;
let questionnaire: string;
const actors = new Map<Role, { user?: MadeUser; id?: string; client?: Client; key?: string }>();

beforeAll(async () => {
  app = await startApp({
    config: { rateLimit: 'off', loginLimit: 100_000 },
    editDefinitions: (defs) => ({ ...defs, studies: [...defs.studies, { ...defs.studies[0]!, id: OTHER_STUDY, title: 'Et andet studie' }] }),
  });
  routes = listRoutes(app.app);
  const s = theStudy(app.definitions);
  study = s.id;
  questionnaire = questionnaireByGroup(s, /leder/i).id;
  const made: [Role, string, string[]][] = [
    ['viewer', 'viewer', [study]],
    ['auditor', 'auditor', [study]],
    ['evaluator of another study', 'evaluator', [OTHER_STUDY]],
    ['evaluator', 'evaluator', [study]],
    ['admin', 'admin', []],
  ];
  actors.set('anonymous', {});
  for (const [role, kind, studies] of made) {
    const user = await makeUser(app, `${role.replace(/ /g, '-')}-user`, kind, studies);
    actors.set(role, { user, id: user.id, client: await signedIn(app, user), key: await makeKey(app, user.id) });
  }
});
afterAll(async () => {
  await app.close();
});

describe('the route × role table', () => {
  it('every route declares its rule with allow(...), and it is the rule of the table', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    const undeclared = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path}`);
    expect(undeclared, 'routes without allow(...)').toEqual([]);
    const missing = keys.filter((k) => !(k in TABLE));
    expect(missing, 'routes missing from the table in this test').toEqual([]);
    for (const r of routes) expect(r.access?.rule, `${r.method} ${r.path}`).toBe(TABLE[`${r.method} ${r.path}`]);
    // A route's study rule names a parameter the path has.
    for (const r of routes.filter((x) => x.access?.study)) expect(r.path, `${r.method} ${r.path}`).toContain(`:${r.access!.study}`);
    expect(Object.keys(TABLE).filter((k) => !keys.includes(k)), 'table rows for routes that do not exist').toEqual([]);
  });

  it('each role gets what the table says from every route that is not public (pages and API)', async () => {
    const outcomes: string[] = [];
    for (const route of routes.filter((r) => r.access && r.access.rule !== 'public')) {
      const perStudy = route.access!.study !== undefined;
      for (const role of ROLES) {
        const actor = actors.get(role)!;
        const own = route.path === '/api/v1/users/:id/keys' && actor.id ? actor.id : 'x';
        const url = app.url + fillPath(route.path, { study, questionnaire, id: own, audit: 'journal_2016' });
        const api = route.path.startsWith('/api');
        let res: Response;
        if (api) {
          res = await fetch(url, { method: route.method, redirect: 'manual', headers: actor.key ? bearer(actor.key) : { 'content-type': 'application/json' }, body: route.method === 'GET' ? undefined : '{}' });
        } else if (route.method === 'GET') {
          res = actor.client ? await actor.client.get(fillPath(route.path, { study, questionnaire, id: own, audit: 'journal_2016' })) : await fetch(url, { redirect: 'manual' });
        } else {
          const form = { _csrf: actor.client ? await tokenOf(actor.client) : 'x', questionnaire };
          res = actor.client ? await actor.client.postForm(fillPath(route.path, { study, questionnaire, id: own, audit: 'journal_2016' }), form) : await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
        }
        await res.arrayBuffer();
        const toLogin = res.status === 303 && (res.headers.get('location') ?? '').startsWith('/admin/login?next=');
        const got = res.status === 403 ? 'forbidden' : res.status === 401 || toLogin ? 'unauthenticated' : 'allowed';
        const want = expected(route.access!.rule, role, perStudy);
        if (got !== want) outcomes.push(`${route.method} ${route.path} as ${role}: ${res.status} (${got}), expected ${want}`);
        // Signing out (or a password change) ended this role's session: sign in again for the next route.
        if (actor.client && !api && route.method === 'POST' && (await actor.client.get('/admin/account')).status !== 200) actor.client = await signedIn(app, actor.user!);
      }
    }
    expect(outcomes).toEqual([]);
    // About 100 routes × 6 roles, one request each (and a fresh sign-in after each sign-out): longer than one request's budget.
  }, 180_000);

  it("a viewer's request for responses.csv is 403 (page and API), and both refusals are logged", async () => {
    const viewer = actors.get('viewer')!;
    const page = await viewer.client!.get(`/admin/studies/${study}/exports/responses.csv?identify=municipality`);
    expect(page.status).toBe(403);
    const api = await fetch(`${app.url}/api/v1/studies/${study}/exports/responses.csv`, { headers: bearer(viewer.key!) });
    expect(api.status).toBe(403);
    const denied = (await app.store.users.activity()).filter((e) => e.who === 'viewer-user' && e.action === 'access-denied' && e.detail.includes('responses.csv') && e.study === study);
    expect(denied.map((e) => e.detail)).toEqual(expect.arrayContaining([`GET /admin/studies/${study}/exports/responses.csv`, `GET /api/v1/studies/${study}/exports/responses.csv`]));
    // A viewer's own pages show no link to the response export or the free texts.
    const report = await (await viewer.client!.get(`/admin/studies/${study}/report`)).text();
    expect(report).not.toContain('exports/responses.csv');
    const start = await (await viewer.client!.get('/admin')).text();
    expect(start).not.toContain('/fritekst');
    expect(start).toContain(`/admin/studies/${study}/report`);
  });

  it('an evaluator of another study does not see this study on the start page', async () => {
    const html = await (await actors.get('evaluator of another study')!.client!.get('/admin')).text();
    expect(html).toContain('Et andet studie');
    expect(html).not.toContain(`/admin/studies/${study}/`);
  });

  it('the old PRAKSIS_API_KEY still works, as an admin key', async () => {
    const res = await fetch(app.url + '/api/v1/users', { headers: bearer(API_KEY) });
    expect(res.status).toBe(200);
    const users = (await res.json()) as { login: string; passwordHash?: string }[];
    expect(users.map((u) => u.login)).toContain('admin');
    expect(users.every((u) => u.passwordHash === undefined)).toBe(true);
  });
});
