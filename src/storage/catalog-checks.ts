/**
 * The checks both catalog adapters (./files/catalog.ts, ./postgres/catalog.ts) make before they
 * write anything (CatalogPort): every record valid (src/survey/catalog.ts), a new study's drafts
 * being exactly its questionnaires, and a document to load holding every key once. Each failure is
 * an Error naming the record and the field, and nothing is stored.
 */
import type { z } from 'zod';
import { ZCatalogDocument, ZPublishedVersion, ZStoredStudy, ZTestResponse, type TCatalogDocument, type TPublishedVersion, type TStoredStudy, type TTestResponse } from '../survey/catalog.ts';
import { ZQuestionnaire, type TQuestionnaire } from '../survey/schema.ts';
import { contentHash } from '../survey/versions.ts';
import { checkDocument } from './ports.ts';

/** "path: message" of the first (up to three) issues. */
export function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** `value` parsed by `schema`, or an Error naming `what` and the wrong fields (nothing stored). */
export function checkRecord<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new Error(`${what} is not valid (${issuesOf(parsed.error)}); nothing was stored`);
}

/** A new study and its first drafts: one draft for each of its questionnaires, none twice, no other. */
export function checkNewStudy(study: TStoredStudy, drafts: readonly TQuestionnaire[]): { study: TStoredStudy; drafts: TQuestionnaire[] } {
  const checked = checkRecord(ZStoredStudy, study, 'the study');
  const id = checked.settings.id;
  const checkedDrafts = drafts.map((d, i) => checkRecord(ZQuestionnaire, d, `the draft ${i + 1} of the study "${id}"`));
  const given = checkedDrafts.map((d) => d.id);
  const twice = given.find((q, i) => given.indexOf(q) !== i) ?? checked.questionnaires.find((q, i) => checked.questionnaires.indexOf(q) !== i);
  if (twice !== undefined) throw new Error(`the study "${id}" names the questionnaire "${twice}" twice; nothing was stored`);
  const stray = given.find((q) => !checked.questionnaires.includes(q));
  if (stray !== undefined) throw new Error(`the draft "${stray}" is not one of the questionnaires of the study "${id}" (${checked.questionnaires.join(', ')}); nothing was stored`);
  const missing = checked.questionnaires.find((q) => !given.includes(q));
  if (missing !== undefined) throw new Error(`the study "${id}" has no draft of its questionnaire "${missing}"; nothing was stored`);
  return { study: checked, drafts: checkedDrafts };
}

/** The study after `change` (a field given as undefined stays as it was), revision raised by one; an Error if it does not validate. */
export function changedStudy(current: TStoredStudy, change: Partial<Pick<TStoredStudy, 'settings' | 'questionnaires' | 'archived'>>): TStoredStudy {
  const id = current.settings.id;
  const given = Object.fromEntries(Object.entries(structuredClone(change)).filter(([, v]) => v !== undefined));
  return checkRecord(ZStoredStudy, { ...current, ...given, settings: { ...(change.settings ?? current.settings), id }, revision: current.revision + 1 }, `the study "${id}"`);
}

/** A draft of `study`/`questionnaire`: valid, and its id the questionnaire's. */
export function checkDraft(draft: TQuestionnaire | null, study: string, questionnaire: string): TQuestionnaire | null {
  if (draft === null) return null;
  const checked = checkRecord(ZQuestionnaire, draft, `the draft of "${study}/${questionnaire}"`);
  if (checked.id !== questionnaire) throw new Error(`the draft of "${study}/${questionnaire}" has the id "${checked.id}"; nothing was stored`);
  return checked;
}

/** A version to publish: valid, its definition that questionnaire with that version number, and `hash` its content hash. */
export function checkVersion(version: TPublishedVersion): TPublishedVersion {
  const checked = checkRecord(ZPublishedVersion, version, 'the published version');
  const { study, questionnaire, definition } = checked;
  const wrong =
    definition.id !== questionnaire
      ? `its definition has the id "${definition.id}"`
      : definition.version !== checked.version
        ? `its definition has the version ${definition.version}`
        : contentHash(definition) !== checked.hash
          ? 'its hash is not the content hash of its definition'
          : undefined;
  if (wrong) throw new Error(`the published version ${checked.version} of "${study}/${questionnaire}" is not valid (${wrong}); nothing was stored`);
  return checked;
}

export const checkTest = (response: TTestResponse): TTestResponse => checkRecord(ZTestResponse, response, 'the test answer');

/** A catalog document to load: valid (drafts and versions as checkDraft and checkVersion), and every study, head, version and test answer given once. */
export function checkCatalogDocument(data: TCatalogDocument): TCatalogDocument {
  const doc = checkDocument(ZCatalogDocument, data, 'studies and questionnaires');
  const keys: [string, string[]][] = [
    ['the study', doc.studies.map((s) => s.settings.id)],
    ['the head', doc.heads.map((h) => `${h.study}/${h.questionnaire}`)],
    ['the version', doc.versions.map((v) => `${v.study}/${v.questionnaire} ${v.version}`)],
    ['the test answer', doc.tests.map((t) => t.id)],
  ];
  for (const h of doc.heads) checkDraft(h.draft, h.study, h.questionnaire);
  for (const v of doc.versions) checkVersion(v);
  for (const [what, list] of keys) {
    const seen = new Set<string>();
    const twice = list.find((k) => seen.size === seen.add(k).size);
    if (twice !== undefined) throw new Error(`the studies and questionnaires to load give ${what} "${twice}" twice; nothing was stored`);
  }
  return doc;
}
