/**
 * Whether a questionnaire takes answers: THE one rule, used by every path that shows a
 * questionnaire page or stores a response (open link /s/, the API, invitation links /i/).
 *
 * - The window is set by hand (`open`, `closed`) or follows the study's dates (`dates`); see
 *   windowState in src/fieldwork/index.ts.
 * - Open links (the /s/ pages and API submissions without a token) also need the open-link switch on.
 * - Invitation links need only the window to be open.
 */
import { problems, type Problem } from '../errors.ts';
import { DEFAULT_WINDOW, windowState, type TWindow, type TWindowState } from '../fieldwork/index.ts';
import type { TStudy } from '../survey/schema.ts';
import type { Context } from './context.ts';
import { listStudies, locate, type Located } from './studies.ts';

export type Channel = 'open-link' | 'invitation';

export interface QuestionnaireStatus {
  study: string;
  questionnaire: string;
  mode: TWindow['mode'];
  openLinks: boolean;
  state: TWindowState;
  /** Whether open links (/s/ pages, API submissions without a token) take answers now. */
  openLinkAccepts: boolean;
  /** Whether invitation links take answers now. */
  invitationAccepts: boolean;
}

function statusOf(study: TStudy, questionnaire: string, window: TWindow, today: string): QuestionnaireStatus {
  // An archived study is closed whatever its window says.
  const state: TWindowState = study.archived ? 'closed' : windowState(study, window, today);
  return {
    study: study.id,
    questionnaire,
    mode: window.mode,
    openLinks: window.openLinks,
    state,
    openLinkAccepts: state === 'open' && window.openLinks,
    invitationAccepts: state === 'open',
  };
}

export async function questionnaireStatus(ctx: Context, at: Pick<Located, 'study' | 'questionnaire'>): Promise<QuestionnaireStatus> {
  const window = (await ctx.store.fieldwork.window(at.study.id, at.questionnaire.id)) ?? DEFAULT_WINDOW;
  return statusOf(at.study, at.questionnaire.id, window, ctx.today());
}

/** Every questionnaire's status, in the study's order. */
export function studyStatuses(ctx: Context, study: TStudy): Promise<QuestionnaireStatus[]> {
  return Promise.all(study.questionnaires.map((questionnaire) => questionnaireStatus(ctx, { study, questionnaire })));
}

/** Why `channel` may not take answers now, or undefined when it may. */
function refusal(status: QuestionnaireStatus, study: TStudy, channel: Channel): Problem | undefined {
  if (status.state === 'closed') return problems.questionnaireClosed(status.questionnaire, status.mode === 'dates' ? study.fieldwork.closes : undefined);
  if (status.state === 'not-yet') return problems.questionnaireNotYetOpen(status.questionnaire, study.fieldwork.opens);
  if (channel === 'open-link' && !status.openLinks) return problems.openLinksOff(status.questionnaire);
  return undefined;
}

/** Throws the Problem (410/403) when `channel` may not take answers for this questionnaire now. */
export async function assertAccepts(ctx: Context, at: Pick<Located, 'study' | 'questionnaire'>, channel: Channel): Promise<QuestionnaireStatus> {
  const status = await questionnaireStatus(ctx, at);
  const refused = refusal(status, at.study, channel);
  if (refused) throw refused;
  return status;
}

/**
 * Sets a questionnaire's window (the fieldwork page and `PUT …/window` both call this); closing it
 * deletes the drafts of its invitation links (expireDrafts). Returns the resulting status.
 */
export async function setWindow(ctx: Context, studyId: string, questionnaireId: string, window: TWindow): Promise<QuestionnaireStatus> {
  const at = await locate(ctx, studyId, questionnaireId);
  await ctx.store.fieldwork.setWindow(at.study.id, at.questionnaire.id, window);
  const status = await questionnaireStatus(ctx, at);
  if (status.state === 'closed') await expireDrafts(ctx);
  return status;
}

/** Deletes drafts not changed for ctx.draftDays days and every draft of a questionnaire that is closed now. */
export async function expireDrafts(ctx: Context): Promise<number> {
  const cutoff = new Date(`${ctx.today()}T12:00:00Z`);
  cutoff.setUTCDate(cutoff.getUTCDate() - ctx.draftDays);
  const statuses = (await Promise.all((await listStudies(ctx, { archived: true })).map((study) => studyStatuses(ctx, study)))).flat();
  const closed = statuses.filter((s) => s.state === 'closed').map(({ study, questionnaire }) => ({ study, questionnaire }));
  return ctx.store.fieldwork.expireDrafts(cutoff.toISOString().slice(0, 10), closed);
}

