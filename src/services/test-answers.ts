/**
 * Test mode (the editor's preview): an evaluator answers a draft (or the latest published
 * version) page by page exactly as a respondent would, through the same flow and validation
 * (flow.ts), whatever the fieldwork window says. The answers are stored apart from the responses
 * (CatalogPort.addTest), marked by being there, never counted in a report or export, and can be
 * cleared.
 */
import { problems } from '../errors.ts';
import type { Actor } from './access.ts';
import { recordActivity } from './activity.ts';
import { draftView } from './authoring.ts';
import type { Context } from './context.ts';
import { firstPage, pageIndexOf, postPage, type FlowOptions, type FlowStep } from './flow.ts';
import { findStudy, studyFrame, type Located } from './studies.ts';

export const testBase = (study: string, questionnaire: string) => `/admin/studies/${study}/questionnaires/${questionnaire}/test`;

/** What test mode answers: the draft, else the latest published version (a template: the file), with the study's eligibility. */
export async function testAt(ctx: Context, studyId: string, questionnaireId: string): Promise<Located> {
  const view = await draftView(ctx, studyId, questionnaireId);
  const study = await findStudy(ctx, studyId);
  return { study, questionnaire: view.questionnaire, frame: await studyFrame(ctx, study) };
}

function testFlow(ctx: Context, at: Located): FlowOptions {
  const base = testBase(at.study.id, at.questionnaire.id);
  return {
    at,
    base,
    startUrl: base,
    submit: async (response, submissionId) => {
      // A double click stores one test answer (its id is the flow's submission id).
      const earlier = await ctx.store.catalog.tests(at.study.id, at.questionnaire.id);
      if (!earlier.some((t) => t.id === submissionId)) await ctx.store.catalog.addTest({ ...response, id: submissionId, day: ctx.today() });
      return `${base}/tak`;
    },
  };
}

export async function testFirstPage(ctx: Context, studyId: string, questionnaireId: string): Promise<FlowStep> {
  return firstPage(testFlow(ctx, await testAt(ctx, studyId, questionnaireId)));
}

export async function postTestPage(ctx: Context, studyId: string, questionnaireId: string, n: string, body: Record<string, unknown>): Promise<FlowStep> {
  const at = await testAt(ctx, studyId, questionnaireId);
  const index = pageIndexOf(at.questionnaire, n);
  if (index === undefined) throw problems.notFound('The page');
  return postPage(testFlow(ctx, at), index, body);
}

/** How many test answers each questionnaire of a study has. */
export async function testAnswerCounts(ctx: Context, studyId: string): Promise<{ study: string; questionnaires: Record<string, number> }> {
  const study = await findStudy(ctx, studyId);
  const tests = await ctx.store.catalog.tests(study.id);
  const counts: Record<string, number> = {};
  for (const t of tests) counts[t.questionnaire] = (counts[t.questionnaire] ?? 0) + 1;
  return { study: study.id, questionnaires: counts };
}

/** The test answers of a questionnaire (the editor lists them, marked as tests). */
export async function testAnswers(ctx: Context, studyId: string, questionnaireId: string) {
  return ctx.store.catalog.tests((await findStudy(ctx, studyId)).id, questionnaireId);
}

/** Deletes a study's test answers (one questionnaire's, when given); returns how many. */
export async function clearTestAnswers(ctx: Context, actor: Actor, studyId: string, questionnaireId?: string): Promise<number> {
  const study = await findStudy(ctx, studyId);
  const deleted = await ctx.store.catalog.clearTests(study.id, questionnaireId);
  await recordActivity(ctx, actor, 'test-answers-clear', { study: study.id, detail: `${questionnaireId ?? 'all questionnaires'}: ${deleted}` });
  return deleted;
}
