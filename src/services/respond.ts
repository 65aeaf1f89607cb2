/**
 * Answering through an open link (/s/<study>/<questionnaire>/…): the landing page, the pages of
 * the flow and the response stored at the end. Every step checks the questionnaire's status.
 */
import { problems } from '../errors.ts';
import type { Context } from './context.ts';
import { firstPage, pageIndexOf, postPage, type FlowOptions, type FlowStep } from './flow.ts';
import { assertAccepts, studyStatuses, type QuestionnaireStatus } from './status.ts';
import { listStudies, locateFor, pinnedTo, type Located } from './studies.ts';
import { storeOpenLinkResponse } from './submit.ts';

function openLinkFlow(ctx: Context, at: Located): FlowOptions {
  const base = `/s/${at.study.id}/${at.questionnaire.id}`;
  return {
    at,
    base,
    startUrl: base,
    submit: async (response, submissionId) => {
      await storeOpenLinkResponse(ctx, response, submissionId);
      return `${base}/tak`;
    },
  };
}

/** The front page: every study with whether its open links take answers now. */
export async function frontPage(ctx: Context): Promise<{ study: Located['study']; open: boolean; statuses: QuestionnaireStatus[] }[]> {
  return Promise.all(
    (await listStudies(ctx)).map(async (study) => {
      const statuses = await studyStatuses(ctx, study);
      return { study, open: statuses.some((s) => s.openLinkAccepts), statuses };
    }),
  );
}

/** The landing page of a questionnaire that takes open-link answers now (else the 410/403 refusal). */
export async function openLinkLanding(ctx: Context, studyId: string, questionnaireId: string): Promise<Located> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  await assertAccepts(ctx, at, 'open-link');
  return at;
}

/** GET page n: only the first page exists without a posted form (later ones answer with the landing page's URL). */
export async function openLinkPage(ctx: Context, studyId: string, questionnaireId: string, n: string): Promise<FlowStep | { kind: 'redirect'; location: string }> {
  const at = await locateFor(ctx, studyId, questionnaireId);
  await assertAccepts(ctx, at, 'open-link');
  const index = pageIndexOf(at.questionnaire, n);
  if (index === undefined) throw problems.notFound('The page');
  if (index !== 0) return { kind: 'redirect', location: `/s/${at.study.id}/${at.questionnaire.id}` };
  return firstPage(openLinkFlow(ctx, at));
}

export async function postOpenLinkPage(ctx: Context, studyId: string, questionnaireId: string, n: string, body: Record<string, unknown>): Promise<FlowStep> {
  const at = await pinnedTo(ctx, await locateFor(ctx, studyId, questionnaireId), body.state);
  await assertAccepts(ctx, at, 'open-link');
  const index = pageIndexOf(at.questionnaire, n);
  if (index === undefined) throw problems.notFound('The page');
  return postPage(openLinkFlow(ctx, at), index, body);
}
