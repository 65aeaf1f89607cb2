/**
 * Answering a questionnaire like a browser without JavaScript: GET the first page, fill in the
 * rendered questions, POST, repeat until the redirect to the thank-you page.
 */
import { isQuestionVisible } from '../../src/survey/condition.ts';
import type { TAnswers, TQuestion, TQuestionnaire } from '../../src/survey/schema.ts';
import { allQuestions, parsePage, questionnaireByGroup, theStudy, type Client, type Definitions, type ParsedPage } from './helpers.ts';

export type Raw = string | string[];
/** Picks the form answer for a question; undefined leaves it blank. */
export type Plan = (q: TQuestion) => Raw | undefined;

export const OTHER_TEXT = 'Vores egen løsning';

/**
 * A complete, valid answer to every question: scales take their second step (e.g. "Næsten altid",
 * which opens the follow-ups for those who do not always meet a deadline), single choices their
 * first option, multi-selects their first option plus "Andet" when there is one.
 */
export function fullPlan(municipality: string, overrides: Record<string, Raw | undefined> = {}): Plan {
  return (q) => {
    if (Object.hasOwn(overrides, q.id)) return overrides[q.id];
    switch (q.type) {
      case 'scale':
        return (q.options.find((o, i) => i >= 1 && !o.nonSubstantive && !o.other) ?? q.options[0]!).code;
      case 'single':
        return (q.options.find((o) => !o.nonSubstantive && !o.other) ?? q.options[0]!).code;
      case 'multi': {
        const first = q.options.find((o) => !o.other && !o.nonSubstantive) ?? q.options[0]!;
        const other = q.options.find((o) => o.other);
        return other ? [first.code, other.code] : [first.code];
      }
      case 'number': {
        const low = q.min ?? 0;
        const high = q.max ?? low + 10;
        return String(Math.min(high, Math.max(low, 2)));
      }
      case 'text':
        return 'Et fritekstsvar med «citat» & <tegn>';
      case 'municipality':
        return municipality;
    }
  };
}

function otherCode(q: TQuestion): string | undefined {
  return 'options' in q ? q.options.find((o) => o.other)?.code : undefined;
}

export function fillForm(qn: TQuestionnaire, page: ParsedPage, plan: Plan, action: 'next' | 'back' = 'next'): URLSearchParams {
  const byId = new Map(allQuestions(qn).map((q) => [q.id, q]));
  const form = new URLSearchParams({ state: page.state });
  for (const id of page.questionIds) {
    const q = byId.get(id);
    if (!q) throw new Error(`page shows unknown question ${id}`);
    const value = plan(q);
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) form.append(id, v);
    const other = otherCode(q);
    if (other && (Array.isArray(value) ? value.includes(other) : value === other)) form.set(`${id}_other`, OTHER_TEXT);
  }
  form.set('action', action);
  return form;
}

export interface Walk {
  pages: ParsedPage[];
  final: Response;
}

/** Walks from the first page to the redirect after the last one; throws on any error page. */
export async function walk(client: Client, qn: TQuestionnaire, startPath: string, plan: Plan): Promise<Walk> {
  let res = await client.get(startPath);
  if (res.status !== 200) throw new Error(`GET ${startPath} → ${res.status}`);
  let html = await res.text();
  const pages: ParsedPage[] = [];
  for (let i = 0; i < 60; i++) {
    const page = parsePage(html);
    pages.push(page);
    res = await client.postForm(page.action, fillForm(qn, page, plan));
    if (res.status === 303) return { pages, final: res };
    html = await res.text();
    if (res.status !== 200) {
      throw new Error(`POST ${page.action} (${page.heading}) → ${res.status}: ${parsePage(html).errorSummary ?? html.slice(0, 500)}`);
    }
  }
  throw new Error('the questionnaire did not end within 60 pages');
}

/**
 * The question ids a plan should leave in the stored answers: visible (given the plan's own
 * answers, in questionnaire order) and answered; the municipality question is stored apart.
 */
export function expectedAnswerIds(qn: TQuestionnaire, plan: Plan): string[] {
  const answers: TAnswers = {};
  const ids: string[] = [];
  for (const q of allQuestions(qn)) {
    if (!isQuestionVisible(q, answers)) continue;
    const value = plan(q);
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    answers[q.id] = value;
    if (q.type !== 'municipality') ids.push(q.id);
  }
  return ids;
}

/** The answers a plan gives, as an API client would send them (visible questions only). */
export function apiAnswers(qn: TQuestionnaire, plan: Plan): { municipality: string | undefined; answers: Record<string, unknown> } {
  const answers: Record<string, unknown> = {};
  let municipality: string | undefined;
  const visible: TAnswers = {};
  for (const q of allQuestions(qn)) {
    if (!isQuestionVisible(q, visible)) continue;
    const value = plan(q);
    if (value === undefined) continue;
    visible[q.id] = value;
    if (q.type === 'municipality') {
      municipality = value as string;
      continue;
    }
    answers[q.id] = q.type === 'number' ? Number(value) : value;
    const other = otherCode(q);
    if (other && (Array.isArray(value) ? value.includes(other) : value === other)) answers[`${q.id}_other`] = OTHER_TEXT;
  }
  return { municipality, answers };
}

/** A question whose showIf is one simple condition on an earlier single/scale question. */
export interface ConditionalCase {
  child: TQuestion;
  parent: TQuestion;
  showValue: string;
  hideValue: string;
}

export function findConditional(qn: TQuestionnaire, sameSection?: boolean): ConditionalCase | undefined {
  const questions = allQuestions(qn);
  const sectionOf = new Map(qn.sections.flatMap((s) => s.questions.map((q) => [q.id, s.id] as const)));
  for (const child of questions) {
    const cond = child.showIf;
    if (!cond || !('question' in cond)) continue;
    const parent = questions.find((q) => q.id === cond.question);
    if (!parent || (parent.type !== 'single' && parent.type !== 'scale') || parent.showIf) continue;
    if (sameSection !== undefined && (sectionOf.get(parent.id) === sectionOf.get(child.id)) !== sameSection) continue;
    const codes = parent.options.map((o) => o.code);
    let show: string | undefined;
    let hide: string | undefined;
    if ('equals' in cond) {
      show = cond.equals;
      hide = codes.find((c) => c !== cond.equals);
    } else if ('in' in cond) {
      show = cond.in[0];
      hide = codes.find((c) => !cond.in.includes(c));
    } else if ('notIn' in cond) {
      show = codes.find((c) => !cond.notIn.includes(c));
      hide = cond.notIn[0];
    }
    if (show && hide) return { child, parent, showValue: show, hideValue: hide };
  }
  return undefined;
}

/**
 * A complete, valid POST /api/v1/responses body: every question the plan answers (fullPlan by
 * default) for the questionnaire of `group` (leaders by default) of the shipped study.
 */
export function validBody(defs: Definitions, options: { group?: RegExp; municipality?: string; submissionId?: string } = {}) {
  const study = theStudy(defs);
  const qn = questionnaireByGroup(study, options.group ?? /leder/i);
  const { municipality, answers } = apiAnswers(qn, fullPlan(options.municipality ?? '851'));
  return { study: study.id, questionnaire: qn.id, municipality, answers, ...(options.submissionId ? { submissionId: options.submissionId } : {}) };
}
