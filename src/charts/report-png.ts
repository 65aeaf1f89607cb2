/**
 * A survey report figure (a FigureSpec) as PNG, drawn on the server with chart.js on
 * @napi-rs/canvas and the page's own chart configuration (./figure-config.ts): its number and
 * title above, the chart, the caption with N and the notes below, on white — a figure a person can
 * paste into a report. `bare` gives the chart alone (the Word document writes the texts itself).
 * Plain data in, PNG bytes out.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale } from 'chart.js';
import type { FigureSpec } from '../report/figures.ts';
import { barChart, cssFont, wrap, type ChartFont } from './figure-config.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);

/** The figure's width in pixels (drawn at twice the CSS size, so it stays sharp when pasted). */
export const FIGURE_WIDTH = 760;
const SCALE = 2;
const PAD = 16;
const FAMILY = 'DejaVu Sans, sans-serif';
const FONT: ChartFont = { family: FAMILY, size: 12 };
const TITLE: ChartFont = { family: FAMILY, size: 15 };
const SMALL: ChartFont = { family: FAMILY, size: 11 };

export interface FigureImage {
  png: Buffer;
  /** Size in CSS pixels (the PNG itself has twice as many). */
  width: number;
  height: number;
}

/** Lines of text wrapped to the figure's width, with their font and colour. */
interface TextBlock {
  lines: string[];
  font: string;
  lineHeight: number;
  colour: string;
}

function block(ctx: SKRSContext2D, texts: string[], font: ChartFont, weight: string, colour: string): TextBlock {
  const css = cssFont(font, weight);
  ctx.font = css;
  const lines = texts.flatMap((t) => wrap(t, FIGURE_WIDTH - 2 * PAD, (s) => ctx.measureText(s).width));
  return { lines, font: css, lineHeight: Math.round(font.size * 1.4), colour };
}

const blockHeight = (b: TextBlock) => b.lines.length * b.lineHeight;

function drawBlock(ctx: SKRSContext2D, b: TextBlock, top: number): number {
  ctx.font = b.font;
  ctx.fillStyle = b.colour;
  ctx.textBaseline = 'top';
  b.lines.forEach((line, k) => ctx.fillText(line, PAD, top + k * b.lineHeight));
  return top + blockHeight(b);
}

/** The chart alone, at FIGURE_WIDTH (null when the figure has no numbers); `draw` puts it on a context, then it is released. */
function chartOf(spec: FigureSpec) {
  if (spec.series.length === 0) return null;
  const measurer = createCanvas(10, 10).getContext('2d');
  measurer.font = cssFont(FONT);
  const { config, height } = barChart(spec, { width: FIGURE_WIDTH, measure: (s) => measurer.measureText(s).width, font: FONT, responsive: false, devicePixelRatio: SCALE });
  return {
    height,
    draw(ctx: SKRSContext2D, top: number) {
      const canvas = createCanvas(FIGURE_WIDTH, height);
      // chart.js draws on any object with a 2D context; outside a browser it uses its basic platform.
      const chart = new Chart(canvas as unknown as HTMLCanvasElement, config);
      try {
        ctx.drawImage(canvas, 0, top, FIGURE_WIDTH, height);
      } finally {
        chart.destroy();
      }
    },
  };
}

export function reportFigureImage(spec: FigureSpec, options: { bare?: boolean } = {}): FigureImage {
  const chart = chartOf(spec);
  const measure = createCanvas(10, 10).getContext('2d');
  const head = options.bare ? [] : [block(measure, [`${spec.number}. ${spec.title}`], TITLE, 'bold', '#1a1a1a')];
  const body = chart ? [] : [block(measure, ['Ingen tal: for få svar.'], FONT, 'italic', '#3a3a3a')];
  const foot = options.bare ? [] : [block(measure, [spec.caption], SMALL, '', '#1a1a1a'), block(measure, spec.notes.map((n) => `• ${n}`), SMALL, '', '#3a3a3a')];
  const texts = (blocks: TextBlock[]) => blocks.reduce((h, b) => h + blockHeight(b), 0);
  const height = Math.ceil((head.length ? PAD + texts(head) + 8 : 0) + (chart?.height ?? texts(body) + PAD) + (foot.length ? 8 + texts(foot) + PAD : 0));
  const canvas = createCanvas(FIGURE_WIDTH * SCALE, height * SCALE);
  const ctx = canvas.getContext('2d');
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, FIGURE_WIDTH, height);
  let top = head.length ? PAD : 0;
  for (const b of head) top = drawBlock(ctx, b, top) + 8;
  if (chart) {
    chart.draw(ctx, top);
    top += chart.height;
  } else for (const b of body) top = drawBlock(ctx, b, top) + PAD;
  top += 8;
  for (const b of foot) top = drawBlock(ctx, b, top);
  return { png: canvas.toBuffer('image/png'), width: FIGURE_WIDTH, height };
}
