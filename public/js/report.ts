/**
 * Draws the report's figures with chart.js from the plain-data specs that src/report produces
 * (JSON in #figure-specs; no inline script, no CDN: chart.js is bundled from node_modules).
 * Grouped horizontal bars, Danish labels ("65 pct."), a white background so a downloaded PNG
 * looks like the page, and one "Download PNG" button per figure.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, type Plugin } from 'chart.js';
// The spec type is the server's own (a type-only import: nothing of src/ is bundled).
import type { FigureSpec } from '../../src/report/figures.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);


/** Dark blue and light blue: distinct for colour-blind readers and in grayscale print. */
const COLOURS = ['#1d3f66', '#8db6dd', '#5a5a5a', '#d0d0d0'];
const BORDERS = ['#0d2440', '#3d6f9e', '#2b2b2b', '#8a8a8a'];

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

/** Writes each bar's value at its end, as the report's figures do. */
const valueLabels = (unit: FigureSpec['unit']): Plugin => ({
  id: 'valueLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = '#1a1a1a';
    ctx.textBaseline = 'middle';
    chart.data.datasets.forEach((dataset, d) => {
      const meta = chart.getDatasetMeta(d);
      meta.data.forEach((bar, i) => {
        const value = dataset.data[i];
        if (typeof value !== 'number') return;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        ctx.fillText(danish(value, unit), x + 4, y);
      });
    });
    ctx.restore();
  },
});

function draw(canvas: HTMLCanvasElement, spec: FigureSpec): Chart {
  const box = canvas.parentElement;
  const bars = Number(box?.dataset.bars ?? spec.categories.length);
  if (box) box.style.height = `${Math.max(160, bars * 22 + spec.categories.length * 10 + 70)}px`;
  const largest = Math.max(0.1, ...spec.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const max = spec.unit === 'share' ? Math.min(1, Math.ceil(largest * 11.5) / 10) : undefined;
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: spec.categories,
      datasets: spec.series.map((s, k) => ({
        label: s.label,
        data: s.values.map((v) => (v === null ? Number.NaN : v)),
        backgroundColor: COLOURS[k % COLOURS.length],
        borderColor: BORDERS[k % BORDERS.length],
        borderWidth: 1,
      })),
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2),
      layout: { padding: { right: 56 } },
      scales: {
        x: {
          beginAtZero: true,
          ...(max !== undefined ? { max } : {}),
          ticks: { callback: (value) => danish(Number(value), spec.unit) },
        },
        y: { ticks: { autoSkip: false } },
      },
      plugins: { legend: { position: 'bottom' } },
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

function main(): void {
  const source = document.getElementById('figure-specs');
  if (!source?.textContent) return;
  const specs = JSON.parse(source.textContent) as FigureSpec[];
  for (const spec of specs) {
    const canvas = document.getElementById(`${spec.id}-canvas`);
    if (!(canvas instanceof HTMLCanvasElement) || spec.series.length === 0) continue;
    draw(canvas, spec);
    canvas.dataset.drawn = 'true';
    const button = document.querySelector<HTMLButtonElement>(`button.download-png[data-figure="${spec.id}"]`);
    if (button) {
      button.hidden = false;
      button.addEventListener('click', () => downloadPng(canvas, spec));
    }
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
