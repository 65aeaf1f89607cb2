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
 *
 * Across published versions (`versions`): every response of a questionnaire counts, whatever
 * version it answered; the figures, categories and labels are the latest version's, an answer
 * with an option the latest version no longer has is a category of its own (./codes.ts), and a
 * figure whose question changed between versions carries Danish notes naming the versions and
 * the change (`changes`).
 */
import type { TFrame } from '../frame/schema.ts';
import { compareCoded, estimateCoded, estimateMultiCoded, makeDesign, totalsCovariance, tQuantile, type CategoryEstimate, type Design } from '../estimation/index.ts';
import type { TQuestion, TResponse, TStudy, TWeighting } from '../survey/schema.ts';
import { ResponseTable } from '../survey/table.ts';
import { appendixTables, type AppendixTable, type AppendixTally } from './appendix.ts';
import { categories, choiceCodes, columnOf, countBase, mappedColumn, multiCodes, type ChoiceQuestion, type Group, type MultiQuestion } from './codes.ts';
import { questionChangeNotes, versionsOf, type Versions } from './versions.ts';
import { weightGroup, weightingLabels } from './weighting.ts';

export interface CategoryRow {
  code: string;
  label: string;
  /** A declared merge such as "Altid eller næsten altid". */
  combined: boolean;
  /** An option the latest version no longer has: the versions that had it. */
  onlyIn?: number[];
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
  /** How the question changed between published versions, in Danish (empty when it never did). */
  changes: string[];
}

export interface OtherSummary {
  question: string;
  text: string;
  type: 'number' | 'text';
  groups: { questionnaire: string; groupLabel: string; n: number; mean?: number; se?: number; ciLow?: number; ciHigh?: number; suppressed: boolean }[];
}

export type { AppendixTable };

export interface Report {
  study: string;
  title: string;
  organisation: string;
  weighting: TWeighting;
  weightingNote: string;
  minCellSize: number;
  /** Per group; `onePerMunicipality`: no municipality has more than one respondent (equal weighting leaves the group unchanged). */
  respondents: { questionnaire: string; groupLabel: string; n: number; municipalities: number; onePerMunicipality: boolean }[];
  figures: FigureTable[];
  others: OtherSummary[];
  appendix: AppendixTable[];
}

export interface ReportOptions {
  weighting?: TWeighting;
  /** The study's eligible municipalities (the evaluator's choice); the frame's `eligible` by default. */
  eligible?: ReadonlySet<string>;
  minCellSize?: number;
  level?: number;
  /** Every published version of each questionnaire, oldest first; without it, the study's own. */
  versions?: Versions;
}

function row(e: CategoryEstimate, label: string, combined: boolean, onlyIn?: number[]): CategoryRow {
  return { code: e.category, label, combined, n: e.n, estimate: e.estimate, se: e.se, ciLow: e.ciLow, ciHigh: e.ciHigh, ...(onlyIn ? { onlyIn } : {}) };
}

const emptyGroup = (g: Group, baseN: number, minCellSize: number): GroupTable => ({
  questionnaire: g.questionnaire.id,
  groupLabel: g.questionnaire.group,
  respondents: g.rows.length,
  baseN,
  suppressed: baseN < minCellSize || g.design === undefined,
  df: 0,
  rows: [],
});

/** Summariser: single choice and scale. */
function summariseChoice(table: ResponseTable, q: ChoiceQuestion, g: Group, minCellSize: number, level: number): GroupTable {
  const includeNS = q.figure?.includeNonSubstantive ?? false;
  const code = choiceCodes(table, q, g, includeNS);
  const baseN = countBase(code);
  const out = emptyGroup(g, baseN, minCellSize);
  if (out.suppressed || baseN === 0) return out;
  const { options } = categories(table, q, g, includeNS);
  const combined = (q.figure?.combined ?? [])
    .map((c) => ({ name: c.code, label: c.label, members: c.options.map((o) => options.findIndex((x) => x.code === o)).filter((k) => k >= 0) }))
    .filter((c) => c.members.length > 0);
  const r = estimateCoded(g.design!, code, options.map((o) => o.code), { combined, level });
  return {
    ...out,
    df: r.summary.df,
    rows: [...r.categories.map((e, k) => row(e, options[k]!.label, false, options[k]!.onlyIn)), ...r.combined.map((e, k) => row(e, combined[k]!.label, true))],
  };
}

/** Summariser: multi-select — share choosing each option among those in the base (bars need not sum to 100). */
function summariseMulti(table: ResponseTable, q: MultiQuestion, g: Group, minCellSize: number, level: number): GroupTable {
  const includeNS = q.figure?.includeNonSubstantive ?? false;
  const { code, entries } = multiCodes(table, q, g, includeNS);
  const baseN = countBase(code);
  const out = emptyGroup(g, baseN, minCellSize);
  if (out.suppressed || baseN === 0) return out;
  const { options } = categories(table, q, g, includeNS);
  const r = estimateMultiCoded(g.design!, code, entries, options.map((o) => o.code), { level });
  return { ...out, df: r.summary.df, rows: r.options.map((e, k) => row(e, options[k]!.label, false, options[k]!.onlyIn)) };
}

/** Summariser: number — weighted mean with linearised SE and t CI. */
function summariseNumber(table: ResponseTable, q: TQuestion, g: Group, minCellSize: number, level: number): OtherSummary['groups'][number] {
  const { codes, values } = columnOf(table, g, q.id);
  const rows: { v: number; i: number }[] = [];
  for (let i = 0; i < codes.length; i += 1) {
    const v = codes[i] === 0 ? undefined : values[codes[i]! - 1];
    if (typeof v === 'number') rows.push({ v, i });
  }
  const base = { questionnaire: g.questionnaire.id, groupLabel: g.questionnaire.group, n: rows.length, suppressed: rows.length < minCellSize || g.design === undefined };
  if (base.suppressed || rows.length === 0) return base;
  let W = 0;
  let T = 0;
  for (const { v, i } of rows) {
    W += g.weights[i]!;
    T += g.weights[i]! * v;
  }
  const mean = T / W;
  const x = new Float64Array(g.rows.length);
  for (const { v, i } of rows) x[i] = (g.weights[i]! * (v - mean)) / W;
  const se = Math.sqrt(Math.max(totalsCovariance(g.design!, [x])[0]![0]!, 0));
  const clusters = new Set(rows.map(({ i }) => g.municipality[i]!)).size;
  const t = clusters > 1 ? tQuantile(1 - (1 - level) / 2, clusters - 1) : NaN;
  return { ...base, mean, se, ciLow: mean - t * se, ciHigh: mean + t * se };
}

/** Summariser: free text — only how many answered (the texts are on the evaluator's text page). */
function summariseText(table: ResponseTable, q: TQuestion, g: Group, minCellSize: number): OtherSummary['groups'][number] {
  const n = countBase(mappedColumn(table, g, q.id, (v) => (typeof v === 'string' ? 0 : -1)));
  return { questionnaire: g.questionnaire.id, groupLabel: g.questionnaire.group, n, suppressed: n > 0 && n < minCellSize };
}

/** The pooled design of the first two groups (rows of both, clustered by municipality), built once per report. */
interface Pooled {
  design: Design;
  groups: [Group, Group];
}

function pooledDesign(groups: Group[]): Pooled | undefined {
  const [a, b] = groups.filter((g) => g.design !== undefined);
  if (!a || !b) return undefined;
  const weights = [...a.weights, ...b.weights];
  const cluster = [...a.municipality, ...b.municipality];
  return { design: makeDesign({ weights, cluster }), groups: [a, b] };
}

function difference(table: ResponseTable, pooled: Pooled | undefined, figureQuestions: { q: TQuestion; g: Group }[], minCellSize: number): Difference | undefined {
  if (!pooled) return undefined;
  const [ga, gb] = pooled.groups;
  const first = figureQuestions.find((x) => x.g === ga);
  const second = figureQuestions.find((x) => x.g === gb);
  if (!first || !second) return undefined;
  const q = first.q;
  const q2 = second.q;
  if ((q.type !== 'single' && q.type !== 'scale') || (q2.type !== 'single' && q2.type !== 'scale')) return undefined;
  const headline = q.figure?.headline;
  if (!headline) return undefined;
  const combined = q.figure!.combined.find((c) => c.code === headline);
  const headlineCodes = new Set(combined ? combined.options : [headline]);
  const label = combined ? combined.label : (q.options.find((o) => o.code === headline)?.label ?? headline);
  const includeNS = q.figure!.includeNonSubstantive;
  const ca = choiceCodes(table, q, ga, includeNS);
  const cb = choiceCodes(table, q2, gb, includeNS);
  if (countBase(ca) < minCellSize || countBase(cb) < minCellSize) return undefined;
  const side = new Int8Array(ca.length + cb.length);
  const y = new Uint8Array(ca.length + cb.length);
  // Indexed by code + 1 (code −1, outside the base, gives 0): whether the answer is in the headline.
  const inA = Uint8Array.from([{ code: '' }, ...categories(table, q, ga, includeNS).options], (o, k) => (k > 0 && headlineCodes.has(o.code) ? 1 : 0));
  const inB = Uint8Array.from([{ code: '' }, ...categories(table, q2, gb, includeNS).options], (o, k) => (k > 0 && headlineCodes.has(o.code) ? 1 : 0));
  for (let i = 0; i < ca.length; i += 1) {
    const k = ca[i]!;
    side[i] = 1 + (k >> 31); // 1 in the base, 0 outside
    y[i] = inA[k + 1]!;
  }
  for (let i = 0, j = ca.length; i < cb.length; i += 1, j += 1) {
    const k = cb[i]!;
    side[j] = 2 * (1 + (k >> 31)); // 2 in the base, 0 outside
    y[j] = inB[k + 1]!;
  }
  const d = compareCoded(pooled.design, side, y, ga.questionnaire.id, gb.questionnaire.id);
  return { category: headline, label, a: d.a, b: d.b, estimate: d.estimate, se: d.se, df: d.df, p: d.p, significant: d.p < 0.05 };
}

/**
 * The whole report. `responses` is the store's column table (the server passes it, no objects
 * are built) or plain responses (tests, scripts); rows of other studies are ignored.
 */
export function buildReport(study: TStudy, frame: TFrame, responses: ResponseTable | readonly TResponse[], options: ReportOptions = {}): Report {
  const table = responses instanceof ResponseTable ? responses : ResponseTable.from(responses);
  const weighting = options.weighting ?? study.weighting;
  const minCellSize = options.minCellSize ?? study.minCellSize;
  const level = options.level ?? 0.95;
  const municipalities = table.municipalities();
  const allVersions = versionsOf(study, options.versions);
  const groups: Group[] = [];
  for (const questionnaire of study.questionnaires) {
    const rows = table.rows({ study: study.id, questionnaire: questionnaire.id });
    const versions = allVersions.get(questionnaire.id)!;
    if (rows.length === 0) {
      groups.push({ questionnaire, versions, rows, municipality: [], perMunicipality: new Map(), weights: [], choice: new Map(), categories: new Map() });
      continue;
    }
    const municipality = Array.from(rows, (i) => municipalities.values[municipalities.codes[i]! - 1]!);
    const counts = new Int32Array(municipalities.values.length + 1);
    for (let k = 0; k < rows.length; k += 1) counts[municipalities.codes[rows[k]!]!]! += 1;
    const perMunicipality = new Map<string, number>();
    municipalities.values.forEach((m, k) => counts[k + 1]! > 0 && perMunicipality.set(m, counts[k + 1]!));
    const w = weightGroup(municipality, frame, weighting, options.eligible);
    groups.push({ questionnaire, versions, rows, municipality, perMunicipality, weights: w.weights, choice: new Map(), categories: new Map(), ...(w.design ? { design: w.design } : {}) });
  }
  const pooled = pooledDesign(groups);
  const numbers = new Map<number, { q: TQuestion; g: Group }[]>();
  const others = new Map<string, { q: TQuestion; g: Group }[]>();
  for (const g of groups) {
    for (const q of reportQuestions(g)) {
      if (q.figure) numbers.set(q.figure.number, [...(numbers.get(q.figure.number) ?? []), { q, g }]);
      else if (q.type === 'number' || q.type === 'text') others.set(q.id, [...(others.get(q.id) ?? []), { q, g }]);
    }
  }
  const figures: FigureTable[] = [...numbers.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([figure, list]) => {
      const first = list[0]!.q;
      const tables = list.map(({ q, g }) => {
        if (g.rows.length === 0) return emptyGroup(g, 0, minCellSize);
        return q.type === 'multi' ? summariseMulti(table, q, g, minCellSize, level) : summariseChoice(table, q as ChoiceQuestion, g, minCellSize, level);
      });
      const diff = difference(table, pooled, list, minCellSize);
      return {
        figure,
        title: first.figure!.title,
        question: first.id,
        text: first.text,
        kind: first.type === 'multi' ? ('multi' as const) : ('choice' as const),
        includeNonSubstantive: first.figure!.includeNonSubstantive,
        groups: tables,
        ...(diff ? { difference: diff } : {}),
        changes: changeNotes(list),
      };
    });
  const otherSummaries: OtherSummary[] = [...others.values()].map((list) => {
    const q = list[0]!.q;
    return {
      question: q.id,
      text: q.text,
      type: q.type === 'number' ? ('number' as const) : ('text' as const),
      groups: list.map(({ q: question, g }) =>
        g.rows.length === 0 ? { questionnaire: g.questionnaire.id, groupLabel: g.questionnaire.group, n: 0, suppressed: false } : question.type === 'number' ? summariseNumber(table, question, g, minCellSize, level) : summariseText(table, question, g, minCellSize),
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
    respondents: groups.map((g) => ({
      questionnaire: g.questionnaire.id,
      groupLabel: g.questionnaire.group,
      n: g.rows.length,
      municipalities: g.perMunicipality.size,
      onePerMunicipality: g.rows.length > 0 && g.perMunicipality.size === g.rows.length,
    })),
    figures,
    others: otherSummaries,
    appendix: appendixTables(
      study,
      frame,
      groups.map((g) => ({ label: g.questionnaire.group, n: g.rows.length, perMunicipality: g.perMunicipality, tallies: tallies(table, g) })),
      options.eligible,
    ),
  };
}

/**
 * The questions the report reads for a group: the latest version's, then those only earlier
 * versions asked, as the latest of them asks it (its answers still count; the figure's notes say
 * it was removed). An earlier figure whose number the latest version gives another question is
 * left out (its answers stay in responses.csv).
 */
function reportQuestions(g: Group): TQuestion[] {
  const latest = g.questionnaire.sections.flatMap((s) => s.questions);
  if (g.versions.length <= 1) return latest;
  const ids = new Set(latest.map((q) => q.id));
  const numbers = new Set(latest.flatMap((q) => (q.figure ? [q.figure.number] : [])));
  const out = [...latest];
  for (const version of [...g.versions].reverse()) {
    for (const q of version.sections.flatMap((s) => s.questions)) {
      if (ids.has(q.id)) continue;
      ids.add(q.id);
      if (q.figure && numbers.has(q.figure.number)) continue;
      if (q.figure) numbers.add(q.figure.number);
      out.push(q);
    }
  }
  return out;
}

/**
 * The figure's notes on changes between versions: per group the question's notes; the same notes
 * for every group are said once, otherwise each group's are prefixed with its label.
 */
function changeNotes(list: { q: TQuestion; g: Group }[]): string[] {
  const per = list.map(({ q, g }) => ({ label: g.questionnaire.group, notes: questionChangeNotes(g.versions, q.id) }));
  const same = per.every((x) => x.notes.join('\n') === per[0]!.notes.join('\n'));
  return same ? per[0]!.notes : per.flatMap((x) => x.notes.map((n) => `${x.label}: ${n}`));
}

/** Unweighted counts of the group's answers to the questions marked `appendixTitle` (single or scale). */
function tallies(table: ResponseTable, g: Group): AppendixTally[] {
  const out: AppendixTally[] = [];
  for (const q of reportQuestions(g)) {
    if (q.appendixTitle === undefined || (q.type !== 'single' && q.type !== 'scale')) continue;
    const { codes, values } = columnOf(table, g, q.id);
    // Every option of the latest version, then those only earlier versions had that answers hold.
    const { options } = categories(table, q, g, true);
    const counts = options.map(() => 0);
    const index = new Map(options.map((o, i) => [o.code, i]));
    let n = 0;
    for (const c of codes) {
      const i = c === 0 ? undefined : index.get(String(values[c - 1]));
      if (i === undefined) continue;
      counts[i]! += 1;
      n += 1;
    }
    out.push({ question: q.id, title: q.appendixTitle, labels: options.map((o) => o.label), counts, n });
  }
  return out;
}
