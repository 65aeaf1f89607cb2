/**
 * Published versions of a questionnaire: a content hash that freezes a version, and the class of a
 * change between two versions (pure):
 *  - cosmetic: only texts changed (titles, intros, question texts, option labels, help texts) or
 *    the order of questions, sections or options: every stored answer means what it meant;
 *  - additive: besides that, new questions or new options: stored answers keep their meaning, new
 *    columns and categories appear;
 *  - breaking: anything else: a question removed or given another type, an option removed or
 *    recoded, or a rule changed that decides who answers or what counts in a base (conditions,
 *    required, "Ved ikke", "Andet, angiv", number ranges, figure settings). Publishing it needs an
 *    explicit confirmation that names these changes; stored answers are never rewritten.
 */
import { createHash } from 'node:crypto';
import type { TQuestion, TQuestionnaire } from './schema.ts';

export type TChangeClass = 'cosmetic' | 'additive' | 'breaking';

export interface Change {
  change: TChangeClass;
  /** One line per difference, naming the question or option. */
  details: string[];
}

/** JSON with object keys sorted, so equal content hashes equally whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash that freezes a published version: its content, without the version number itself. */
export function contentHash(questionnaire: TQuestionnaire): string {
  const { version: _version, ...content } = questionnaire;
  return createHash('sha256').update(canonical(content)).digest('hex');
}

/** What a question's texts are: everything else of it is a rule. */
const TEXT_FIELDS = new Set(['text', 'textEn', 'help', 'helpEn', 'label', 'labelEn', 'title', 'intro', 'placeholder', 'source']);

function questions(q: TQuestionnaire): Map<string, TQuestion> {
  return new Map(q.sections.flatMap((s) => s.questions).map((x) => [x.id, x]));
}

/** The fields of `a` and `b` that differ, texts left out (options and figures compared apart). */
function ruleDifferences(a: Record<string, unknown>, b: Record<string, unknown>, skip: ReadonlySet<string>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !TEXT_FIELDS.has(k) && !skip.has(k) && canonical(a[k]) !== canonical(b[k])).sort();
}

export function classifyChange(previous: TQuestionnaire, next: TQuestionnaire): Change {
  const breaking: string[] = [];
  const additive: string[] = [];
  const cosmetic: string[] = [];
  const before = questions(previous);
  const after = questions(next);
  for (const [id, q] of before) {
    const n = after.get(id);
    if (!n) {
      breaking.push(`question ${id} removed`);
      continue;
    }
    if (n.type !== q.type) {
      breaking.push(`question ${id} changed type from ${q.type} to ${n.type}`);
      continue;
    }
    const rules = ruleDifferences(q as Record<string, unknown>, n as Record<string, unknown>, new Set(['options', 'type', 'id', 'figure']));
    for (const field of rules) breaking.push(`question ${id}: ${field} changed`);
    if (q.text !== n.text || canonical((q as Record<string, unknown>).help) !== canonical((n as Record<string, unknown>).help)) cosmetic.push(`question ${id}: text changed`);
    // A figure's title is text; its number, combined categories and base are rules.
    const figure = (x: TQuestion) => (x.figure ? { ...x.figure, title: undefined } : undefined);
    if (canonical(figure(q)) !== canonical(figure(n))) breaking.push(`question ${id}: figure settings changed`);
    else if (q.figure?.title !== n.figure?.title) cosmetic.push(`question ${id}: figure title changed`);
    if ('options' in q && 'options' in n) {
      const codes = new Map(n.options.map((o) => [o.code, o]));
      for (const o of q.options) {
        const m = codes.get(o.code);
        if (!m) {
          breaking.push(`question ${id}: option ${o.code} removed`);
          continue;
        }
        for (const field of ruleDifferences(o as Record<string, unknown>, m as Record<string, unknown>, new Set(['code']))) breaking.push(`question ${id}: option ${o.code}: ${field} changed`);
        if (o.label !== m.label || o.labelEn !== m.labelEn) cosmetic.push(`question ${id}: option ${o.code} relabelled`);
      }
      const old = new Set(q.options.map((o) => o.code));
      for (const o of n.options) if (!old.has(o.code)) additive.push(`question ${id}: option ${o.code} added`);
      const order = (list: readonly { code: string }[], keep: Set<string>) => list.filter((o) => keep.has(o.code)).map((o) => o.code).join(',');
      const shared = new Set(q.options.map((o) => o.code).filter((c) => codes.has(c)));
      if (order(q.options, shared) !== order(n.options, shared)) cosmetic.push(`question ${id}: options reordered`);
    }
  }
  for (const id of after.keys()) if (!before.has(id)) additive.push(`question ${id} added`);
  const shared = (m: Map<string, TQuestion>) => [...m.keys()].filter((id) => before.has(id) && after.has(id)).join(',');
  if (shared(before) !== shared(after)) cosmetic.push('questions reordered');
  const sectionTexts = (q: TQuestionnaire) => canonical(q.sections.map((s) => [s.id, s.title, s.intro]));
  if (sectionTexts(previous) !== sectionTexts(next)) cosmetic.push('sections renamed, added, removed or reordered');
  for (const field of ['title', 'intro', 'group', 'minutes'] as const) if (previous[field] !== next[field]) cosmetic.push(`questionnaire ${field} changed`);
  if (breaking.length > 0) return { change: 'breaking', details: [...breaking, ...additive, ...cosmetic] };
  if (additive.length > 0) return { change: 'additive', details: [...additive, ...cosmetic] };
  return { change: 'cosmetic', details: cosmetic };
}
