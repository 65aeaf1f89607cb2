/**
 * R and SPSS syntax files that read a study's responses.csv (standard dialect) with the questions'
 * labels, as LimeSurvey offers next to its data export (pure: a definition in, text out).
 *
 * - R: `read.csv(..., na.strings = "")` (an empty cell is a question the respondent was not shown
 *   or skipped, never a category), each choice question a factor whose levels are the option codes
 *   in the questionnaire's order and whose labels are the option texts, and one design per
 *   questionnaire: `svydesign(ids = ~cluster, weights = ~weight)` (the cluster pseudonym is shared
 *   by both questionnaires, so a design is made per questionnaire, not over the whole file).
 * - SPSS: GET DATA with every column's type, VARIABLE LABELS (the question texts) and VALUE LABELS
 *   (codes to option texts, in the questionnaire's order).
 *
 * Both cover every published version: the columns are the union responses.csv has, each label the
 * latest version's that has the question or option, and `version` says which version a row answered.
 */
import { exportQuestions, type ExportQuestion, type Versions } from '../report/versions.ts';
import type { TStudy } from '../survey/schema.ts';
import { META_COLUMNS } from './exports.ts';

interface ExportColumn {
  name: string;
  label: string;
  kind: 'code' | 'number' | 'integer' | 'text' | 'flag';
  /** Option codes and labels, in the questionnaire's order (choice questions). */
  options?: readonly { code: string; label: string; nonSubstantive: boolean }[];
  width: number;
}

/** The columns of responses.csv in order (without `municipality`, which only an identifying export has). */
function exportColumns(study: TStudy, versions?: Versions): ExportColumn[] {
  const columns: ExportColumn[] = META_COLUMNS.filter((c) => c.question !== 'municipality').map((c) => ({
    name: c.question,
    label: c.label,
    kind: c.question === 'version' ? 'integer' : c.type === 'number' ? 'number' : 'text',
    width: c.question === 'region' ? 60 : 40,
  }));
  for (const q of exportQuestions(study, versions)) columns.push(...questionColumns(q));
  return columns;
}

function questionColumns(q: ExportQuestion): ExportColumn[] {
  const out: ExportColumn[] = (q.flags ?? []).map((o) => ({ name: `${q.id}_${o.code}`, label: `${q.text}: ${o.label}`, kind: 'flag', width: 1 }));
  const p = q.plain;
  if (p?.kind === 'code') {
    const options = p.options.map((o) => ({ code: o.code, label: o.label, nonSubstantive: o.nonSubstantive }));
    out.push({ name: q.id, label: q.text, kind: 'code', options, width: Math.max(...options.map((o) => o.code.length)) });
  } else if (p?.kind === 'number') out.push({ name: q.id, label: q.text, kind: 'number', width: 12 });
  else if (p?.kind === 'text') out.push({ name: q.id, label: q.text, kind: 'text', width: p.maxLength * 4 });
  if (q.other) out.push({ name: `${q.id}_other`, label: `${q.text} (Andet, angiv)`, kind: 'text', width: 2000 * 4 });
  return out;
}

function rString(text: string): string {
  return JSON.stringify(text);
}

export function rSyntax(study: TStudy, csvFile: string, versions?: Versions): string {
  const lines = [
    `# ${study.title}: reads ${csvFile} (the standard dialect) with the questionnaire's labels.`,
    '# Made by praksis. Empty cells are questions a respondent was not shown or skipped: NA, never a category.',
    'library(survey)',
    `d <- read.csv(${rString(csvFile)}, na.strings = "", stringsAsFactors = FALSE, encoding = "UTF-8")`,
    '# d$version: the questionnaire version each row answered (the codebook lists every version\'s questions).',
  ];
  const columns = exportColumns(study, versions);
  for (const c of columns) {
    if (c.kind !== 'code' || !c.options) continue;
    const levels = c.options.map((o) => rString(o.code)).join(', ');
    const labels = c.options.map((o) => rString(o.label)).join(', ');
    lines.push(`d$${c.name} <- factor(d$${c.name}, levels = c(${levels}), labels = c(${labels}))`);
  }
  lines.push('# One design per questionnaire: the cluster (municipality pseudonym) is shared by the questionnaires.');
  for (const qn of study.questionnaires) {
    lines.push(`${qn.id} <- svydesign(ids = ~cluster, weights = ~weight, data = subset(d, questionnaire == ${rString(qn.id)}))`);
  }
  const dropped = columns.flatMap((c) => {
    const labels = (c.options ?? []).filter((o) => o.nonSubstantive).map((o) => rString(o.label));
    return labels.length > 0 ? [`${c.name} = c(${labels.join(', ')})`] : [];
  });
  lines.push(
    '# The answers each question\'s report table leaves out of its base (such as "Ved ikke").',
    `praksis_non_substantive <- list(${dropped.join(', ')})`,
    '# A report table: the respondents shown the question, without its non-substantive answers,',
    '# e.g. praksis_table(ledere, "kontrakt_frist"). A multi-select option is a 0/1 column:',
    '# svymean(~col, subset(design, !is.na(col))).',
    'praksis_table <- function(design, question, drop = praksis_non_substantive[[question]]) {',
    '  v <- design$variables[[question]]',
    '  keep <- !is.na(v) & !(v %in% drop)',
    '  design$variables$answer <- factor(v, levels = setdiff(levels(v), drop))',
    '  svymean(~answer, subset(design, keep))',
    '}',
  );
  return lines.join('\n') + '\n';
}

function spssString(text: string): string {
  return `'${text.replace(/'/g, "''").replace(/\s+/g, ' ')}'`;
}

export function spssSyntax(study: TStudy, csvFile: string, versions?: Versions): string {
  const columns = exportColumns(study, versions);
  const format = (c: ExportColumn) => (c.kind === 'number' ? 'F12.6' : c.kind === 'integer' ? 'F8.0' : c.kind === 'flag' ? 'F1.0' : `A${Math.min(32767, Math.max(1, c.width))}`);
  const lines = [
    `* ${study.title.replace(/\s+/g, ' ')}: reads ${csvFile} (the standard dialect) with the questionnaire's labels.`,
    '* Made by praksis. Empty cells are questions a respondent was not shown or skipped (system-missing or blank).',
    'SET UNICODE=ON.',
    `GET DATA /TYPE=TXT /FILE=${spssString(csvFile)} /ENCODING='UTF8' /DELCASE=LINE /DELIMITERS="," /QUALIFIER='"'`,
    '  /ARRANGEMENT=DELIMITED /FIRSTCASE=2 /VARIABLES=',
    ...columns.map((c) => `  ${c.name} ${format(c)}`),
    '.',
    'VARIABLE LABELS',
    columns.map((c) => `  ${c.name} ${spssString(c.label)}`).join('\n  /') + '.',
  ];
  const labelled = columns.filter((c) => c.kind === 'code' && c.options);
  if (labelled.length > 0) {
    lines.push('VALUE LABELS');
    lines.push(labelled.map((c) => `  ${c.name} ${c.options!.map((o) => `${spssString(o.code)} ${spssString(o.label)}`).join(' ')}`).join('\n  /') + '.');
  }
  lines.push(
    '* The sample design: clusters = cluster, weight = weight. Use Complex Samples (CSPLAN) for standard errors;',
    '* WEIGHT BY alone treats the weights as frequencies and gives wrong standard errors.',
    'EXECUTE.',
  );
  return lines.join('\n') + '\n';
}
