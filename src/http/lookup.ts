/**
 * Finding studies, questionnaires and frames among the loaded definitions.
 */
import type { TFrame, TMunicipality } from '../frame/schema.ts';
import { problems } from '../errors.ts';
import type { TQuestionnaire, TStudy } from '../survey/schema.ts';
import type { Definitions } from '../survey/load.ts';
import { danishDay } from '../time.ts';

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

export function locate(defs: Definitions, studyId: string, questionnaireId: string): Located {
  const study = findStudy(defs, studyId);
  const questionnaire = study.questionnaires.find((q) => q.id === questionnaireId);
  if (!questionnaire) throw problems.notFound(`The questionnaire "${questionnaireId}" of study "${studyId}"`);
  const frame = defs.frames.get(study.frame);
  // loadDefinitions checks that every study's frame exists; this is a guard, not a user error.
  if (!frame) throw new Error(`frame "${study.frame}" of study "${study.id}" is not loaded`);
  return { study, questionnaire, frame };
}

export type FieldworkStatus = 'open' | 'not-yet' | 'closed';

/** A study without fieldwork dates is always open. */
export function fieldworkStatus(study: TStudy, today = danishDay()): FieldworkStatus {
  const { opens, closes } = study.fieldwork;
  if (opens !== undefined && today < opens) return 'not-yet';
  if (closes !== undefined && today > closes) return 'closed';
  return 'open';
}

/** Refuses answers outside the fieldwork window (410 Gone when closed, 403 before it opens). */
export function assertOpen(study: TStudy): void {
  const status = fieldworkStatus(study);
  if (status === 'closed') throw problems.gone(`The study "${study.id}" closed on ${study.fieldwork.closes}.`);
  if (status === 'not-yet') throw problems.forbidden(`The study "${study.id}" opens on ${study.fieldwork.opens}.`);
}

/** The municipalities a respondent can choose in open-link mode, sorted by Danish name. */
const danishOrder = new Intl.Collator('da');
const eligibleByFrame = new WeakMap<TFrame, TMunicipality[]>();

export function eligibleMunicipalities(frame: TFrame): TMunicipality[] {
  let list = eligibleByFrame.get(frame);
  if (!list) {
    list = frame.municipalities.filter((m) => m.eligible).sort((a, b) => danishOrder.compare(a.name, b.name));
    eligibleByFrame.set(frame, list);
  }
  return list;
}
