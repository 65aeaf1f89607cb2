/**
 * Finding studies, questionnaires and frames among the loaded definitions (404 Problems for
 * unknown ids), and the municipalities a respondent may choose.
 */
import { problems } from '../errors.ts';
import type { TFrame, TMunicipality } from '../frame/schema.ts';
import type { Definitions } from '../survey/load.ts';
import type { TQuestionnaire, TStudy } from '../survey/schema.ts';

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
