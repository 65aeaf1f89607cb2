/**
 * HTTP test helpers: the real app on port 0 with a temporary data directory and the real store,
 * a cookie-keeping client that does not follow redirects by itself, and small parsers for the
 * markup our own views produce.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import { createApp, type AppOptions } from '../../src/app.ts';
import { listen, type Timeouts } from '../../src/http/listen.ts';
import { createContext, type Context } from '../../src/services/context.ts';
import { ensureCredentials } from '../../src/services/credentials.ts';
import { openStore } from '../../src/storage/index.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import type { Store } from '../../src/storage/ports.ts';
import type { TQuestion, TQuestionnaire, TStudy } from '../../src/survey/schema.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const surveysDir = join(repoRoot, 'surveys');
export const ADMIN_PASSWORD = 'test-password-123';
export const API_KEY = 'test-api-key-0123456789abcdef';

export type Definitions = Awaited<ReturnType<typeof loadDefinitions>>;
export type { Store };

export interface Running {
  url: string;
  app: Express;
  dataDir: string;
  store: Store;
  definitions: Definitions;
  context: Context;
  /** Stops the server and closes the store; removes the data directory unless it was given. */
  close: () => Promise<void>;
}

export interface StartOptions {
  config?: AppOptions['config'];
  /** Change the loaded definitions before the app starts (e.g. close a study's fieldwork). */
  editDefinitions?: (definitions: Definitions) => Definitions;
  /** An existing data directory (kept after close), e.g. to restart a server on the same data. */
  dataDir?: string;
  /** A fixed "today" (YYYY-MM-DD) for the use cases. */
  today?: string;
  draftDays?: number;
  /** PRAKSIS_PUBLIC_URL (default: http://localhost:<the port listened on>, as npm start). */
  publicUrl?: string;
  /** Server timeouts other than npm start's (src/http/listen.ts), to test them quickly. */
  timeouts?: Timeouts;
}

/**
 * THE way tests start praksis in process: the real app on 127.0.0.1, port 0, through the same
 * listen() as npm start, with a fresh temporary data directory (or the given one) and the real store.
 */
export async function startApp(options: StartOptions = {}): Promise<Running> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'praksis-http-')));
  const loaded = await loadDefinitions(surveysDir);
  const definitions = options.editDefinitions ? options.editDefinitions(loaded) : loaded;
  const store = await openStore(dataDir);
  await ensureCredentials(store, { adminPassword: ADMIN_PASSWORD, apiKey: API_KEY });
  const today = options.today;
  let listened = 0;
  const publicUrl = () => options.publicUrl ?? `http://localhost:${listened}`;
  const context = createContext(definitions, store, { ...(today ? { today: () => today } : {}), ...(options.draftDays ? { draftDays: options.draftDays } : {}), publicUrl });
  const app = await createApp({ context, ...(options.config ? { config: options.config } : {}) });
  const { server, port } = await listen(app, 0, '127.0.0.1', options.timeouts);
  listened = port;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    dataDir,
    store,
    definitions,
    context,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** sha256 of every file under dir, keyed by relative path: equal maps mean a byte-identical directory. */
export async function hashDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(dir.length)] = createHash('sha256').update(await readFile(full)).digest('hex');
  }
  return out;
}

/** A fetch client with a cookie jar that leaves redirects to the test. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + path, { redirect: 'manual', headers: { ...this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  async postForm(path: string, form: URLSearchParams | Record<string, string>): Promise<Response> {
    const body = form instanceof URLSearchParams ? form : new URLSearchParams(form);
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader() },
      body: body.toString(),
    });
    this.remember(res);
    return res;
  }

  async postJson(path: string, value: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...this.cookieHeader(), ...headers },
      body: typeof value === 'string' ? value : JSON.stringify(value),
    });
    this.remember(res);
    return res;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing our own questionnaire pages

export interface ParsedPage {
  action: string;
  state: string;
  /** Question ids rendered on the page, in order. */
  questionIds: string[];
  /** Values offered for each named input (radio/checkbox values, select options). */
  choices: Map<string, string[]>;
  /** Values pre-filled in the page (checked boxes, text values, selected options). */
  filled: Map<string, string[]>;
  errorSummary: string | undefined;
  heading: string;
  pageLabel: string;
}

export function decodeEntities(text: string): string {
  return text
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function parsePage(html: string): ParsedPage {
  const action = /<form id="spoergeskema" method="post" action="([^"]+)"/.exec(html)?.[1];
  const state = /<input type="hidden" name="state" value="([^"]*)">/.exec(html)?.[1];
  if (!action || state === undefined) throw new Error(`not a questionnaire page:\n${html.slice(0, 2000)}`);
  const questionIds = [...html.matchAll(/ id="q-([a-z][a-z0-9_]*)"/g)].map((m) => m[1]!);
  const choices = new Map<string, string[]>();
  const filled = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string) => map.set(key, [...(map.get(key) ?? []), value]);
  for (const m of html.matchAll(/<input type="(?:radio|checkbox)" id="[^"]+" name="([^"]+)" value="([^"]+)"( checked)?>/g)) {
    add(choices, m[1]!, decodeEntities(m[2]!));
    if (m[3]) add(filled, m[1]!, decodeEntities(m[2]!));
  }
  for (const m of html.matchAll(/<select id="[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    for (const o of m[2]!.matchAll(/<option value="([^"]+)"( selected)?>/g)) {
      add(choices, m[1]!, o[1]!);
      if (o[2]) add(filled, m[1]!, o[1]!);
    }
  }
  for (const m of html.matchAll(/<input type="text"[^>]* name="([^"]+)" value="([^"]*)"/g)) {
    if (m[2]) add(filled, m[1]!, decodeEntities(m[2]));
  }
  for (const m of html.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) {
    if (m[2]) add(filled, m[1]!, decodeEntities(m[2]));
  }
  const summary = /<div id="fejlopsummering"[\s\S]*?<\/div>/.exec(html)?.[0];
  return {
    action,
    state,
    questionIds,
    choices,
    filled,
    errorSummary: summary ? decodeEntities(summary.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()) : undefined,
    heading: decodeEntities(/<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? ''),
    pageLabel: /<label for="fremdrift">([^<]*)<\/label>/.exec(html)?.[1] ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Definitions

export function allQuestions(qn: TQuestionnaire): TQuestion[] {
  return qn.sections.flatMap((s) => s.questions);
}

export function theStudy(defs: Definitions): TStudy {
  const study = defs.studies.find((s) => s.questionnaires.length >= 2) ?? defs.studies[0];
  if (!study) throw new Error('no study loaded from surveys/');
  return study;
}

export function questionnaireByGroup(study: TStudy, group: RegExp): TQuestionnaire {
  const qn = study.questionnaires.find((q) => group.test(q.group) || group.test(q.id));
  if (!qn) throw new Error(`no questionnaire matching ${group} in ${study.id}`);
  return qn;
}

// ---------------------------------------------------------------------------------------------
// Evaluator sign-in

/** The CSRF token of a page of ours (admin forms carry it in a hidden `_csrf` field). */
export function csrfTokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('page has no CSRF token');
  return token;
}

/** Signs the client in (as the first admin unless `login` is given) through the login form; returns the response of the POST. */
export async function signIn(client: Client, password = ADMIN_PASSWORD, login = 'admin'): Promise<Response> {
  const page = await client.get('/admin/login');
  const html = await page.text();
  return client.postForm('/admin/login', { _csrf: csrfTokenOf(html), login, password, next: '/admin' });
}
