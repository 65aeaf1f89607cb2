/**
 * The three researcher exports, pure (rows in, CSV text out):
 *  - responses.csv: one row per response with the questionnaire `version` it answered, a
 *    pseudonymous `cluster` per municipality (stable within a study, the same in both
 *    questionnaires), region, weight, and one column per question of ANY published version (a
 *    multi-select as 0/1 columns `<question>_<option>`, every option any version had): an answer
 *    of a version without the question or option is empty. Rows are sorted by questionnaire,
 *    cluster and random id — never in submission order.
 *  - tables.csv: the report's tables in long format, estimates as proportions (0–1).
 *  - codebook.csv: every question and option of every version with its figure.
 */
import { createHmac } from 'node:crypto';
import type { TFrame } from '../frame/schema.ts';
import type { Report } from '../report/tables.ts';
import { groupWeights } from '../report/weighting.ts';
import { exportQuestions, versionsOf, type Versions } from '../report/versions.ts';
import type { TQuestionnaire, TResponse, TStudy, TWeighting } from '../survey/schema.ts';
import { toCsv, type Column, type Dialect } from './csv.ts';

/** A pseudonym per municipality: HMAC(secret, study + code); without the secret it cannot be reversed by trying all 98 codes. */
export function clusterPseudonym(secret: string, study: string, municipality: string): string {
  return 'c' + createHmac('sha256', secret).update(`${study}\u0000${municipality}`).digest('hex').slice(0, 10);
}

interface ResponseRow {
  r: TResponse;
  cluster: string;
  region: string;
  weight: number;
}

export interface ResponsesExportOptions {
  weighting: TWeighting;
  /** Secret for the cluster pseudonyms (kept in the store's settings). */
  secret: string;
  /** Adds the municipality code (`?identify=municipality`). */
  identifyMunicipality?: boolean;
  dialect?: Dialect;
  /** Every published version of each questionnaire (oldest first); without it, the study's own. */
  versions?: Versions;
}

export function responsesCsv(study: TStudy, frame: TFrame, responses: readonly TResponse[], options: ResponsesExportOptions): string {
  const regionName = new Map(frame.regions.map((r) => [r.code, r.name]));
  const regionOf = new Map(frame.municipalities.map((m) => [m.code, regionName.get(m.region) ?? m.region]));
  const rows: ResponseRow[] = [];
  for (const qn of study.questionnaires) {
    const mine = responses.filter((r) => r.study === study.id && r.questionnaire === qn.id);
    if (mine.length === 0) continue;
    const { weights } = groupWeights(mine.map((r) => r.municipality), frame, options.weighting);
    mine.forEach((r, i) => rows.push({ r, cluster: clusterPseudonym(options.secret, study.id, r.municipality), region: regionOf.get(r.municipality) ?? '', weight: weights[i]! }));
  }
  const order = new Map(study.questionnaires.map((q, k) => [q.id, k]));
  rows.sort((a, b) => order.get(a.r.questionnaire)! - order.get(b.r.questionnaire)! || a.cluster.localeCompare(b.cluster) || a.r.id.localeCompare(b.r.id));

  const columns: Column<ResponseRow>[] = [
    { label: 'response_id', value: (x) => x.r.id, raw: true },
    { label: 'questionnaire', value: (x) => x.r.questionnaire, raw: true },
    { label: 'version', value: (x) => x.r.version, raw: true },
    { label: 'cluster', value: (x) => x.cluster, raw: true },
    { label: 'region', value: (x) => x.region },
    { label: 'weight', value: (x) => x.weight },
  ];
  if (options.identifyMunicipality) columns.push({ label: 'municipality', value: (x) => x.r.municipality, raw: true });
  for (const q of exportQuestions(study, options.versions)) {
    const get = (x: ResponseRow) => (Object.hasOwn(x.r.answers, q.id) ? x.r.answers[q.id] : undefined);
    for (const o of q.flags ?? []) {
      columns.push({ label: `${q.id}_${o.code}`, value: (x) => {
        const v = get(x);
        return Array.isArray(v) ? (v.includes(o.code) ? 1 : 0) : null;
      } });
    }
    if (q.plain) {
      // Option codes and numbers are written as they are; only typed text gets the formula guard.
      // A question some version asked as a multi-select has its lists in the 0/1 columns only.
      const flags = q.flags !== undefined;
      columns.push({ label: q.id, raw: !q.plain.typed, value: (x) => {
        const v = get(x);
        return Array.isArray(v) ? (flags ? null : v.join(' ')) : v;
      } });
    }
    if (q.other) {
      columns.push({ label: `${q.id}_other`, value: (x) => {
        const v = Object.hasOwn(x.r.answers, `${q.id}_other`) ? x.r.answers[`${q.id}_other`] : undefined;
        return typeof v === 'string' ? v : null;
      } });
    }
  }
  return toCsv(rows, columns, options.dialect);
}

export interface TableRow {
  figure: number;
  question: string;
  group: string;
  group_label: string;
  category: string;
  n: number | null;
  estimate: number | null;
  se: number | null;
  ci_low: number | null;
  ci_high: number | null;
  base_n: number;
  weighting: string;
}

/** The report's tables as rows (also the JSON twin `GET /api/v1/studies/:study/tables`). */
export function tableRows(report: Report): TableRow[] {
  const rows: TableRow[] = [];
  for (const f of report.figures) {
    for (const g of f.groups) {
      const base = { figure: f.figure, question: f.question, group: g.questionnaire, group_label: g.groupLabel, base_n: g.baseN, weighting: report.weighting };
      if (g.suppressed || g.rows.length === 0) {
        rows.push({ ...base, category: '', n: null, estimate: null, se: null, ci_low: null, ci_high: null });
        continue;
      }
      for (const r of g.rows) rows.push({ ...base, category: r.code, n: r.n, estimate: r.estimate, se: r.se, ci_low: r.ciLow, ci_high: r.ciHigh });
    }
  }
  return rows;
}

export function tablesCsv(report: Report, dialect: Dialect = 'standard', figure?: number): string {
  const rows = tableRows(report).filter((r) => figure === undefined || r.figure === figure);
  const keys = ['figure', 'question', 'group', 'group_label', 'category', 'n', 'estimate', 'se', 'ci_low', 'ci_high', 'base_n', 'weighting'] as const;
  return toCsv(rows, keys.map((k) => ({ label: k, value: (r: TableRow) => r[k], raw: k !== 'question' && k !== 'group_label' })), dialect);
}

interface CodebookRow {
  question: string;
  text: string;
  type: string;
  code?: string;
  label?: string;
  figure?: number;
  questionnaire: string;
  version?: number;
}

/**
 * The columns of responses.csv that are not questions, as the codebook describes them. The weight
 * note is a warning: weights that follow the municipalities' populations (size, raked) can be
 * matched to the public population figures, which names the clusters.
 */
export const META_COLUMNS: readonly { question: string; label: string; text: string; type: string }[] = [
  { question: 'response_id', label: 'Response id', text: 'Random id of the response (not in submission order).', type: 'id' },
  { question: 'questionnaire', label: 'Questionnaire', text: 'The questionnaire answered.', type: 'id' },
  {
    question: 'version',
    label: 'Questionnaire version',
    text: 'The published version of the questionnaire the respondent answered; the codebook lists each version\'s questions and options (a column a version did not ask is empty for its answers).',
    type: 'number',
  },
  { question: 'cluster', label: 'Municipality pseudonym (cluster)', text: 'Pseudonym of the municipality, the same in every questionnaire of the study: the cluster of the design (svydesign(ids = ~cluster, weights = ~weight)).', type: 'id' },
  { question: 'region', label: 'Region', text: 'The region of the municipality.', type: 'text' },
  {
    question: 'weight',
    label: 'Design weight',
    text:
      'The design weight of the weighting chosen at export. Equal weighting (default) and none reveal nothing about a municipality; size or raked weighting does: weight x rows per cluster can be matched to the public population figures, so such an export identifies municipalities and is treated like identify=municipality.',
    type: 'number',
  },
  { question: 'municipality', label: 'Municipality code', text: 'The municipality code: only in an export with identify=municipality.', type: 'id' },
];

/** Whether a responses.csv export names municipalities, or lets them be worked out from the weights. */
export function identifiesMunicipalities(options: { weighting: TWeighting; identifyMunicipality?: boolean }): boolean {
  return options.identifyMunicipality === true || options.weighting === 'size' || options.weighting === 'raked';
}

/** Every question and option of every published version, one row set per version (oldest first), with the version's texts. */
export function codebookCsv(study: TStudy, dialect: Dialect = 'standard', versions?: Versions): string {
  const rows: CodebookRow[] = META_COLUMNS.map((c) => ({ question: c.question, text: c.text, type: c.type, questionnaire: '' }));
  const all = versionsOf(study, versions);
  for (const qn of study.questionnaires) for (const v of all.get(qn.id)!) rows.push(...versionRows(v));
  return toCsv(
    rows,
    [
      { label: 'question', value: (r) => r.question, raw: true },
      { label: 'text', value: (r) => r.text },
      { label: 'type', value: (r) => r.type, raw: true },
      { label: 'option_code', value: (r) => r.code, raw: true },
      { label: 'option_label', value: (r) => r.label },
      { label: 'figure', value: (r) => r.figure },
      { label: 'questionnaire', value: (r) => r.questionnaire, raw: true },
      { label: 'version', value: (r) => r.version, raw: true },
    ],
    dialect,
  );
}

function versionRows(qn: TQuestionnaire): CodebookRow[] {
  const rows: CodebookRow[] = [];
  for (const q of qn.sections.flatMap((s) => s.questions)) {
    const base = { question: q.id, text: q.text, type: q.type, questionnaire: qn.id, version: qn.version, ...(q.figure ? { figure: q.figure.number } : {}) };
    if (q.type === 'single' || q.type === 'scale' || q.type === 'multi') {
      for (const o of q.options) rows.push({ ...base, code: o.code, label: o.label });
      if (q.options.some((o) => o.other)) rows.push({ question: `${q.id}_other`, text: `${q.text} (Andet, angiv)`, type: 'text', questionnaire: qn.id, version: qn.version });
    } else rows.push(base);
  }
  return rows;
}
