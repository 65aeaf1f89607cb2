/**
 * Draws the report's figures with chart.js from the plain-data specs that src/report produces
 * (JSON in #figure-specs; no inline script, no CDN: chart.js is bundled from node_modules).
 * Grouped horizontal bars on one 0–100 pct. axis, Danish labels ("65 pct."), each group in its own
 * colour in every figure, category labels wrapped to the space they have (never cut off), a white
 * background so a downloaded PNG looks like the page, and one "Download PNG" button per figure.
 *
 * Without JavaScript the page shows each figure's table where the chart would be; here the chart
 * box is shown and the table folded away. Printing unfolds every table.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, type Plugin } from 'chart.js';
// The spec type is the server's own (a type-only import: nothing of src/ is bundled).
import type { FigureSpec } from '../../src/report/figures.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);

/** Dark blue (leaders) and light blue (caseworkers): distinct for colour-blind readers and in grayscale print. */
const COLOURS = ['#1d3f66', '#8db6dd', '#5a5a5a', '#d0d0d0'];
const BORDERS = ['#0d2440', '#3d6f9e', '#2b2b2b', '#8a8a8a'];
const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Arial, sans-serif', size: 12 };
const CSS_FONT = `${FONT.size}px ${FONT.family}`;
const TICK_PADDING = 6;

const danish = (value: number, unit: FigureSpec['unit']) => (unit === 'share' ? `${Math.round(value * 100)} pct.` : String(value));

const whiteBackground: Plugin = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Words wrapped into lines no wider than `width` pixels. */
function wrap(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  // A word wider than the space (e.g. "Kompetenceafdækningskurser" on a phone) is hyphenated.
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
 * Writes each bar's value at its end, as the report's figures do, and records on the canvas how
 * far the labels reach (data-label-left: the leftmost pixel of any category label; data-value-right:
 * the rightmost pixel of any value), so a test can see that nothing is cut off.
 */
const valueLabels = (unit: FigureSpec['unit']): Plugin => ({
  id: 'valueLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = CSS_FONT;
    ctx.fillStyle = '#1a1a1a';
    ctx.textBaseline = 'middle';
    let right = 0;
    chart.data.datasets.forEach((dataset, d) => {
      const meta = chart.getDatasetMeta(d);
      meta.data.forEach((bar, i) => {
        const value = dataset.data[i];
        if (typeof value !== 'number' || Number.isNaN(value)) return;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        const text = danish(value, unit);
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
    chart.canvas.dataset.labelLeft = String(Math.floor(left));
    chart.canvas.dataset.valueRight = String(Math.ceil(right));
    chart.canvas.dataset.width = String(chart.width);
    chart.canvas.dataset.axisMax = String(chart.scales.x?.max);
  },
});

function draw(canvas: HTMLCanvasElement, spec: FigureSpec): Chart {
  const box = canvas.parentElement!;
  box.hidden = false;
  const width = box.clientWidth || 600;
  const measurer = document.createElement('canvas').getContext('2d')!;
  measurer.font = CSS_FONT;
  // Labels get at most 40 % of the width (45 % on a phone), wrapped at word boundaries.
  const labelWidth = Math.max(90, width * (width < 500 ? 0.45 : 0.4) - TICK_PADDING - 8);
  const labels = spec.categories.map((c) => wrap(c, labelWidth, (s) => measurer.measureText(s).width));
  const lines = labels.reduce((n, l) => n + l.length, 0);
  const bars = spec.categories.length * Math.max(spec.series.length, 1);
  box.style.height = `${Math.max(160, bars * 20 + lines * 15 + spec.categories.length * 8 + 80)}px`;
  const share = spec.unit === 'share';
  return new Chart(canvas, {
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
      responsive: true,
      maintainAspectRatio: false,
      devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2),
      // Room for the longest value label ("100 pct.") right of the longest bar.
      layout: { padding: { right: 60 } },
      scales: {
        x: {
          beginAtZero: true,
          ...(share ? { min: 0, max: 1 } : {}),
          grace: share ? 0 : '15%',
          ticks: { callback: (value) => danish(Number(value), spec.unit), font: FONT, ...(share ? { stepSize: 0.2 } : {}) },
        },
        y: { ticks: { autoSkip: false, font: FONT, padding: TICK_PADDING }, afterFit: (scale) => void (scale.width = Math.min(width * 0.5, labelWidth + TICK_PADDING + 8)) },
      },
      plugins: { legend: { position: 'bottom', labels: { font: FONT } } },
    },
    plugins: [whiteBackground, valueLabels(spec.unit)],
  });
}

function downloadPng(canvas: HTMLCanvasElement, spec: FigureSpec): void {
  const link = document.createElement('a');
  link.download = `${spec.id}.png`;
  link.href = canvas.toDataURL('image/png');
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** Printing shows every table (a folded <details> would print folded); afterwards the page is as it was. */
function unfoldTablesForPrint(): void {
  let folded: HTMLDetailsElement[] = [];
  window.addEventListener('beforeprint', () => {
    const closed = Array.from(document.querySelectorAll<HTMLDetailsElement>('details.table-toggle:not([open])'));
    for (const d of closed) d.open = true;
    folded.push(...closed);
  });
  window.addEventListener('afterprint', () => {
    for (const d of folded) d.open = false;
    folded = [];
  });
}

function main(): void {
  const source = document.getElementById('figure-specs');
  if (!source?.textContent) return;
  const specs = JSON.parse(source.textContent) as FigureSpec[];
  for (const spec of specs) {
    const canvas = document.getElementById(`${spec.id}-canvas`);
    if (!(canvas instanceof HTMLCanvasElement) || spec.series.length === 0) continue;
    draw(canvas, spec);
    canvas.dataset.drawn = 'true';
    const details = canvas.closest('section')?.querySelector<HTMLDetailsElement>('details.table-toggle');
    if (details) details.open = false;
    const button = document.querySelector<HTMLButtonElement>(`button.download-png[data-figure="${spec.id}"]`);
    if (button) {
      button.hidden = false;
      button.addEventListener('click', () => downloadPng(canvas, spec));
    }
  }
  unfoldTablesForPrint();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
