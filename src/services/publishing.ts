/**
 * Publishing a questionnaire's draft: it freezes a version (content hash), classifies the change
 * against the version before (cosmetic / additive / breaking: src/survey/versions.ts; a breaking
 * one only with an explicit confirmation) and never rewrites a stored answer; and the published
 * versions as the API and the versions page list them.
 */
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import { changeDetailsInDanish } from '../report/versions.ts';
import type { TQuestionnaire } from '../survey/schema.ts';
import { classifyChange, contentHash, type Change } from '../survey/versions.ts';
import type { Actor } from './access.ts';
import { recordActivity } from './activity.ts';
import { etagOf, headOf, revisionOf } from './authoring.ts';
import type { Context } from './context.ts';
import { findStudy, questionnaireVersions, templateStudy } from './studies.ts';

/** What publishing the draft would be: its class and details against the latest version (the first: additive). */
export function changeAgainst(previous: TQuestionnaire | undefined, next: TQuestionnaire): Change {
  if (!previous) return { change: 'additive', details: ['first published version'] };
  return classifyChange(previous, next);
}

/** The change publishing the current draft would make (the editor shows it before the button), or undefined without a draft. */
export async function pendingChange(ctx: Context, studyId: string, questionnaireId: string): Promise<(Change & { version: number; danish: string[] }) | undefined> {
  if (templateStudy(ctx, studyId)) return undefined;
  const { head, versions } = await headOf(ctx, studyId, questionnaireId);
  if (!head.draft) return undefined;
  const previous = versions.at(-1)?.definition;
  return { ...changeAgainst(previous, head.draft), version: (versions.at(-1)?.version ?? 0) + 1, danish: changeDetailsInDanish(previous, head.draft) };
}

const ZPublish = z.strictObject({
  /** Needed for a breaking change: names that the publisher saw what changes. */
  confirm: z.boolean().default(false),
});

export interface Published {
  version: number;
  change: Change['change'];
  details: string[];
}

/**
 * `POST …/publish`: freezes the draft as the next version. Refused (nothing changes): no draft
 * (409), the draft the same as the latest version (409), a breaking change without
 * `confirm: true` (409.3 naming each change), a stale If-Match or a save meanwhile (412).
 */
export async function publishQuestionnaire(ctx: Context, actor: Actor, studyId: string, questionnaireId: string, body: unknown, ifMatch?: string): Promise<Published> {
  const parsed = ZPublish.safeParse(body ?? {});
  if (!parsed.success) throw problems.invalidInput('The body must be a JSON object {"confirm"?: true}.', issueDetails(parsed.error.issues));
  const { head, versions } = await headOf(ctx, studyId, questionnaireId);
  const expected = ifMatch === undefined ? head.revision : revisionOf(ifMatch, `the draft of "${questionnaireId}"`, head.revision);
  if (expected !== head.revision) throw problems.editConflict(`The draft of "${questionnaireId}"`, etagOf(head.revision));
  if (!head.draft) throw problems.conflict(`"${questionnaireId}" has no draft to publish (version ${versions.at(-1)?.version} is published and nothing has changed since).`);
  const previous = versions.at(-1);
  const version = (previous?.version ?? 0) + 1;
  const definition: TQuestionnaire = { ...head.draft, version };
  const hash = contentHash(definition);
  if (previous && previous.hash === hash) throw problems.conflict(`The draft of "${questionnaireId}" is the same as version ${previous.version}: there is nothing new to publish.`);
  const change = changeAgainst(previous?.definition, definition);
  if (change.change === 'breaking' && !parsed.data.confirm) throw problems.breakingChange(questionnaireId, change.details.map((message) => ({ path: questionnaireId, message })));
  const stored = await ctx.store.catalog.publish({ study: studyId, questionnaire: questionnaireId, version, hash, day: ctx.today(), change: change.change, details: change.details, definition }, expected);
  if (stored === 'conflict') throw problems.editConflict(`The draft of "${questionnaireId}"`, etagOf((await headOf(ctx, studyId, questionnaireId)).head.revision));
  await recordActivity(ctx, actor, 'publish', { study: studyId, detail: `${questionnaireId} version ${version} (${change.change})` });
  return { version, change: change.change, details: change.details };
}

export interface VersionSummary {
  version: number;
  hash: string;
  /** The day it was published (a template's: none). */
  day?: string;
  change: Change['change'];
  details: string[];
  title: string;
  questions: number;
  /** `details` in Danish, as the versions page shows them. */
  danish: string[];
}

/** `GET …/versions`: every published version, oldest first (a template's questionnaire: the file's one version). */
export async function questionnaireVersionList(ctx: Context, studyId: string, questionnaireId: string): Promise<VersionSummary[]> {
  const summary = (q: TQuestionnaire) => ({ title: q.title, questions: q.sections.reduce((n, s) => n + s.questions.length, 0) });
  const template = templateStudy(ctx, studyId);
  if (template) {
    const q = template.questionnaires.find((x) => x.id === questionnaireId);
    if (!q) throw problems.notFound(`The questionnaire "${questionnaireId}" of study "${studyId}"`);
    return [{ version: q.version, hash: contentHash(q), change: 'additive', details: ['the template file'], danish: ['skabelonfilen'], ...summary(q) }];
  }
  const { versions } = await headOf(ctx, studyId, questionnaireId);
  return versions.map((v, k) => ({ version: v.version, hash: v.hash, day: v.day, change: v.change, details: v.details, danish: changeDetailsInDanish(versions[k - 1]?.definition, v.definition), ...summary(v.definition) }));
}

/** One published version's definition (`version` as the URL gives it), or 404. */
export async function publishedVersion(ctx: Context, studyId: string, questionnaireId: string, version: string): Promise<TQuestionnaire> {
  const study = await findStudy(ctx, studyId);
  const found = (await questionnaireVersions(ctx, study)).get(questionnaireId)?.find((v) => String(v.version) === version);
  if (!found) throw problems.notFound(`Version ${version.slice(0, 12)} of the questionnaire "${questionnaireId.slice(0, 64)}"`);
  return found;
}
