/**
 * The questionnaire editor's use cases, on top of authoring.ts: what an editor page shows (the
 * draft, the latest published version its codes are frozen by, the municipalities a preview
 * offers) and one edit = one pure operation (src/survey/edit.ts) on the current draft, saved with
 * saveDraft under the revision the form was rendered from. saveDraft holds every rule: a stale
 * revision is 412 and an invalid result 400.18, and then nothing is saved.
 */
import { problems, type ProblemDetail } from '../errors.ts';
import type { TMunicipality } from '../frame/schema.ts';
import { addQuestion, locateQuestion, newQuestion, placeOf, questionIds, updateQuestion, type EditedQuestion, type EditedQuestionnaire, type Form } from '../survey/edit.ts';
import { questionFromForm } from '../survey/edit-form.ts';
import type { TQuestion, TQuestionnaire, TQuestionType, TStudy } from '../survey/schema.ts';
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

/** The question with `id` in the latest published version, if it is there. */
export function publishedQuestion(view: EditorView, id: string): TQuestion | undefined {
  return view.published?.sections.flatMap((s) => s.questions).find((q) => q.id === id);
}

/** One question form: what it edits, what it shows and how its save changes the draft. */
export interface QuestionEdit {
  view: EditorView;
  /** The question as saved (none: a new question). */
  existing?: TQuestion;
  sectionId: string;
  /** The question the form shows (the saved one, a blank one of a type, or what was posted). */
  candidate: EditedQuestion;
  /** The questions before it: those a condition may refer to. */
  earlier: TQuestion[];
  /** Its JSON path in the draft after the save (where the problems of the save point). */
  prefix: string;
  apply: (draft: EditedQuestionnaire) => EditedQuestionnaire;
}

/**
 * The question form of `target`: an existing question, or a new one at the end of a section
 * (404 for a forged id). With `form`, the question is what the form posted (questionFromForm: ids
 * and option codes of the published version kept); without, the saved question, or a blank one of
 * `type` for a new question.
 */
export function questionEdit(view: EditorView, target: { question?: string; section?: string; type?: TQuestionType }, form?: Form): QuestionEdit {
  const existing = target.question === undefined ? undefined : questionOf(view, target.question);
  const place = placeOf(view.questionnaire, existing?.id, existing ? '' : sectionOf(view, target.section ?? '').id)!;
  const published = existing ? publishedQuestion(view, existing.id) : undefined;
  const takenIds = questionIds(view.questionnaire).filter((id) => id !== existing?.id);
  let candidate: EditedQuestion;
  if (form) candidate = questionFromForm(form, { ...(existing ? { existing } : {}), ...(published ? { published } : {}), takenIds });
  else if (existing) candidate = existing;
  else {
    const { options: _options, ...blank } = { ...newQuestion(target.type ?? 'single', view.questionnaire), id: '', text: '' } as EditedQuestion;
    candidate = blank;
  }
  const apply = (draft: EditedQuestionnaire) => (existing ? updateQuestion(draft, existing.id, candidate) : addQuestion(draft, place.sectionId, candidate));
  return { view, ...(existing ? { existing } : {}), sectionId: place.sectionId, candidate, earlier: place.earlier as TQuestion[], prefix: place.prefix, apply };
}
