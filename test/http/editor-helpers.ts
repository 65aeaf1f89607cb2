/**
 * Helpers of the editor tests: a copy of the 2016 study to edit, its draft as the API gives it,
 * and the fields of an editor form as a browser would post them (read from the page's own markup).
 */
import type { TQuestion, TQuestionnaire } from '../../src/survey/schema.ts';
import { API_KEY, decodeEntities, type Running } from './helpers.ts';

export const QN = 'ledere';
const bearer = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

/** Copies the template integration_2016 to a stored study `id` (its questionnaires start as drafts). */
export async function copyOf2016(app: Running, id: string): Promise<void> {
  const res = await fetch(`${app.url}/api/v1/studies/integration_2016/copy`, { method: 'POST', headers: bearer, body: JSON.stringify({ id, title: `Kopi ${id}` }) });
  if (res.status !== 201) throw new Error(`copy failed: ${res.status} ${await res.text()}`);
}

export async function draftOf(app: Running, study: string, qn = QN): Promise<{ questionnaire: TQuestionnaire; etag: string }> {
  const res = await fetch(`${app.url}/api/v1/studies/${study}/questionnaires/${qn}/draft`, { headers: bearer });
  if (res.status !== 200) throw new Error(`draft: ${res.status}`);
  return { questionnaire: (await res.json()) as TQuestionnaire, etag: res.headers.get('etag') ?? '' };
}

export async function publish(app: Running, study: string, qn = QN): Promise<void> {
  const res = await fetch(`${app.url}/api/v1/studies/${study}/questionnaires/${qn}/publish`, { method: 'POST', headers: bearer, body: JSON.stringify({ confirm: true }) });
  if (res.status !== 200) throw new Error(`publish: ${res.status} ${await res.text()}`);
}

export function questionsOf(qn: TQuestionnaire): TQuestion[] {
  return qn.sections.flatMap((s) => s.questions);
}

export function questionIn(qn: TQuestionnaire, id: string): TQuestion | undefined {
  return questionsOf(qn).find((q) => q.id === id);
}

function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([a-zA-Z][\w.-]*)(?:="([^"]*)")?/g)) out.set(m[1]!, decodeEntities(m[2] ?? ''));
  return out;
}

/**
 * What a browser posts for the editor form on `html` whose action ends with `actionEnd` (the first
 * editor form when not given): hidden and text inputs, checked boxes, textareas, selected options.
 */
export function formFields(html: string, actionEnd?: string): URLSearchParams {
  const forms = [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((m) => (actionEnd ? m[1]!.endsWith(actionEnd) : m[0].includes('class="editor-form"')));
  if (!form) throw new Error(`no form ${actionEnd ?? ''} on the page:\n${html.slice(0, 3000)}`);
  const body = form[2]!;
  const out = new URLSearchParams();
  for (const m of body.matchAll(/<input\b([^>]*)>/g)) {
    const a = attributes(m[1]!);
    const name = a.get('name');
    if (!name) continue;
    const type = a.get('type') ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !a.has('checked')) continue;
    out.append(name, a.get('value') ?? '');
  }
  for (const m of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attributes(m[1]!).get('name');
    if (name) out.append(name, decodeEntities(m[2]!));
  }
  for (const m of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const a = attributes(m[1]!);
    const name = a.get('name');
    if (!name) continue;
    const options = [...m[2]!.matchAll(/<option value="([^"]*)"( selected)?>/g)];
    const chosen = options.filter((o) => o[2]);
    if (chosen.length === 0 && !a.has('multiple') && options[0]) out.append(name, decodeEntities(options[0][1]!));
    for (const o of chosen) out.append(name, decodeEntities(o[1]!));
  }
  return out;
}

/** Sets (replaces) fields of a form. */
export function withFields(form: URLSearchParams, fields: Record<string, string | string[]>): URLSearchParams {
  const next = new URLSearchParams(form);
  for (const [key, value] of Object.entries(fields)) {
    next.delete(key);
    for (const v of ([] as string[]).concat(value)) next.append(key, v);
  }
  return next;
}

/** The text of the error message next to the field with HTML id `id` (its `…-fejl` element), if any. */
export function errorNextTo(html: string, id: string): string | undefined {
  const m = new RegExp(`<p class="error-message" id="${id}-fejl"><span class="visually-hidden">Fejl: </span>([^<]*)</p>`).exec(html);
  return m ? decodeEntities(m[1]!) : undefined;
}
