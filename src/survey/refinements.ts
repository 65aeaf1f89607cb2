/**
 * Cross-field rules of a study definition that a field-by-field schema cannot express, applied as
 * a zod `superRefine` (formbricks style) so every broken rule is reported with its JSON path:
 * unique ids, option codes unique within a question, showIf only on EARLIER questions and existing
 * option codes, figure metadata that refers to real options, sane min/max.
 */
import { z } from 'zod';
import type { TCondition, TQuestion, TQuestionnaire, TStudy } from './schema.ts';
import { ZQuestionnaire, ZStudy, ZStudyInput } from './schema.ts';

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

function isChoice(q: TQuestion): q is Extract<TQuestion, { options: unknown }> {
  return q.type === 'single' || q.type === 'scale' || q.type === 'multi';
}

function checkCondition(condition: TCondition, path: Path, earlier: Map<string, TQuestion>, self: TQuestion, report: Report): void {
  if ('all' in condition) {
    condition.all.forEach((c, i) => checkCondition(c, [...path, 'all', i], earlier, self, report));
    return;
  }
  if ('any' in condition) {
    condition.any.forEach((c, i) => checkCondition(c, [...path, 'any', i], earlier, self, report));
    return;
  }
  const target = earlier.get(condition.question);
  if (!target) {
    const message =
      condition.question === self.id
        ? `showIf of "${self.id}" refers to the question itself`
        : `showIf refers to "${condition.question}", which is not an earlier question of this questionnaire`;
    report([...path, 'question'], message);
    return;
  }
  const codes = 'equals' in condition ? [condition.equals] : 'in' in condition ? condition.in : 'notIn' in condition ? condition.notIn : [];
  if (codes.length === 0) return;
  if (!isChoice(target)) {
    report([...path, 'question'], `showIf compares option codes, but "${target.id}" is a ${target.type} question`);
    return;
  }
  const key = 'equals' in condition ? 'equals' : 'in' in condition ? 'in' : 'notIn';
  codes.forEach((code, i) => {
    if (!target.options.some((o) => o.code === code)) {
      report(key === 'equals' ? [...path, key] : [...path, key, i], `"${code}" is not an option of "${target.id}"`);
    }
  });
}

function checkQuestion(q: TQuestion, path: Path, earlier: Map<string, TQuestion>, report: Report): void {
  if (q.showIf) checkCondition(q.showIf, [...path, 'showIf'], earlier, q, report);
  if (isChoice(q)) {
    const seen = new Set<string>();
    q.options.forEach((o, i) => {
      if (seen.has(o.code)) report([...path, 'options', i, 'code'], `option code "${o.code}" is used twice in "${q.id}"`);
      seen.add(o.code);
    });
    if (q.options.filter((o) => o.other).length > 1) report([...path, 'options'], `"${q.id}" has more than one "other" option`);
    if (q.type === 'multi') {
      if (q.minSelected !== undefined && q.maxSelected !== undefined && q.minSelected > q.maxSelected)
        report([...path, 'minSelected'], `minSelected (${q.minSelected}) is larger than maxSelected (${q.maxSelected})`);
      if (q.maxSelected !== undefined && q.maxSelected > q.options.length)
        report([...path, 'maxSelected'], `maxSelected (${q.maxSelected}) is larger than the number of options (${q.options.length})`);
    }
  }
  if (q.type === 'number' && q.min !== undefined && q.max !== undefined && q.min > q.max)
    report([...path, 'min'], `min (${q.min}) is larger than max (${q.max})`);
  if (q.figure && q.addition !== undefined)
    report([...path, 'addition'], `"${q.id}" is marked as an addition to the original questionnaire, so it cannot carry a figure`);
  if (q.figure) {
    if (!isChoice(q)) {
      report([...path, 'figure'], `a figure can only be drawn from a single, scale or multi question, not ${q.type}`);
      return;
    }
    const codes = new Set(q.options.map((o) => o.code));
    const combinedCodes = new Set<string>();
    q.figure.combined.forEach((c, i) => {
      if (codes.has(c.code) || combinedCodes.has(c.code))
        report([...path, 'figure', 'combined', i, 'code'], `combined category code "${c.code}" is already used`);
      combinedCodes.add(c.code);
      c.options.forEach((code, j) => {
        if (!codes.has(code)) report([...path, 'figure', 'combined', i, 'options', j], `"${code}" is not an option of "${q.id}"`);
      });
      if (new Set(c.options).size !== c.options.length) report([...path, 'figure', 'combined', i, 'options'], 'an option is listed twice');
    });
    if (q.figure.headline !== undefined && !codes.has(q.figure.headline) && !combinedCodes.has(q.figure.headline))
      report([...path, 'figure', 'headline'], `headline "${q.figure.headline}" is neither an option nor a combined category of "${q.id}"`);
  }
}

function checkQuestionnaire(qn: TQuestionnaire, path: Path, report: Report): void {
  const sectionIds = new Set<string>();
  const earlier = new Map<string, TQuestion>();
  const figures = new Map<number, string>();
  let municipalityQuestions = 0;
  qn.sections.forEach((section, si) => {
    const sectionPath = [...path, 'sections', si];
    if (sectionIds.has(section.id)) report([...sectionPath, 'id'], `section id "${section.id}" is used twice`);
    sectionIds.add(section.id);
    section.questions.forEach((q, qi) => {
      const qPath = [...sectionPath, 'questions', qi];
      if (earlier.has(q.id)) report([...qPath, 'id'], `question id "${q.id}" is used twice in questionnaire "${qn.id}"`);
      const base = q.id.endsWith('_other') ? q.id.slice(0, -'_other'.length) : undefined;
      if (base !== undefined && earlier.has(base))
        report([...qPath, 'id'], `question id "${q.id}" collides with the "Andet, angiv" text of "${base}"`);
      if (q.type === 'municipality') municipalityQuestions += 1;
      if (q.figure) {
        const other = figures.get(q.figure.number);
        if (other !== undefined) report([...qPath, 'figure', 'number'], `figure ${q.figure.number} is already drawn from "${other}"`);
        figures.set(q.figure.number, q.id);
      }
      checkQuestion(q, qPath, earlier, report);
      earlier.set(q.id, q);
    });
  });
  if (municipalityQuestions > 1) report([...path, 'sections'], `questionnaire "${qn.id}" has ${municipalityQuestions} municipality questions (at most 1)`);
}

export function checkStudy(study: TStudy, report: Report): void {
  const ids = new Set<string>();
  study.questionnaires.forEach((qn, i) => {
    if (ids.has(qn.id)) report(['questionnaires', i, 'id'], `questionnaire id "${qn.id}" is used twice`);
    ids.add(qn.id);
    checkQuestionnaire(qn, ['questionnaires', i], report);
  });
  const { opens, closes } = study.fieldwork;
  if (opens !== undefined && closes !== undefined && opens > closes)
    report(['fieldwork', 'closes'], `fieldwork closes (${closes}) before it opens (${opens})`);
  if (study.original && study.original.fieldworkFrom > study.original.fieldworkTo)
    report(['original', 'fieldworkTo'], `the original fieldwork ends (${study.original.fieldworkTo}) before it starts (${study.original.fieldworkFrom})`);
}

/** The study schema with every cross-field rule: use this to load a definition. */
export const ZStudyDefinition = ZStudy.superRefine((study, ctx) => {
  checkStudy(study, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
});

/** A study as `POST /api/v1/studies` takes it (questionnaire versions optional), with every cross-field rule. */
export const ZStudyInputDefinition = ZStudyInput.superRefine((study, ctx) => {
  checkStudy(study as TStudy, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
});

/** One questionnaire (a draft, or a published version) with every cross-field rule of a questionnaire. */
export const ZQuestionnaireDefinition = ZQuestionnaire.superRefine((qn, ctx) => {
  checkQuestionnaire(qn, [], (path, message) => ctx.addIssue({ code: 'custom', path, message }));
});

/** Formats a zod path as JSON-path-like text: `questionnaires[0].sections[1].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function issuesToDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}
