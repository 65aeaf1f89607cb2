/**
 * What the report reads of the stored responses (its input side): the cell tallies
 * (src/survey/tallies.ts) of the questions buildReport (./tables.ts) estimates from. Every choice
 * question (single, scale, multi: figures, combined categories and the appendix's role table) and
 * number question by value; free-text questions only counted.
 */
import type { TStudy } from '../survey/schema.ts';
import type { TTallySpec } from '../survey/tallies.ts';

export function reportTallySpec(study: TStudy): TTallySpec {
  const questions = study.questionnaires.flatMap((q) => q.sections.flatMap((s) => s.questions));
  const values = questions.filter((q) => q.type === 'single' || q.type === 'scale' || q.type === 'multi' || q.type === 'number').map((q) => q.id);
  const present = questions.filter((q) => q.type === 'text').map((q) => q.id);
  return { study: study.id, questionnaires: study.questionnaires.map((q) => q.id), values: [...new Set(values)], present: [...new Set(present)] };
}
