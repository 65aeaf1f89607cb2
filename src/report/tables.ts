/**
 * The report's frequency tables, pure: study + frame + responses in, plain objects out.
 *
 * Per figure question and group (questionnaire): n, weighted estimate, SE, CI and base N per
 * category and declared combined category; the base is the respondents shown the question who
 * gave a substantive answer ("Ved ikke" in the base only when the figure says so). Domain
 * estimation on the group's full design (never drop rows and rebuild). The leader–caseworker
 * difference of the headline category comes from a pooled design clustered by municipality.
 * Groups with a base below the minimum cell size are suppressed; nothing is broken down by a
 * single municipality. One small summariser per question type.
 */
import type { TFrame } from '../frame/schema.ts';
import { compareGroups, estimateCategorical, estimateMulti, makeDesign, totalsCovariance, tQuantile, type CategoryEstimate, type Design } from '../estimation/index.ts';
import type { TAnswerValue, TQuestion, TQuestionnaire, TResponse, TStudy, TWeighting } from '../survey/schema.ts';
import { weightGroup, weightingLabels } from './weighting.ts';

export interface CategoryRow {
  code: string;
  label: string;
  /** A declared merge such as "Altid eller næsten altid". */
  combined: boolean;
  n: number;
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
}

export interface GroupTable {
  questionnaire: string;
  groupLabel: string;
  /** Respondents of the questionnaire. */
  respondents: number;
  /** Respondents in the base (shown the question, substantive answer unless the figure includes "Ved ikke"). */
  baseN: number;
  suppressed: boolean;
  df: number;
  rows: CategoryRow[];
}

export interface Difference {
  category: string;
  label: string;
  a: string;
  b: string;
  estimate: number;
  se: number;
  df: number;
  p: number;
  significant: boolean;
}

export interface FigureTable {
  figure: number;
  title: string;
  question: string;
  text: string;
  kind: 'choice' | 'multi';
  includeNonSubstantive: boolean;
  groups: GroupTable[];
  difference?: Difference;
}

export interface OtherSummary {
  question: string;
  text: string;
  type: 'number' | 'text';
  groups: { questionnaire: string; groupLabel: string; n: number; mean?: number; se?: number; ciLow?: number; ciHigh?: number; suppressed: boolean }[];
}

export interface AppendixTable {
  id: string;
  title: string;
  caption: string;
  /** Category labels (rows) × series (groups); values as proportions or counts. */
  categories: string[];
  series: { label: string; values: number[]; counts: number[] }[];
  unit: 'share' | 'count';
}

export interface Report {
  study: string;
  title: string;
  organisation: string;
  weighting: TWeighting;
  weightingNote: string;
  minCellSize: number;
  respondents: { questionnaire: string; groupLabel: string; n: number; municipalities: number }[];
  figures: FigureTable[];
  others: OtherSummary[];
  appendix: AppendixTable[];
}

export interface ReportOptions {
  weighting?: TWeighting;
  minCellSize?: number;
  level?: number;
}

interface Group {
  questionnaire: TQuestionnaire;
  responses: TResponse[];
  /** Undefined with no responses or fewer than two municipalities: then everything is suppressed. */
  design?: Design;
  weights: number[];
  /** Answers per question id, extracted once (one pass over the responses). */
  columns?: Map<string, (TAnswerValue | undefined)[]>;
}

/** Every answer of the group as columns: one pass over the responses instead of one per question. */
function columnOf(g: Group, id: string): (TAnswerValue | undefined)[] {
  if (!g.columns) {
    const columns = new Map<string, (TAnswerValue | undefined)[]>();
    const n = g.responses.length;
    g.responses.forEach((r, i) => {
      for (const key in r.answers) {
        if (!Object.hasOwn(r.answers, key)) continue;
        const v = r.answers[key];
        if (!(typeof v === 'string' || typeof v === 'number' || Array.isArray(v))) continue;
        let col = columns.get(key);
        if (!col) {
          col = new Array<TAnswerValue | undefined>(n);
          columns.set(key, col);
        }
        col[i] = v;
      }
    });
    g.columns = columns;
  }
  return g.columns.get(id) ?? new Array<TAnswerValue | undefined>(g.responses.length);
}

type ChoiceQuestion = Extract<TQuestion, { type: 'single' | 'scale' }>;
type MultiQuestion = Extract<TQuestion, { type: 'multi' }>;

/** Base values of a single/scale question: the code, or null outside the base. */
function choiceValues(q: ChoiceQuestion, g: Group, includeNonSubstantive: boolean): (string | null)[] {
  const excluded = new Set(q.options.filter((o) => o.nonSubstantive && !includeNonSubstantive).map((o) => o.code));
  const col = columnOf(g, q.id);
  const out = new Array<string | null>(col.length);
  for (let i = 0; i < col.length; i += 1) {
    const v = col[i];
    out[i] = typeof v === 'string' && !excluded.has(v) ? v : null;
  }
  return out;
}

function multiValues(q: MultiQuestion, g: Group, includeNonSubstantive: boolean): (string[] | null)[] {
  const excluded = new Set(q.options.filter((o) => o.nonSubstantive && !includeNonSubstantive).map((o) => o.code));
  const col = columnOf(g, q.id);
  const out = new Array<string[] | null>(col.length);
  for (let i = 0; i < col.length; i += 1) {
    const v = col[i];
    out[i] = !Array.isArray(v) || v.length === 0 || v.some((c) => excluded.has(c)) ? null : v;
  }
  return out;
}

function row(e: CategoryEstimate, label: string, combined: boolean): CategoryRow {
  return { code: e.category, label, combined, n: e.n, estimate: e.estimate, se: e.se, ciLow: e.ciLow, ciHigh: e.ciHigh };
}

const emptyGroup = (g: Group, baseN: number, minCellSize: number): GroupTable => ({
  questionnaire: g.questionnaire.id,
  groupLabel: g.questionnaire.group,
  respondents: g.responses.length,
  baseN,
  suppressed: baseN < minCellSize || g.design === undefined,
  df: 0,
  rows: [],
});

/** Summariser: single choice and scale. */
function summariseChoice(q: ChoiceQuestion, g: Group, minCellSize: number, level: number): GroupTable {
  const includeNS = q.figure?.includeNonSubstantive ?? false;
  const values = choiceValues(q, g, includeNS);
  const baseN = values.filter((v) => v !== null).length;
  const table = emptyGroup(g, baseN, minCellSize);
  if (table.suppressed || baseN === 0) return table;
  const options = q.options.filter((o) => includeNS || !o.nonSubstantive);
  const combined = (q.figure?.combined ?? []).map((c) => ({ name: c.code, categories: c.options.filter((o) => options.some((x) => x.code === o)), label: c.label }));
  const r = estimateCategorical(g.design!, values, { categories: options.map((o) => o.code), combined: combined.filter((c) => c.categories.length > 0), level });
  return {
    ...table,
    df: r.summary.df,
    rows: [...r.categories.map((e, k) => row(e, options[k]!.label, false)), ...r.combined.map((e) => row(e, combined.find((c) => c.name === e.category)!.label, true))],
  };
}

/** Summariser: multi-select — share choosing each option among those in the base (bars need not sum to 100). */
function summariseMulti(q: MultiQuestion, g: Group, minCellSize: number, level: number): GroupTable {
  const includeNS = q.figure?.includeNonSubstantive ?? false;
  const selections = multiValues(q, g, includeNS);
  const baseN = selections.filter((s) => s !== null).length;
  const table = emptyGroup(g, baseN, minCellSize);
  if (table.suppressed || baseN === 0) return table;
  const options = q.options.filter((o) => includeNS || !o.nonSubstantive);
  const r = estimateMulti(g.design!, selections, { options: options.map((o) => o.code), level });
  return { ...table, df: r.summary.df, rows: r.options.map((e, k) => row(e, options[k]!.label, false)) };
}

/** Summariser: number — weighted mean with linearised SE and t CI. */
function summariseNumber(q: TQuestion, g: Group, minCellSize: number, level: number): OtherSummary['groups'][number] {
  const rows = columnOf(g, q.id).map((v, i) => ({ v, i })).filter((x): x is { v: number; i: number } => typeof x.v === 'number');
  const base = { questionnaire: g.questionnaire.id, groupLabel: g.questionnaire.group, n: rows.length, suppressed: rows.length < minCellSize || g.design === undefined };
  if (base.suppressed || rows.length === 0) return base;
  let W = 0;
  let T = 0;
  for (const { v, i } of rows) {
    W += g.weights[i]!;
    T += g.weights[i]! * v;
  }
  const mean = T / W;
  const x = new Float64Array(g.responses.length);
  for (const { v, i } of rows) x[i] = (g.weights[i]! * (v - mean)) / W;
  const se = Math.sqrt(Math.max(totalsCovariance(g.design!, [x])[0]![0]!, 0));
  const clusters = new Set(rows.map(({ i }) => g.responses[i]!.municipality)).size;
  const t = clusters > 1 ? tQuantile(1 - (1 - level) / 2, clusters - 1) : NaN;
  return { ...base, mean, se, ciLow: mean - t * se, ciHigh: mean + t * se };
}

/** Summariser: free text — only how many answered (the texts are on the evaluator's text page). */
function summariseText(q: TQuestion, g: Group, minCellSize: number): OtherSummary['groups'][number] {
  const n = columnOf(g, q.id).filter((v) => typeof v === 'string').length;
  return { questionnaire: g.questionnaire.id, groupLabel: g.questionnaire.group, n, suppressed: n > 0 && n < minCellSize };
}

/** The pooled design of the first two groups (rows of both, clustered by municipality), built once per report. */
interface Pooled {
  design: Design;
  group: string[];
  groups: [Group, Group];
}

function pooledDesign(groups: Group[]): Pooled | undefined {
  const [a, b] = groups.filter((g) => g.design !== undefined);
  if (!a || !b) return undefined;
  const weights = [...a.weights, ...b.weights];
  const cluster = [...a.responses.map((r) => r.municipality), ...b.responses.map((r) => r.municipality)];
  const group = [...a.responses.map(() => a.questionnaire.id), ...b.responses.map(() => b.questionnaire.id)];
  return { design: makeDesign({ weights, cluster }), group, groups: [a, b] };
}

function difference(pooled: Pooled | undefined, figureQuestions: { q: TQuestion; g: Group }[], minCellSize: number): Difference | undefined {
  if (!pooled) return undefined;
  const [ga, gb] = pooled.groups;
  const first = figureQuestions.find((x) => x.g === ga);
  const second = figureQuestions.find((x) => x.g === gb);
  if (!first || !second) return undefined;
  const q = first.q;
  if ((q.type !== 'single' && q.type !== 'scale') || (second.q.type !== 'single' && second.q.type !== 'scale')) return undefined;
  const headline = q.figure?.headline;
  if (!headline) return undefined;
  const combined = q.figure!.combined.find((c) => c.code === headline);
  const categories = combined ? combined.options : [headline];
  const label = combined ? combined.label : (q.options.find((o) => o.code === headline)?.label ?? headline);
  const includeNS = q.figure!.includeNonSubstantive;
  const va = choiceValues(q, ga, includeNS);
  const vb = choiceValues(second.q, gb, includeNS);
  const count = (v: (string | null)[]) => v.reduce((n, x) => (x === null ? n : n + 1), 0);
  if (count(va) < minCellSize || count(vb) < minCellSize) return undefined;
  const d = compareGroups(pooled.design, va.concat(vb), pooled.group, ga.questionnaire.id, gb.questionnaire.id, categories);
  return { category: headline, label, a: d.a, b: d.b, estimate: d.estimate, se: d.se, df: d.df, p: d.p, significant: d.p < 0.05 };
}

function appendix(study: TStudy, frame: TFrame, groups: Group[]): AppendixTable[] {
  const source = `Kilde: ${study.organisation}`;
  const tables: AppendixTable[] = [];
  tables.push({
    id: 'a1',
    title: 'Respondenter fordelt på rolle',
    caption: `${source} (${groups.map((g) => `${g.questionnaire.group}/N=${g.responses.length}`).join(', ')})`,
    categories: groups.map((g) => g.questionnaire.group),
    series: [{ label: 'Respondenter', values: groups.map((g) => g.responses.length), counts: groups.map((g) => g.responses.length) }],
    unit: 'count',
  });
  const regions = frame.regions;
  const regionOf = new Map(frame.municipalities.map((m) => [m.code, m.region]));
  tables.push({
    id: 'a2',
    title: 'Respondenter fordelt på regioner',
    caption: `${source} (${groups.map((g) => `${g.questionnaire.group}/N=${g.responses.length}`).join(', ')}). Andel af gruppens respondenter.`,
    categories: regions.map((r) => r.name),
    series: groups.map((g) => {
      const counts = regions.map((r) => g.responses.filter((x) => regionOf.get(x.municipality) === r.code).length);
      return { label: g.questionnaire.group, values: counts.map((c) => (g.responses.length ? c / g.responses.length : 0)), counts };
    }),
    unit: 'share',
  });
  const eligible = regions.map((r) => frame.municipalities.filter((m) => m.region === r.code && m.eligible).length);
  tables.push({
    id: 'a3',
    title: 'Andel af regionens kommuner, der har deltaget',
    caption: `${source}. Kommuner med mindst én besvarelse i forhold til de inviterede kommuner i regionen (${eligible.reduce((a, b) => a + b, 0)} kommuner).`,
    categories: regions.map((r) => r.name),
    series: groups.map((g) => {
      const answered = new Set(g.responses.map((x) => x.municipality));
      const counts = regions.map((r) => frame.municipalities.filter((m) => m.region === r.code && m.eligible && answered.has(m.code)).length);
      return { label: g.questionnaire.group, values: counts.map((c, k) => (eligible[k] ? c / eligible[k]! : 0)), counts };
    }),
    unit: 'share',
  });
  return tables;
}

export function buildReport(study: TStudy, frame: TFrame, responses: readonly TResponse[], options: ReportOptions = {}): Report {
  const weighting = options.weighting ?? study.weighting;
  const minCellSize = options.minCellSize ?? study.minCellSize;
  const level = options.level ?? 0.95;
  const groups: Group[] = [];
  for (const questionnaire of study.questionnaires) {
    const mine = responses.filter((r) => r.study === study.id && r.questionnaire === questionnaire.id);
    if (mine.length === 0) {
      groups.push({ questionnaire, responses: [], weights: [] });
      continue;
    }
    const w = weightGroup(mine, frame, weighting);
    groups.push({ questionnaire, responses: mine, weights: w.weights, ...(w.design ? { design: w.design } : {}) });
  }
  const pooled = pooledDesign(groups);
  const numbers = new Map<number, { q: TQuestion; g: Group }[]>();
  const others = new Map<string, { q: TQuestion; g: Group }[]>();
  for (const g of groups) {
    for (const q of g.questionnaire.sections.flatMap((s) => s.questions)) {
      if (q.figure) numbers.set(q.figure.number, [...(numbers.get(q.figure.number) ?? []), { q, g }]);
      else if (q.type === 'number' || q.type === 'text') others.set(q.id, [...(others.get(q.id) ?? []), { q, g }]);
    }
  }
  const figures: FigureTable[] = [...numbers.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([figure, list]) => {
      const first = list[0]!.q;
      const tables = list.map(({ q, g }) => {
        if (g.responses.length === 0) return emptyGroup(g, 0, minCellSize);
        return q.type === 'multi' ? summariseMulti(q, g, minCellSize, level) : summariseChoice(q as ChoiceQuestion, g, minCellSize, level);
      });
      const diff = difference(pooled, list, minCellSize);
      return {
        figure,
        title: first.figure!.title,
        question: first.id,
        text: first.text,
        kind: first.type === 'multi' ? ('multi' as const) : ('choice' as const),
        includeNonSubstantive: first.figure!.includeNonSubstantive,
        groups: tables,
        ...(diff ? { difference: diff } : {}),
      };
    });
  const otherSummaries: OtherSummary[] = [...others.values()].map((list) => {
    const q = list[0]!.q;
    return {
      question: q.id,
      text: q.text,
      type: q.type === 'number' ? ('number' as const) : ('text' as const),
      groups: list.map(({ q: question, g }) =>
        g.responses.length === 0 ? { questionnaire: g.questionnaire.id, groupLabel: g.questionnaire.group, n: 0, suppressed: false } : question.type === 'number' ? summariseNumber(question, g, minCellSize, level) : summariseText(question, g, minCellSize),
      ),
    };
  });
  return {
    study: study.id,
    title: study.title,
    organisation: study.organisation,
    weighting,
    weightingNote: weightingLabels[weighting],
    minCellSize,
    respondents: groups.map((g) => ({ questionnaire: g.questionnaire.id, groupLabel: g.questionnaire.group, n: g.responses.length, municipalities: new Set(g.responses.map((r) => r.municipality)).size })),
    figures,
    others: otherSummaries,
    appendix: appendix(study, frame, groups),
  };
}
