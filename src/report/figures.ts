/**
 * Figure specs as plain data (drawn by chart.js in the browser: public/js/report.ts), captions
 * and Danish number formatting ("65 pct.", decimal comma).
 */
import type { AppendixTable, CategoryRow, FigureTable, Report } from './tables.ts';

/** 0.648 → "65 pct."; with `decimals` 1 → "64,8 pct.". */
export function danishPercent(share: number, decimals = 0): string {
  if (!Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(decimals).replace('.', ',')} pct.`;
}

/** 0.648 → "64,8" (for tables). */
export function danishNumber(x: number, decimals = 1): string {
  if (!Number.isFinite(x)) return '–';
  return x.toFixed(decimals).replace('.', ',').replace('-', '−');
}

/** 0.0004 → "p < 0,001"; 0.0123 → "p = 0,012" (never "p = 0,000"). */
export function danishP(p: number): string {
  if (!Number.isFinite(p)) return 'p = –';
  return p < 0.001 ? 'p < 0,001' : `p = ${p.toFixed(3).replace('.', ',')}`;
}

/** "Kilde: LG Insight (Ledere/N=69, praktikere/N=126)": the real base N per group. */
export function caption(organisation: string, groups: { groupLabel: string; baseN: number }[]): string {
  const parts = groups.map((g, i) => `${i === 0 ? g.groupLabel : g.groupLabel.toLowerCase()}/N=${g.baseN}`);
  return `Kilde: ${organisation} (${parts.join(', ')})`;
}

export interface FigureSpec {
  id: string;
  number: string;
  title: string;
  /** Category labels, top to bottom. */
  categories: string[];
  /** `colour`: the group's position in the study, so a group keeps its colour in every figure. */
  series: { label: string; colour: number; values: (number | null)[] }[];
  /** 'share': values are proportions shown as "65 pct."; 'count': plain numbers. */
  unit: 'share' | 'count';
  caption: string;
  notes: string[];
}

export function figureSpec(report: Report, figure: FigureTable): FigureSpec {
  const shown = figure.groups.filter((g) => !g.suppressed && g.rows.length > 0);
  // Every group's categories (an option only an earlier version had may be in one group's answers only).
  const categories: CategoryRow[] = [];
  for (const g of shown) for (const r of g.rows) if (!r.combined && !categories.some((c) => c.code === r.code)) categories.push(r);
  const notes = [report.weightingNote];
  if (figure.kind === 'multi') notes.push('Flere svar muligt: søjlerne summerer ikke til 100 pct.');
  notes.push(figure.includeNonSubstantive ? 'Basis: alle, der fik spørgsmålet, inkl. "Ved ikke".' : 'Basis: de, der fik spørgsmålet og svarede; "Ved ikke" indgår ikke.');
  for (const g of figure.groups.filter((x) => x.suppressed)) {
    notes.push(g.baseN < report.minCellSize ? `${g.groupLabel}: færre end ${report.minCellSize} svar (N=${g.baseN}) – vises ikke.` : `${g.groupLabel}: svar fra færre end to kommuner – vises ikke.`);
  }
  notes.push(...weightingNotes(report, shown.map((g) => g.questionnaire)));
  notes.push(...figure.changes);
  for (const c of categories.filter((x) => x.onlyIn)) {
    notes.push(`»${c.label}« er en svarmulighed, som den seneste version ikke har: svarene vises som en kategori for sig og indgår i basis.`);
  }
  return {
    id: `figur-${figure.figure}`,
    number: `Figur ${figure.figure}`,
    title: figure.title,
    categories: categories.map((c) => c.label),
    series: shown.map((g) => ({ label: g.groupLabel, colour: colourOf(report, g.questionnaire), values: categories.map((c) => g.rows.find((r) => r.code === c.code)?.estimate ?? null) })),
    unit: 'share',
    caption: caption(report.organisation, figure.groups),
    notes,
  };
}

const colourOf = (report: Report, questionnaire: string) => Math.max(0, report.respondents.findIndex((r) => r.questionnaire === questionnaire));

/**
 * What the weighting means for the groups a figure shows, and only for them: under equal weighting
 * a group with one respondent per municipality (the leaders) is unchanged; under size or raked
 * weighting every group's numbers move.
 */
function weightingNotes(report: Report, questionnaires: string[]): string[] {
  if (report.weighting === 'none' || questionnaires.length === 0) return [];
  const groups = report.respondents.filter((r) => questionnaires.includes(r.questionnaire));
  if (report.weighting === 'equal') {
    const unchanged = groups.filter((g) => g.onePerMunicipality).map((g) => g.groupLabel);
    return unchanged.length > 0 ? [`${unchanged.join(' og ')}: én besvarelse pr. kommune, så denne vægtning ændrer ikke tallene.`] : [];
  }
  return [`Vægtningen ændrer tallene for ${groups.map((g) => g.groupLabel.toLowerCase()).join(' og ')} i forhold til de uvægtede.`];
}

export function appendixSpec(table: AppendixTable, index: number, report?: Report): FigureSpec {
  return {
    id: `bilag-${table.id}`,
    number: `Bilagsfigur ${index + 1}`,
    title: table.title,
    categories: table.categories,
    series: table.series.map((s) => ({ label: s.label, colour: report ? Math.max(0, report.respondents.findIndex((r) => r.groupLabel === s.label)) : 0, values: s.values })),
    unit: table.unit,
    caption: table.caption,
    notes: [],
  };
}

/** Every figure of the report in page order: Figur 1–22 (those the study has), then the appendix's. */
export function reportSpecs(report: Report): FigureSpec[] {
  return [...report.figures.map((f) => figureSpec(report, f)), ...report.appendix.map((a, i) => appendixSpec(a, i, report))];
}
