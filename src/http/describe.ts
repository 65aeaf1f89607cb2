/**
 * A readable Danish description of a showIf condition, for the evaluator's questionnaire preview.
 */
import type { TCondition, TQuestion, TQuestionnaire } from '../survey/schema.ts';

function findQuestion(questionnaire: TQuestionnaire, id: string): TQuestion | undefined {
  for (const s of questionnaire.sections) for (const q of s.questions) if (q.id === id) return q;
  return undefined;
}

function label(q: TQuestion | undefined, code: string): string {
  if (q && 'options' in q) return `»${q.options.find((o) => o.code === code)?.label ?? code}«`;
  return `»${code}«`;
}

export function describeCondition(cond: TCondition, questionnaire: TQuestionnaire): string {
  if ('all' in cond) return cond.all.map((c) => `(${describeCondition(c, questionnaire)})`).join(' og ');
  if ('any' in cond) return cond.any.map((c) => `(${describeCondition(c, questionnaire)})`).join(' eller ');
  const q = findQuestion(questionnaire, cond.question);
  const name = cond.question;
  if ('equals' in cond) return `${name} = ${label(q, cond.equals)}`;
  if ('in' in cond) return `${name} er en af ${cond.in.map((c) => label(q, c)).join(', ')}`;
  if ('notIn' in cond) return `${name} er besvaret og ikke ${cond.notIn.map((c) => label(q, c)).join(', ')}`;
  return cond.answered ? `${name} er besvaret` : `${name} er ikke besvaret`;
}
