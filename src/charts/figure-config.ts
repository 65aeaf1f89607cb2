/**
 * The one chart.js configuration of a report figure (a FigureSpec), used by the browser
 * (public/js/report.ts) and by the server's PNG renderer (./png.ts), so a downloaded PNG looks like
 * the page: grouped horizontal bars on one 0–100 pct. axis, Danish labels ("65 pct."), each group
 * in its own colour in every figure, category labels wrapped to the space they have (never cut
 * off), a white background, the legend below. Pure: no DOM, no canvas; text is measured by the
 * caller's `measure`. Only chart.js types are imported, so the browser bundle stays small.
 */
import type { ChartConfiguration, Plugin } from 'chart.js';
import type { FigureSpec } from '../report/figures.ts';

/** Dark blue (leaders) and light blue (caseworkers): distinct for colour-blind readers and in grayscale print. */
export const COLOURS = ['#1d3f66', '#8db6dd', '#5a5a5a', '#d0d0d0'];
export const BORDERS = ['#0d2440', '#3d6f9e', '#2b2b2b', '#8a8a8a'];
export const TICK_PADDING = 6;

export interface ChartFont {
  family: string;
  size: number;
}

export const cssFont = (font: ChartFont, weight = '') => `${weight ? `${weight} ` : ''}${font.size}px ${font.family}`;

/** 0.648 → "65 pct." (a share), 12 → "12" (a count). */
export const figureValue = (value: number, unit: FigureSpec['unit']) => (unit === 'share' ? `${Math.round(value * 100)} pct.` : String(value));

export const whiteBackground: Plugin = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Words wrapped into lines no wider than `width` pixels; a word wider than the space is hyphenated. */
export function wrap(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).flatMap((word) => {
    const parts: string[] = [];
    let rest = word;
    while (measure(rest) > width && rest.length > 4) {
      let k = rest.length - 1;
      while (k > 3 && measure(`${rest.slice(0, k)}-`) > width) k -= 1;
      parts.push(`${rest.slice(0, k)}-`);
      rest = rest.slice(k);
    }
    return [...parts, rest];
  });
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && measure(candidate) > width) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Writes each bar's value at its end, and (in a browser) records on the canvas how far the labels
 * reach (data-label-left: the leftmost pixel of any category label; data-value-right: the rightmost
 * pixel of any value), so a test can see that nothing is cut off.
 */
export const valueLabels = (unit: FigureSpec['unit'], font: ChartFont): Plugin => ({
  id: 'valueLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = cssFont(font);
    ctx.fillStyle = '#1a1a1a';
    ctx.textBaseline = 'middle';
    let right = 0;
    chart.data.datasets.forEach((dataset, d) => {
      chart.getDatasetMeta(d).data.forEach((bar, i) => {
        const value = dataset.data[i];
        if (typeof value !== 'number' || Number.isNaN(value)) return;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        const text = figureValue(value, unit);
        ctx.fillText(text, x + 4, y);
        right = Math.max(right, x + 4 + ctx.measureText(text).width);
      });
    });
    const scale = chart.scales.y;
    let left = Number.POSITIVE_INFINITY;
    if (scale) {
      for (const label of chart.data.labels ?? []) {
        for (const line of Array.isArray(label) ? label : [String(label)]) left = Math.min(left, scale.right - TICK_PADDING - ctx.measureText(String(line)).width);
      }
    }
    ctx.restore();
    const data = (chart.canvas as { dataset?: DOMStringMap } | null)?.dataset;
    if (data) {
      data.labelLeft = String(Math.floor(left));
      data.valueRight = String(Math.ceil(right));
      data.width = String(chart.width);
      data.axisMax = String(chart.scales.x?.max);
    }
  },
});

export interface BarLayout {
  /** The chart's width in CSS pixels. */
  width: number;
  /** The width of a text in `font` (a canvas context's measureText). */
  measure: (text: string) => number;
  font: ChartFont;
  /** true in the browser (the box's size), false on the server (the canvas's size). */
  responsive: boolean;
  devicePixelRatio: number;
}

/** The chart of a figure and the height it needs at the layout's width. */
export function barChart(spec: FigureSpec, layout: BarLayout): { config: ChartConfiguration<'bar', number[], string[]>; height: number } {
  const { width, font } = layout;
  // Labels get at most 40 % of the width (45 % on a phone), wrapped at word boundaries.
  const labelWidth = Math.max(90, width * (width < 500 ? 0.45 : 0.4) - TICK_PADDING - 8);
  const labels = spec.categories.map((c) => wrap(c, labelWidth, layout.measure));
  const lines = labels.reduce((n, l) => n + l.length, 0);
  const bars = spec.categories.length * Math.max(spec.series.length, 1);
  const lineHeight = Math.round(font.size * 1.25);
  const height = Math.max(160, bars * 20 + lines * lineHeight + spec.categories.length * 8 + 80);
  const share = spec.unit === 'share';
  const config: ChartConfiguration<'bar', number[], string[]> = {
    type: 'bar',
    data: {
      labels,
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.values.map((v) => (v === null ? Number.NaN : v)),
        backgroundColor: COLOURS[s.colour % COLOURS.length],
        borderColor: BORDERS[s.colour % BORDERS.length],
        borderWidth: 1,
      })),
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: layout.responsive,
      maintainAspectRatio: false,
      devicePixelRatio: layout.devicePixelRatio,
      // Room for the longest value label ("100 pct.") right of the longest bar.
      layout: { padding: { left: 8, right: 60 } },
      scales: {
        x: {
          beginAtZero: true,
          ...(share ? { min: 0, max: 1 } : {}),
          grace: share ? 0 : '15%',
          ticks: { callback: (value) => figureValue(Number(value), spec.unit), font, color: '#3a3a3a', ...(share ? { stepSize: 0.2 } : {}) },
        },
        y: { ticks: { autoSkip: false, font, color: '#1a1a1a', padding: TICK_PADDING }, afterFit: (scale) => void (scale.width = Math.min(width * 0.5, labelWidth + TICK_PADDING + 8)) },
      },
      plugins: { legend: { position: 'bottom', labels: { font, color: '#1a1a1a' } } },
    },
    plugins: [whiteBackground, valueLabels(spec.unit, font)],
  };
  return { config, height };
}
