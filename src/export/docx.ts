/**
 * The whole report as a Word document (.docx, with the `docx` package), in Danish: the study's
 * title and respondents, the weighting and base notes, then every figure (number, title, the
 * chart as a PNG image, caption, notes, and its table with n, share and confidence interval), and
 * the appendix. Pure: the report and the figures' PNGs in, the file's bytes out.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { appendixSpec, danishNumber, danishP, danishPercent, figureSpec, type FigureSpec } from '../report/figures.ts';
import type { AppendixTable, FigureTable, Report } from '../report/tables.ts';

/** A figure drawn as a PNG, with its size in CSS pixels (the document scales it to the page width). */
export interface FigurePng {
  png: Uint8Array;
  width: number;
  height: number;
}

export type RenderFigure = (spec: FigureSpec) => FigurePng | Promise<FigurePng>;

/** The usable page width of an A4 page with 2.5 cm margins, in pixels at 96 dpi. */
const PAGE_WIDTH_PX = 604;

function cell(text: string, options: { header?: boolean; align?: 'left' | 'right' } = {}): TableCell {
  return new TableCell({
    children: [new Paragraph({ alignment: options.align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT, children: [new TextRun({ text, bold: options.header === true, size: 18 })] })],
  });
}

function table(header: string[], rows: string[][]): Table {
  const border = { style: BorderStyle.SINGLE, size: 2, color: 'A0A0A0' };
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, k) => cell(h, { header: true, align: k === 0 ? 'left' : 'right' })) }),
      ...rows.map((r) => new TableRow({ children: r.map((v, k) => cell(v, { align: k === 0 ? 'left' : 'right' })) })),
    ],
  });
}

function image(figure: FigurePng): Paragraph {
  const scale = Math.min(1, PAGE_WIDTH_PX / figure.width);
  return new Paragraph({
    children: [new ImageRun({ type: 'png', data: figure.png, transformation: { width: Math.round(figure.width * scale), height: Math.round(figure.height * scale) } })],
  });
}

const small = (text: string, italics = false) => new Paragraph({ children: [new TextRun({ text, size: 18, italics })] });

/** A figure's table, one per group: answer, n, share, SE and 95 pct. CI (as on the report page). */
function figureTables(figure: FigureTable): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  for (const g of figure.groups) {
    out.push(small(`${g.groupLabel} (N=${g.baseN})${g.suppressed ? ' – vises ikke (for få svar)' : ''}`));
    if (g.suppressed) continue;
    out.push(
      table(
        ['Svar', 'n', 'Andel', 'SE', '95 pct. konfidensinterval'],
        g.rows.map((r) => [r.label, String(r.n), danishPercent(r.estimate, 1), danishNumber(r.se * 100), `${danishNumber(r.ciLow * 100)}–${danishNumber(r.ciHigh * 100)}`]),
      ),
    );
  }
  return out;
}

function appendixTable(a: AppendixTable): Table {
  return table(
    ['', ...a.series.map((s) => s.label)],
    a.categories.map((c, k) => [c, ...a.series.map((s) => (a.unit === 'share' ? `${danishPercent(s.values[k] ?? NaN, 0)} (${s.counts[k]})` : String(s.counts[k])))]),
  );
}

async function figureBlock(spec: FigureSpec, render: RenderFigure, body: (Paragraph | Table)[]): Promise<(Paragraph | Table)[]> {
  const out: (Paragraph | Table)[] = [new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children: [new TextRun(`${spec.number}. ${spec.title}`)] })];
  if (spec.series.length > 0) out.push(image(await render(spec)));
  else out.push(small('Ingen tal: for få svar.', true));
  out.push(small(spec.caption, true));
  for (const note of spec.notes) out.push(small(`• ${note}`));
  out.push(...body);
  return out;
}

export async function reportDocx(input: { title: string; report: Report; demo: boolean }, render: RenderFigure): Promise<Buffer> {
  const { report } = input;
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(input.title)] }),
    new Paragraph({ children: [new TextRun('Resultater fra spørgeskemaundersøgelsen')] }),
  ];
  if (input.demo) children.push(new Paragraph({ children: [new TextRun({ text: 'Demodata: tallene er syntetiske.', bold: true })] }));
  children.push(
    small(`${report.respondents.map((r) => `${r.groupLabel}: ${r.n} svar fra ${r.municipalities} kommuner`).join(' · ')}.`),
    small(`Vægtning: ${report.weightingNote} Opdelinger med færre end ${report.minCellSize} svar vises ikke, og der vises aldrig tal for en enkelt kommune.`),
  );
  for (const figure of report.figures) {
    const spec = figureSpec(report, figure);
    const body: (Paragraph | Table)[] = [small(`Spørgsmål: ${figure.text}`)];
    const d = figure.difference;
    if (d) body.push(small(`Forskel ledere – praktikere i »${d.label}«: ${danishNumber(d.estimate * 100)} procentpoint (SE ${danishNumber(d.se * 100)}, ${danishP(d.p)})${d.significant ? ' – statistisk signifikant (p < 0,05)' : ''}.`));
    body.push(...figureTables(figure));
    children.push(...(await figureBlock(spec, render, body)));
  }
  children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: true, children: [new TextRun('Bilag: respondenter')] }));
  for (const [k, a] of report.appendix.entries()) {
    children.push(...(await figureBlock(appendixSpec(a, k, report), render, [appendixTable(a)])));
  }
  const doc = new Document({
    creator: 'praksis',
    title: input.title,
    description: 'Resultater fra spørgeskemaundersøgelsen',
    styles: { default: { document: { run: { font: 'Calibri', size: 22 } } } },
    sections: [
      {
        properties: { page: { margin: { top: '2.5cm', bottom: '2.5cm', left: '2.5cm', right: '2.5cm' } } },
        footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['Side ', PageNumber.CURRENT, ' af ', PageNumber.TOTAL_PAGES] })] })] }) },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
