/**
 * The questionnaire editor's use cases, on top of authoring.ts: what an editor page shows (the
 * draft, the latest published version its codes are frozen by, the municipalities a preview
 * offers) and one edit = one pure operation (src/survey/edit.ts) on the current draft, saved with
 * saveDraft under the revision the form was rendered from. saveDraft holds every rule: a stale
 * revision is 412 and an invalid result 400.18, and then nothing is saved.
 */
import { problems, type ProblemDetail } from '../errors.ts';
import type { TMunicipality } from '../frame/schema.ts';
import { locateQuestion, type EditedQuestionnaire } from '../survey/edit.ts';
import type { TQuestion, TQuestionnaire, TStudy } from '../survey/schema.ts';
import type { Actor } from './access.ts';
import { draftProblems, draftView, saveDraft, type DraftView } from './authoring.ts';
import type { Context } from './context.ts';
import { eligibleMunicipalities, findStudy, studyFrame } from './studies.ts';

export interface EditorView extends DraftView {
  studyDefinition: TStudy;
  /** The latest published version (a template: the file), whose question ids and option codes are frozen. */
  published?: TQuestionnaire;
  /** The municipalities a municipality question offers (for the preview). */
  municipalities: readonly TMunicipality[];
}

export async function editorView(ctx: Context, studyId: string, questionnaireId: string): Promise<EditorView> {
  const view = await draftView(ctx, studyId, questionnaireId);
  const study = await findStudy(ctx, studyId);
  const published = view.template ? view.questionnaire : (await ctx.store.catalog.versions(studyId, questionnaireId)).at(-1)?.definition;
  const municipalities = eligibleMunicipalities(await studyFrame(ctx, study));
  return { ...view, studyDefinition: study, ...(published ? { published } : {}), municipalities };
}

/** The question `id` of a view, or 404 naming it (a forged or stale id in a URL). */
export function questionOf(view: DraftView, id: string): TQuestion {
  const at = locateQuestion(view.questionnaire, id);
  if (!at) throw problems.notFound(`The question "${id.slice(0, 64)}" of "${view.questionnaire.id}"`);
  return view.questionnaire.sections[at.section]!.questions[at.index]!;
}

/** The section `id` of a view, or 404 naming it. */
export function sectionOf(view: DraftView, id: string) {
  const section = view.questionnaire.sections.find((s) => s.id === id);
  if (!section) throw problems.notFound(`The section "${id.slice(0, 64)}" of "${view.questionnaire.id}"`);
  return section;
}

/** The If-Match of a form's hidden `revision` field (digits only; anything else matches no revision). */
export function ifMatchOf(revision: unknown): string | undefined {
  if (typeof revision !== 'string' || revision === '') return undefined;
  return /^\d{1,9}$/.test(revision) ? `"r${revision}"` : '"r-"';
}

/**
 * Applies `edit` to the current draft and saves the result as the draft if `revision` is still the
 * current one. Templates: 409.4 (read-only), before anything else.
 */
export async function applyEdit(ctx: Context, actor: Actor, studyId: string, questionnaireId: string, revision: unknown, edit: (draft: EditedQuestionnaire, view: DraftView) => EditedQuestionnaire): Promise<DraftView> {
  const view = await draftView(ctx, studyId, questionnaireId);
  if (view.template) throw problems.readOnlyTemplate(studyId);
  return saveDraft(ctx, actor, studyId, questionnaireId, edit(view.questionnaire, view), ifMatchOf(revision));
}

/** The problems the draft would have after `edit` (nothing is saved): the editor's live validation. */
export async function editProblems(ctx: Context, studyId: string, questionnaireId: string, edit: (draft: EditedQuestionnaire, view: DraftView) => unknown): Promise<ProblemDetail[]> {
  const view = await draftView(ctx, studyId, questionnaireId);
  if (view.template) throw problems.readOnlyTemplate(studyId);
  return draftProblems(ctx, studyId, questionnaireId, edit(view.questionnaire, view));
}
