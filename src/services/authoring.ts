/**
 * Making studies and questionnaires in praksis: create, copy, change settings, archive; and a
 * draft per questionnaire edited under optimistic locking (ETag / If-Match on the head's revision).
 * Publishing a draft is ./publishing.ts.
 *
 * Every definition goes through the schema and refinements the files are read with; a refused one
 * names every problem by JSON path (400.18) and changes nothing. Templates (files under surveys/)
 * are read-only: copy one to edit it.
 */
import { z } from 'zod';
import { problems, type ProblemDetail } from '../errors.ts';
import type { TPublishedVersion, TQuestionnaireHead, TStoredStudy } from '../survey/catalog.ts';
import { ZQuestionnaireDefinition, ZStudyInputDefinition, issuesToDetails } from '../survey/refinements.ts';
import { ZId, ZStudySettings, type TQuestionnaire, type TStudy, type TStudySettings } from '../survey/schema.ts';
import type { Actor } from './access.ts';
import { may } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Context } from './context.ts';
import { templateStudy } from './studies.ts';

/** The definition problems of a zod error, by JSON path (prefixed with `prefix` when given). */
function definitionProblems(error: z.ZodError, prefix = ''): ProblemDetail[] {
  return issuesToDetails(error).map((d) => ({ path: prefix && d.path ? `${prefix}.${d.path}` : prefix || d.path, message: d.message }));
}

/** What spans the store: the frame exists and has a municipality that can take part. */
function frameProblems(ctx: Context, frame: string): ProblemDetail[] {
  const found = ctx.definitions.frames.get(frame);
  if (!found) {
    const known = [...ctx.definitions.frames.keys()].map((k) => `"${k}"`).join(', ') || 'none';
    return [{ path: 'frame', message: `no municipality frame with id "${frame}" (known frames: ${known})` }];
  }
  if (!found.municipalities.some((m) => m.eligible)) return [{ path: 'frame', message: `frame "${frame}" has no eligible municipality` }];
  return [];
}

/** The stored study, or 409 for a template and 404 for none. */
async function storedStudy(ctx: Context, studyId: string): Promise<TStoredStudy> {
  if (templateStudy(ctx, studyId)) throw problems.readOnlyTemplate(studyId);
  const stored = await ctx.store.catalog.study(studyId);
  if (!stored) throw problems.notFound(`The study "${studyId}"`);
  return stored;
}

// --- ETags ---------------------------------------------------------------------------------

/** The ETag of a revision: strong, quoted. */
export function etagOf(revision: number): string {
  return `"r${revision}"`;
}

/** The revision an If-Match names; 428 when there is none, 412 when it is not one of ours (or `*` on nothing). */
export function revisionOf(ifMatch: string | undefined, what: string, current: number): number {
  if (ifMatch === undefined || ifMatch.trim() === '') throw problems.ifMatchRequired(what);
  const match = /^\s*(?:W\/)?"r(\d{1,9})"\s*$/.exec(ifMatch);
  if (!match) throw problems.editConflict(what, etagOf(current));
  return Number(match[1]);
}

// --- Studies -------------------------------------------------------------------------------

/** The first draft of each questionnaire of a new study: its version is the next to publish (1). */
function firstDrafts(study: TStudy): TQuestionnaire[] {
  return study.questionnaires.map((q) => ({ ...q, version: 1 }));
}

function settingsOf(study: TStudy): TStudySettings {
  const { questionnaires: _q, archived: _a, ...settings } = study;
  return ZStudySettings.parse(settings);
}

/** Gives a new study's maker (an evaluator who is not an admin) membership of it, so they can edit it. */
async function joinStudy(ctx: Context, actor: Actor, studyId: string): Promise<void> {
  if (actor.id === null || actor.role === 'admin' || actor.studies.includes(studyId)) return;
  const user = await ctx.store.users.get(actor.id);
  if (user) await ctx.store.users.update(user.id, { studies: [...new Set([...user.studies, studyId])].sort() });
}

/**
 * `POST /api/v1/studies` and the "new study" page: a study definition (questionnaire versions
 * optional) becomes a stored study whose questionnaires are drafts (nothing published yet).
 * 400.18 names every problem by JSON path; 409 when the id is taken (a template's or a stored one).
 */
export async function createStudy(ctx: Context, actor: Actor, body: unknown, copiedFrom?: string): Promise<TStoredStudy> {
  const parsed = ZStudyInputDefinition.safeParse(body);
  if (!parsed.success) throw problems.invalidStudyDefinition('The study definition', definitionProblems(parsed.error));
  const study = parsed.data as TStudy;
  const spanning = frameProblems(ctx, study.frame);
  if (spanning.length > 0) throw problems.invalidStudyDefinition('The study definition', spanning);
  if (templateStudy(ctx, study.id)) throw problems.conflict(`The study id "${study.id}" is taken by a template (a file under surveys/); choose another id.`);
  const record: TStoredStudy = {
    settings: settingsOf(study),
    questionnaires: study.questionnaires.map((q) => q.id),
    archived: false,
    revision: 1,
    ...(copiedFrom ? { copiedFrom } : {}),
    created: ctx.today(),
  };
  if (!(await ctx.store.catalog.addStudy(record, firstDrafts(study)))) throw problems.conflict(`There is already a study with the id "${study.id}"; choose another id.`);
  await joinStudy(ctx, actor, study.id);
  await recordActivity(ctx, actor, 'study-create', { study: study.id, detail: copiedFrom ? `copy of ${copiedFrom}` : study.title });
  return record;
}

/**
 * The definition of a study as an editor sees it (the JSON export): settings, and per
 * questionnaire its draft, or the latest published version when it has no draft.
 */
export async function studyDefinition(ctx: Context, studyId: string): Promise<TStudy> {
  const template = templateStudy(ctx, studyId);
  if (template) return template;
  const stored = await ctx.store.catalog.study(studyId);
  if (!stored) throw problems.notFound(`The study "${studyId}"`);
  const questionnaires = await Promise.all(stored.questionnaires.map(async (id) => (await draftView(ctx, studyId, id)).questionnaire));
  return { ...stored.settings, questionnaires, ...(stored.archived ? { archived: true } : {}) };
}

const ZCopy = z.strictObject({
  id: ZId,
  title: z.string().trim().min(1, 'give the new study a title').max(300),
});

/** Who may copy a study: any evaluator a template, only its members a stored study (403 otherwise). */
export function assertMayCopy(ctx: Context, actor: Actor | undefined, fromId: string): void {
  if (!templateStudy(ctx, fromId) && may(actor, 'evaluator', fromId) !== 'allowed') throw problems.forbidden(`You are not an evaluator of the study "${fromId.slice(0, 64)}".`);
}

/**
 * Copies a study under a new id and title; its questionnaires start as drafts. A template may be
 * copied by any evaluator, a stored study only by its members.
 */
export async function copyStudy(ctx: Context, actor: Actor, fromId: string, body: unknown): Promise<TStoredStudy> {
  assertMayCopy(ctx, actor, fromId);
  const parsed = ZCopy.safeParse(body);
  if (!parsed.success) throw problems.invalidStudyDefinition('The copy', definitionProblems(parsed.error));
  const from = await studyDefinition(ctx, fromId);
  const { archived: _archived, ...definition } = from;
  return createStudy(ctx, actor, { ...definition, id: parsed.data.id, title: parsed.data.title }, from.id);
}

/** A stored study's settings with their ETag (templates: read-only, no ETag). */
export async function studySettings(ctx: Context, studyId: string): Promise<{ settings: TStudySettings; etag?: string; template: boolean; archived: boolean; stored?: TStoredStudy }> {
  const template = templateStudy(ctx, studyId);
  if (template) return { settings: settingsOf(template), template: true, archived: false };
  const stored = await ctx.store.catalog.study(studyId);
  if (!stored) throw problems.notFound(`The study "${studyId}"`);
  return { settings: stored.settings, etag: etagOf(stored.revision), template: false, archived: stored.archived, stored };
}

/**
 * Changes a stored study's settings (If-Match: its ETag). The id cannot change; the frame only
 * while the study has no responses. 400.18 by JSON path, 412 on a stale ETag.
 */
export async function updateStudySettings(ctx: Context, actor: Actor, studyId: string, body: unknown, ifMatch: string | undefined): Promise<TStoredStudy> {
  const stored = await storedStudy(ctx, studyId);
  const expected = revisionOf(ifMatch, `the settings of "${studyId}"`, stored.revision);
  const input = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : body;
  const parsed = ZStudySettings.safeParse(input);
  if (!parsed.success) throw problems.invalidStudyDefinition('The study settings', definitionProblems(parsed.error));
  const settings = parsed.data;
  const found: ProblemDetail[] = [];
  if (settings.id !== studyId) found.push({ path: 'id', message: `the id of a study cannot change (it is "${studyId}")` });
  const { opens, closes } = settings.fieldwork;
  if (opens !== undefined && closes !== undefined && opens > closes) found.push({ path: 'fieldwork.closes', message: `fieldwork closes (${closes}) before it opens (${opens})` });
  if (settings.frame !== stored.settings.frame) {
    found.push(...frameProblems(ctx, settings.frame));
    if ((await ctx.store.responses.count({ study: studyId })) > 0) found.push({ path: 'frame', message: 'the study has responses: its municipality frame cannot change' });
  }
  if (found.length > 0) throw problems.invalidStudyDefinition('The study settings', found);
  const result = await ctx.store.catalog.updateStudy(studyId, expected, { settings });
  if (result === undefined) throw problems.notFound(`The study "${studyId}"`);
  if (result === 'conflict') throw problems.editConflict(`The settings of "${studyId}"`, etagOf((await storedStudy(ctx, studyId)).revision));
  await recordActivity(ctx, actor, 'study-change', { study: studyId, detail: 'settings' });
  return result;
}

/** Archives a stored study (it takes no more answers; results stay) or takes it back. */
export async function setArchived(ctx: Context, actor: Actor, studyId: string, archived: boolean, ifMatch?: string): Promise<TStoredStudy> {
  const stored = await storedStudy(ctx, studyId);
  const expected = ifMatch === undefined ? stored.revision : revisionOf(ifMatch, `the study "${studyId}"`, stored.revision);
  const result = await ctx.store.catalog.updateStudy(studyId, expected, { archived });
  if (result === undefined) throw problems.notFound(`The study "${studyId}"`);
  if (result === 'conflict') throw problems.editConflict(`The study "${studyId}"`, etagOf((await storedStudy(ctx, studyId)).revision));
  await recordActivity(ctx, actor, 'study-archive', { study: studyId, detail: archived ? 'archived' : 'taken back' });
  return result;
}

/** The stored studies an actor may see in the editor, with templates first (read-only). */
export async function authoringOverview(ctx: Context, actor: Actor | undefined) {
  const stored = (await ctx.store.catalog.studies()).filter((s) => may(actor, 'evaluator', s.settings.id) === 'allowed');
  const templates = ctx.definitions.studies.map((s) => ({ id: s.id, title: s.title, organisation: s.organisation, questionnaires: s.questionnaires.map((q) => ({ id: q.id, title: q.title, version: q.version })) }));
  const studies = await Promise.all(
    stored.map(async (s) => {
      const heads = await ctx.store.catalog.heads(s.settings.id);
      const versions = await ctx.store.catalog.versions(s.settings.id);
      return {
        id: s.settings.id,
        title: s.settings.title,
        archived: s.archived,
        copiedFrom: s.copiedFrom,
        created: s.created,
        questionnaires: s.questionnaires.map((id) => {
          const head = heads.find((h) => h.questionnaire === id);
          const mine = versions.filter((v) => v.questionnaire === id);
          return { id, title: head?.draft?.title ?? mine.at(-1)?.definition.title ?? id, hasDraft: head?.draft != null, published: mine.at(-1)?.version };
        }),
      };
    }),
  );
  return { templates, studies };
}

// --- Drafts --------------------------------------------------------------------------------

export interface DraftView {
  study: string;
  /** The draft, or the latest published version when there is no draft (a template: the file). */
  questionnaire: TQuestionnaire;
  /** Whether `questionnaire` is a draft (false: it is the published version `latest`). */
  isDraft: boolean;
  /** The latest published version (none yet: undefined). */
  latest?: number;
  /** A template's questionnaire is read-only: no ETag. */
  template: boolean;
  etag?: string;
  revision?: number;
}

/** A stored questionnaire's head with the study and its published versions (409 for a template, 404 for none). */
export async function headOf(ctx: Context, studyId: string, questionnaireId: string): Promise<{ stored: TStoredStudy; head: TQuestionnaireHead; versions: TPublishedVersion[] }> {
  const stored = await storedStudy(ctx, studyId);
  const head = stored.questionnaires.includes(questionnaireId) ? await ctx.store.catalog.head(studyId, questionnaireId) : undefined;
  if (!head) throw problems.notFound(`The questionnaire "${questionnaireId}" of study "${studyId}"`);
  return { stored, head, versions: await ctx.store.catalog.versions(studyId, questionnaireId) };
}

/** `GET …/draft`: the draft (or the latest published version) with its ETag. */
export async function draftView(ctx: Context, studyId: string, questionnaireId: string): Promise<DraftView> {
  const template = templateStudy(ctx, studyId);
  if (template) {
    const questionnaire = template.questionnaires.find((q) => q.id === questionnaireId);
    if (!questionnaire) throw problems.notFound(`The questionnaire "${questionnaireId}" of study "${studyId}"`);
    return { study: studyId, questionnaire, isDraft: false, latest: questionnaire.version, template: true };
  }
  const { head, versions } = await headOf(ctx, studyId, questionnaireId);
  const latest = versions.at(-1);
  // The published version is read-only (frozen by some adapters): the editor gets its own copy.
  const questionnaire = head.draft ?? (latest && structuredClone(latest.definition));
  // A head without a draft always has a published version (publishing is what removes a draft).
  if (!questionnaire) throw new Error(`the questionnaire "${questionnaireId}" of "${studyId}" has neither a draft nor a published version`);
  return { study: studyId, questionnaire, isDraft: head.draft !== null, ...(latest ? { latest: latest.version } : {}), template: false, etag: etagOf(head.revision), revision: head.revision };
}

/**
 * Checks a questionnaire definition as a draft of `questionnaireId`: the schema and refinements of
 * the files, and the id. Returns the definition with the next version number, or throws 400.18.
 */
function checkDraft(questionnaireId: string, body: unknown, nextVersion: number): TQuestionnaire {
  const input = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>), version: nextVersion } : body;
  const parsed = ZQuestionnaireDefinition.safeParse(input);
  const found = parsed.success ? [] : definitionProblems(parsed.error);
  if (parsed.success && parsed.data.id !== questionnaireId) found.push({ path: 'id', message: `the id of the questionnaire cannot change (it is "${questionnaireId}")` });
  if (found.length > 0 || !parsed.success) throw problems.invalidStudyDefinition('The questionnaire', found);
  return parsed.data;
}

/** The problems a definition would be refused with as the draft (none: an empty list); stores nothing. */
export async function draftProblems(ctx: Context, studyId: string, questionnaireId: string, body: unknown): Promise<ProblemDetail[]> {
  const { versions } = await headOf(ctx, studyId, questionnaireId);
  try {
    checkDraft(questionnaireId, body, (versions.at(-1)?.version ?? 0) + 1);
    return [];
  } catch (error) {
    if (error && typeof error === 'object' && 'details' in error) return (error as { details: ProblemDetail[] }).details;
    throw error;
  }
}

/**
 * `PUT …/draft` and every editor form: stores `body` as the draft when `ifMatch` names the
 * current revision (428 without it, 412 when someone saved or published since: nothing saved,
 * the caller keeps its text). Invalid definitions: 400.18 by JSON path, nothing saved.
 */
export async function saveDraft(ctx: Context, actor: Actor, studyId: string, questionnaireId: string, body: unknown, ifMatch: string | undefined): Promise<DraftView> {
  const { head, versions } = await headOf(ctx, studyId, questionnaireId);
  const what = `the draft of "${questionnaireId}"`;
  const expected = revisionOf(ifMatch, what, head.revision);
  if (expected !== head.revision) throw problems.editConflict(`The draft of "${questionnaireId}"`, etagOf(head.revision));
  const draft = checkDraft(questionnaireId, body, (versions.at(-1)?.version ?? 0) + 1);
  const saved = await ctx.store.catalog.saveDraft(studyId, questionnaireId, draft, expected);
  if (saved === 'conflict') throw problems.editConflict(`The draft of "${questionnaireId}"`, etagOf((await headOf(ctx, studyId, questionnaireId)).head.revision));
  await recordActivity(ctx, actor, 'draft-save', { study: studyId, detail: questionnaireId });
  return draftView(ctx, studyId, questionnaireId);
}

/** Throws away the draft (back to the latest published version); only when one is published. */
export async function discardDraft(ctx: Context, actor: Actor, studyId: string, questionnaireId: string, ifMatch: string | undefined): Promise<DraftView> {
  const { head, versions } = await headOf(ctx, studyId, questionnaireId);
  const expected = revisionOf(ifMatch, `the draft of "${questionnaireId}"`, head.revision);
  if (versions.length === 0) throw problems.conflict(`"${questionnaireId}" has never been published: its draft is all there is and cannot be thrown away.`);
  if (head.draft === null) return draftView(ctx, studyId, questionnaireId);
  const saved = await ctx.store.catalog.saveDraft(studyId, questionnaireId, null, expected);
  if (saved === 'conflict') throw problems.editConflict(`The draft of "${questionnaireId}"`, etagOf((await headOf(ctx, studyId, questionnaireId)).head.revision));
  await recordActivity(ctx, actor, 'draft-save', { study: studyId, detail: `${questionnaireId} draft discarded` });
  return draftView(ctx, studyId, questionnaireId);
}
