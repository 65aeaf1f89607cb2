/**
 * Finding studies, questionnaires and frames among the loaded definitions (404 Problems for
 * unknown ids), the municipalities a respondent may choose, and each study's eligibility (the
 * evaluator's choice, stored in the settings; the frame's `eligible` is the default).
 */
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import type { TFrame, TMunicipality } from '../frame/schema.ts';
import type { Definitions } from '../survey/load.ts';
import { startedVersion } from '../survey/flow-state.ts';
import type { TPublishedVersion, TStoredStudy } from '../survey/catalog.ts';
import type { TQuestionnaire, TStudy } from '../survey/schema.ts';
import type { Context } from './context.ts';

export interface Located {
  study: TStudy;
  questionnaire: TQuestionnaire;
  frame: TFrame;
}

/**
 * A study as respondents and results see it: for a template file, the file; for a stored study,
 * its settings with the latest published version of each questionnaire (a questionnaire never
 * published is left out), and `archived` as stored.
 */
function liveStudy(stored: TStoredStudy, versions: readonly TPublishedVersion[]): TStudy {
  const latest = new Map<string, TQuestionnaire>();
  for (const v of versions) latest.set(v.questionnaire, definitionOf(v));
  const questionnaires = stored.questionnaires.map((id) => latest.get(id)).filter((q): q is TQuestionnaire => q !== undefined);
  return { ...stored.settings, questionnaires, ...(stored.archived ? { archived: true } : {}) };
}

/**
 * One object per published content: a version's definition by its content hash, so what is worked
 * out once per questionnaire (answer validation's prepared rules, WeakMap-cached by the object) is
 * not worked out again on every request. Not state: a hash always names the same content, so every
 * instance agrees whatever it has seen; at most MEMO_SIZE are kept, the least recently used dropped.
 */
const MEMO_SIZE = 64;
const byHash = new Map<string, TQuestionnaire>();
function definitionOf(v: TPublishedVersion): TQuestionnaire {
  const known = byHash.get(v.hash);
  if (known && known.id === v.questionnaire && known.version === v.version) {
    byHash.delete(v.hash);
    byHash.set(v.hash, known);
    return known;
  }
  byHash.set(v.hash, v.definition);
  if (byHash.size > MEMO_SIZE) byHash.delete(byHash.keys().next().value!);
  return v.definition;
}

/** The study defined by a file under surveys/ (a read-only template), or undefined. */
export function templateStudy(ctx: Context, studyId: string): TStudy | undefined {
  return ctx.definitions.studies.find((s) => s.id === studyId);
}

/** Every study: the template files' (first, in file order) and the stored ones (by id); archived ones only with `archived: true`. */
export async function listStudies(ctx: Context, options: { archived?: boolean } = {}): Promise<TStudy[]> {
  const stored = await ctx.store.catalog.studies();
  const live = await Promise.all(stored.filter((s) => options.archived || !s.archived).map(async (s) => liveStudy(s, await ctx.store.catalog.versions(s.settings.id))));
  return [...ctx.definitions.studies, ...live];
}

export async function findStudy(ctx: Context, studyId: string): Promise<TStudy> {
  const template = templateStudy(ctx, studyId);
  if (template) return template;
  const stored = await ctx.store.catalog.study(studyId);
  if (!stored) throw problems.notFound(`The study "${studyId}"`);
  return liveStudy(stored, await ctx.store.catalog.versions(studyId));
}

export function frameOf(defs: Definitions, study: TStudy): TFrame {
  const frame = defs.frames.get(study.frame);
  // Every study's frame is checked when it is loaded or stored; this is a guard, not a user error.
  if (!frame) throw new Error(`frame "${study.frame}" of study "${study.id}" is not loaded`);
  return frame;
}

/**
 * Every published version of each questionnaire of a study, oldest first (a template file's
 * questionnaire has one: the file's). What results span.
 */
export async function questionnaireVersions(ctx: Context, study: TStudy): Promise<Map<string, TQuestionnaire[]>> {
  const out = new Map<string, TQuestionnaire[]>();
  if (templateStudy(ctx, study.id)) {
    for (const qn of study.questionnaires) out.set(qn.id, [qn]);
    return out;
  }
  for (const v of await ctx.store.catalog.versions(study.id)) out.set(v.questionnaire, [...(out.get(v.questionnaire) ?? []), definitionOf(v)]);
  return out;
}

/**
 * The study and one of its questionnaires: the latest published version, or `version` (a
 * respondent who started on an earlier version finishes on it). 404 for an unknown study,
 * questionnaire or version, or a questionnaire not published yet.
 */
export async function locate(ctx: Context, studyId: string, questionnaireId: string, version?: number): Promise<Located> {
  const study = await findStudy(ctx, studyId);
  let questionnaire = study.questionnaires.find((q) => q.id === questionnaireId);
  if (!questionnaire) {
    const stored = templateStudy(ctx, studyId) ? undefined : await ctx.store.catalog.study(studyId);
    if (stored?.questionnaires.includes(questionnaireId)) throw problems.notPublished(questionnaireId, studyId);
    throw problems.notFound(`The questionnaire "${questionnaireId}" of study "${studyId}"`);
  }
  if (version !== undefined && version !== questionnaire.version) {
    const earlier = (await questionnaireVersions(ctx, study)).get(questionnaireId)?.find((q) => q.version === version);
    if (!earlier) throw problems.notFound(`Version ${version} of the questionnaire "${questionnaireId}"`);
    questionnaire = earlier;
  }
  return { study, questionnaire, frame: frameOf(ctx.definitions, study) };
}

/**
 * The questionnaire version a respondent's flow state started on (a hidden field, or a saved
 * draft): they finish on it even when a later version is published meanwhile. A state that names
 * no version, the current one, or one that does not exist is answered on `at`.
 */
export async function pinnedTo(ctx: Context, at: Located, encodedState: unknown): Promise<Located> {
  const version = startedVersion(encodedState);
  if (version === undefined || version === at.questionnaire.version) return at;
  const earlier = (await questionnaireVersions(ctx, at.study)).get(at.questionnaire.id)?.find((q) => q.version === version);
  return earlier ? { ...at, questionnaire: earlier } : at;
}

const danishOrder = new Intl.Collator('da');
const eligibleByFrame = new WeakMap<TFrame, TMunicipality[]>();

/** The municipalities a respondent can choose in open-link mode, sorted by Danish name. */
export function eligibleMunicipalities(frame: TFrame): TMunicipality[] {
  let list = eligibleByFrame.get(frame);
  if (!list) {
    list = frame.municipalities.filter((m) => m.eligible).sort((a, b) => danishOrder.compare(a.name, b.name));
    eligibleByFrame.set(frame, list);
  }
  return list;
}

/**
 * Eligibility is the evaluator's decision per study: the stored choice (settings `eligibility`,
 * through the store's settings port) is the one source; the frame's `eligible` is its default.
 */
export async function studyEligibility(ctx: Context, study: TStudy): Promise<Set<string>> {
  const stored = (await ctx.store.settings.read()).eligibility?.[study.id];
  const frame = frameOf(ctx.definitions, study);
  return new Set(stored ?? frame.municipalities.filter((m) => m.eligible).map((m) => m.code));
}

const framesByChoice = new WeakMap<TFrame, Map<string, TFrame>>();

/** The study's frame with `eligible` as the evaluator chose it (one frame object per choice, so caches keyed by frame work). */
export async function studyFrame(ctx: Context, study: TStudy): Promise<TFrame> {
  const frame = frameOf(ctx.definitions, study);
  const eligible = await studyEligibility(ctx, study);
  const key = frame.municipalities.map((m) => (eligible.has(m.code) ? '1' : '0')).join('');
  let byKey = framesByChoice.get(frame);
  if (!byKey) framesByChoice.set(frame, (byKey = new Map()));
  let chosen = byKey.get(key);
  if (!chosen) {
    chosen = { ...frame, municipalities: frame.municipalities.map((m) => ({ ...m, eligible: eligible.has(m.code) })) };
    byKey.set(key, chosen);
  }
  return chosen;
}

/** `locate` with the study's eligibility applied to the frame: what validation, the municipality list and the report use. */
export async function locateFor(ctx: Context, studyId: string, questionnaireId: string, version?: number): Promise<Located> {
  const at = await locate(ctx, studyId, questionnaireId, version);
  return { ...at, frame: await studyFrame(ctx, at.study) };
}

const ZEligibilityChange = z
  .object({
    /** Every municipality code of the frame that takes part. */
    eligible: z.array(z.string().regex(/^\d{3}$/, 'must be a three-digit municipality code')).min(1, 'at least one municipality must take part'),
    /** Confirms excluding municipalities that already have answers. */
    confirm: z.boolean().default(false),
  })
  .strict();

export interface EligibilityView {
  study: string;
  eligible: string[];
  /** True when the frame's default is in use (nothing stored). */
  isDefault: boolean;
  municipalities: { code: string; name: string; region: string; eligible: boolean; default: boolean; source?: string; responses: number }[];
}

export async function eligibilityView(ctx: Context, studyId: string): Promise<EligibilityView> {
  const study = await findStudy(ctx, studyId);
  const frame = frameOf(ctx.definitions, study);
  const eligible = await studyEligibility(ctx, study);
  const perMunicipality = await responsesPerMunicipality(ctx, study);
  return {
    study: study.id,
    eligible: frame.municipalities.filter((m) => eligible.has(m.code)).map((m) => m.code),
    isDefault: (await ctx.store.settings.read()).eligibility?.[study.id] === undefined,
    municipalities: [...frame.municipalities]
      .sort((a, b) => danishOrder.compare(a.name, b.name))
      .map((m) => ({
        code: m.code,
        name: m.name,
        region: frame.regions.find((r) => r.code === m.region)?.name ?? m.region,
        eligible: eligible.has(m.code),
        default: m.eligible,
        ...(m.eligibilitySource ? { source: m.eligibilitySource } : {}),
        responses: perMunicipality.get(m.code) ?? 0,
      })),
  };
}

async function responsesPerMunicipality(ctx: Context, study: TStudy): Promise<Map<string, number>> {
  const table = await ctx.store.responses.table();
  const rows = table.rows({ study: study.id });
  const municipalities = table.municipalities();
  const out = new Map<string, number>();
  for (const i of rows) {
    const m = municipalities.values[municipalities.codes[i]! - 1]!;
    out.set(m, (out.get(m) ?? 0) + 1);
  }
  return out;
}

export type EligibilityResult =
  | { saved: true; view: EligibilityView; excludedWithAnswers: { code: string; name: string; responses: number }[] }
  | { saved: false; needsConfirmation: { code: string; name: string; responses: number }[] };

/**
 * Sets the study's eligible municipalities (the page and `PUT /api/v1/studies/:study/eligibility`).
 * Unknown codes are a 400 naming them. Excluding a municipality that already has answers is only
 * done with `confirm: true` (else nothing changes and the municipalities are named); the answers
 * stay stored, and the report then counts them outside the invited municipalities.
 */
export async function setEligibility(ctx: Context, studyId: string, body: unknown): Promise<EligibilityResult> {
  const study = await findStudy(ctx, studyId);
  const parsed = ZEligibilityChange.safeParse(body);
  if (!parsed.success) throw problems.invalidInput('Invalid eligibility: give "eligible", a list of municipality codes, and optionally "confirm": true.', issueDetails(parsed.error.issues, '(body)'));
  const frame = frameOf(ctx.definitions, study);
  const known = new Set(frame.municipalities.map((m) => m.code));
  const unknown = parsed.data.eligible.filter((c) => !known.has(c));
  if (unknown.length > 0) throw problems.invalidInput(`Not municipalities of the frame "${frame.id}": ${unknown.join(', ')}.`);
  const chosen = new Set(parsed.data.eligible);
  const before = await studyEligibility(ctx, study);
  const perMunicipality = await responsesPerMunicipality(ctx, study);
  const excludedWithAnswers = frame.municipalities
    .filter((m) => before.has(m.code) && !chosen.has(m.code) && (perMunicipality.get(m.code) ?? 0) > 0)
    .map((m) => ({ code: m.code, name: m.name, responses: perMunicipality.get(m.code)! }));
  if (excludedWithAnswers.length > 0 && !parsed.data.confirm) return { saved: false, needsConfirmation: excludedWithAnswers };
  const codes = frame.municipalities.filter((m) => chosen.has(m.code)).map((m) => m.code);
  await ctx.store.settings.update((s) => {
    s.eligibility = { ...(s.eligibility ?? {}), [study.id]: codes };
  });
  return { saved: true, view: await eligibilityView(ctx, study.id), excludedWithAnswers };
}
