/**
 * What the report reads of the stored responses (its input side): the cell tallies
 * (src/survey/tallies.ts) of the questions buildReport (./tables.ts) estimates from. Every choice
 * question (single, scale, multi: figures, combined categories and the appendix's role table) and
 * number question by value; free-text questions only counted. The questions of every published
 * version (`versions`) are tallied, and by value, so an option only an earlier version had is
 * tallied too: the report sees every answer of every version.
 */
import type { TStudy } from '../survey/schema.ts';
import type { TTallySpec } from '../survey/tallies.ts';
import { versionsOf, type Versions } from './versions.ts';

export function reportTallySpec(study: TStudy, versions?: Versions): TTallySpec {
  const all = versionsOf(study, versions);
  const questions = [...all.values()].flatMap((list) => list.flatMap((q) => q.sections.flatMap((s) => s.questions)));
  const values = questions.filter((q) => q.type === 'single' || q.type === 'scale' || q.type === 'multi' || q.type === 'number').map((q) => q.id);
  const present = questions.filter((q) => q.type === 'text').map((q) => q.id);
  return { study: study.id, questionnaires: study.questionnaires.map((q) => q.id), values: [...new Set(values)], present: [...new Set(present)] };
}
