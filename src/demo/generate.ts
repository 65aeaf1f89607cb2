/**
 * The `--demo` data: the 2016 report's respondents rebuilt from its published figures
 * (./report-2016.ts): 69 leaders in 69 municipalities and 132 caseworkers in 63 municipalities
 * (1–3 each), whose answers give every figure its published base N and percentages. Seeded and
 * deterministic (the seed only shuffles who answers what); every record is synthetic and the app
 * labels it "Demodata". Pure: no disk, no clock, no Math.random.
 *
 * Questions are filled in questionnaire order, so showIf sees the earlier answers and a question's
 * counts go only to respondents it is shown to.
 */
import type { TFrame } from '../frame/schema.ts';
import { isQuestionVisible } from '../survey/condition.ts';
import type { TAnswers, TQuestion, TQuestionnaire, TResponse, TStudy } from '../survey/schema.ts';
import { CHOICE_COUNTS, MULTI_COUNTS, PLAN, TEXTS } from './report-2016.ts';

/** mulberry32: a small, well-known 32-bit PRNG; the same seed gives the same stream everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function demoId(random: () => number): string {
  let id = 'demo';
  for (let i = 0; i < 18; i += 1) id += ID_ALPHABET[Math.floor(random() * 64)];
  return id;
}

export interface DemoOptions {
  seed: number;
  /** Submission day of every response; default: spread over the report's fieldwork, 2–13 Nov 2015. */
  day?: string;
  /** The study's eligible municipalities (the evaluator's choice); the frame's `eligible` by default. */
  eligible?: ReadonlySet<string>;
}

const FIELDWORK_DAYS = ['2015-11-02', '2015-11-03', '2015-11-04', '2015-11-05', '2015-11-06', '2015-11-09', '2015-11-10', '2015-11-11', '2015-11-12', '2015-11-13'];

/** Which municipalities answer: 49 with both groups, 20 leaders only, 14 caseworkers only (69 + 63, 83 in all). */
function planMunicipalities(frame: TFrame, eligible: ReadonlySet<string> | undefined, random: () => number): { leaders: string[]; caseworkers: string[] } {
  const codes = shuffle(frame.municipalities.filter((m) => (eligible ? eligible.has(m.code) : m.eligible)).map((m) => m.code), random);
  const needed = PLAN.both + PLAN.leadersOnly + PLAN.caseworkersOnly;
  if (codes.length < needed) throw new Error(`the demo needs ${needed} eligible municipalities, the frame "${frame.id}" has ${codes.length}`);
  const leaders = codes.slice(0, PLAN.both + PLAN.leadersOnly);
  const caseworkerMunis = [...codes.slice(0, PLAN.both), ...codes.slice(PLAN.both + PLAN.leadersOnly, needed)];
  const perMunicipality = shuffle(
    caseworkerMunis.map((_, i) => (i < PLAN.threeCaseworkers ? 3 : i < PLAN.threeCaseworkers + PLAN.twoCaseworkers ? 2 : 1)),
    random,
  );
  return { leaders, caseworkers: caseworkerMunis.flatMap((m, i) => Array<string>(perMunicipality[i]!).fill(m)) };
}

function groupKey(questionnaire: TQuestionnaire): 'ledere' | 'praktikere' {
  return questionnaire.id === 'ledere' || questionnaire.group.toLowerCase().startsWith('leder') ? 'ledere' : 'praktikere';
}

/** `counts` spread over the first respondents of `shown` (already shuffled); the rest get `rest` (e.g. "ved_ikke") or nothing. */
function expand(counts: Record<string, number>, n: number, rest: string | undefined, qid: string): (string | undefined)[] {
  const list = Object.entries(counts).flatMap(([code, c]) => Array<string>(c).fill(code));
  if (list.length > n) throw new Error(`demo counts for "${qid}" need ${list.length} respondents, ${n} are shown the question`);
  return [...list, ...Array<string | undefined>(n - list.length).fill(rest)];
}

function fillQuestion(q: TQuestion, group: 'ledere' | 'praktikere', shown: number[], answers: TAnswers[], random: () => number): void {
  const text = (key: string, i: number) => {
    const spec = TEXTS[key];
    if (spec && random() < spec.share) answers[i]![key] = spec.texts[Math.floor(random() * spec.texts.length)]!;
  };
  if (q.type === 'single' || q.type === 'scale') {
    const counts = CHOICE_COUNTS[q.id]?.[group];
    const dontKnow = q.options.find((o) => o.nonSubstantive)?.code;
    const drawn = counts
      ? expand(counts, shown.length, q.required ? dontKnow : undefined, q.id)
      : shown.map(() => (q.required ? (dontKnow ?? q.options[0]!.code) : undefined));
    shown.forEach((i, k) => {
      const code = drawn[k];
      if (code === undefined) return;
      answers[i]![q.id] = code;
      if (q.options.some((o) => o.other && o.code === code)) text(`${q.id}_other`, i);
    });
  } else if (q.type === 'multi') {
    const spec = MULTI_COUNTS[q.id]?.[group];
    if (!spec) return;
    if (spec.base > shown.length) throw new Error(`demo base of "${q.id}" is ${spec.base}, ${shown.length} are shown the question`);
    const base = shown.slice(0, spec.base);
    const chosen = base.map(() => new Set<string>());
    let next = 0; // options are dealt round the base, so everyone in it gets at least one
    for (const o of q.options) {
      for (let c = 0; c < (spec.chosen[o.code] ?? 0); c += 1) chosen[(next + c) % base.length]!.add(o.code);
      next = (next + (spec.chosen[o.code] ?? 0)) % base.length;
    }
    base.forEach((i, k) => {
      answers[i]![q.id] = q.options.filter((o) => chosen[k]!.has(o.code)).map((o) => o.code);
      if (q.options.some((o) => o.other && chosen[k]!.has(o.code))) text(`${q.id}_other`, i);
    });
  } else if (q.type === 'text') {
    for (const i of shown) text(q.id, i);
  }
  // Number questions and the other additions to the 2016 questionnaire stay unanswered.
}

function answerAll(questionnaire: TQuestionnaire, n: number, random: () => number): TAnswers[] {
  const group = groupKey(questionnaire);
  const answers: TAnswers[] = Array.from({ length: n }, () => ({}));
  for (const q of questionnaire.sections.flatMap((s) => s.questions)) {
    if (q.type === 'municipality') continue;
    const shown = answers.map((a, i) => (isQuestionVisible(q, a) ? i : -1)).filter((i) => i >= 0);
    if (shown.length > 0) fillQuestion(q, group, shuffle(shown, random), answers, random);
  }
  return answers;
}

export function generateDemoResponses(study: TStudy, frame: TFrame, options: DemoOptions): TResponse[] {
  const random = prng(options.seed);
  const plan = planMunicipalities(frame, options.eligible, random);
  const out: TResponse[] = [];
  for (const questionnaire of study.questionnaires) {
    const who = groupKey(questionnaire) === 'ledere' ? plan.leaders : plan.caseworkers;
    const answers = answerAll(questionnaire, who.length, random);
    who.forEach((municipality, k) => {
      out.push({
        id: demoId(random),
        study: study.id,
        questionnaire: questionnaire.id,
        version: questionnaire.version,
        municipality,
        day: options.day ?? FIELDWORK_DAYS[Math.floor(random() * FIELDWORK_DAYS.length)]!,
        answers: answers[k]!,
      });
    });
  }
  return out;
}
