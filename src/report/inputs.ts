/**
 * What the report reads of the stored responses (its input side): the cell tallies
 * (src/survey/tallies.ts) of the questions buildReport (./tables.ts) estimates from. Figure
 * questions (single, scale, multi) and number questions by value; free-text questions only counted.
 */
import type { TStudy } from '../survey/schema.ts';
import type { TTallySpec } from '../survey/tallies.ts';

export function reportTallySpec(study: TStudy): TTallySpec {
  const questions = study.questionnaires.flatMap((q) => q.sections.flatMap((s) => s.questions));
  const values = questions.filter((q) => q.figure !== undefined || q.type === 'number').map((q) => q.id);
  const present = questions.filter((q) => q.figure === undefined && q.type === 'text').map((q) => q.id);
  return { study: study.id, questionnaires: study.questionnaires.map((q) => q.id), values: [...new Set(values)], present: [...new Set(present)] };
}
