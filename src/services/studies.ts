/**
 * Finding studies, questionnaires and frames among the loaded definitions (404 Problems for
 * unknown ids), the municipalities a respondent may choose, and each study's eligibility (the
 * evaluator's choice, stored in the settings; the frame's `eligible` is the default).
 */
import { z } from 'zod';
import { issueDetails, problems } from '../errors.ts';
import type { TFrame, TMunicipality } from '../frame/schema.ts';
import type { Definitions } from '../survey/load.ts';
import type { TQuestionnaire, TStudy } from '../survey/schema.ts';
import type { Context } from './context.ts';

export interface Located {
  study: TStudy;
  questionnaire: TQuestionnaire;
  frame: TFrame;
}

export function findStudy(defs: Definitions, studyId: string): TStudy {
  const study = defs.studies.find((s) => s.id === studyId);
  if (!study) throw problems.notFound(`The study "${studyId}"`);
  return study;
}

export function frameOf(defs: Definitions, study: TStudy): TFrame {
  const frame = defs.frames.get(study.frame);
  // loadDefinitions checks that every study's frame exists; this is a guard, not a user error.
  if (!frame) throw new Error(`frame "${study.frame}" of study "${study.id}" is not loaded`);
  return frame;
}

export function locate(defs: Definitions, studyId: string, questionnaireId: string): Located {
  const study = findStudy(defs, studyId);
  const questionnaire = study.questionnaires.find((q) => q.id === questionnaireId);
  if (!questionnaire) throw problems.notFound(`The questionnaire "${questionnaireId}" of study "${studyId}"`);
  return { study, questionnaire, frame: frameOf(defs, study) };
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
export async function locateFor(ctx: Context, studyId: string, questionnaireId: string): Promise<Located> {
  const at = locate(ctx.definitions, studyId, questionnaireId);
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
  const study = findStudy(ctx.definitions, studyId);
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
  const study = findStudy(ctx.definitions, studyId);
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
