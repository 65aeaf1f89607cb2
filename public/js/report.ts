/**
 * Draws the report's figures with chart.js from the plain-data specs that src/report produces
 * (JSON in #figure-specs; no inline script, no CDN: chart.js is bundled from node_modules).
 * Grouped horizontal bars on one 0–100 pct. axis, Danish labels ("65 pct."), each group in its own
 * colour in every figure, category labels wrapped to the space they have (never cut off), a white
 * background. Each figure's "Hent PNG" link is the server's PNG of the same figure (no script needed).
 *
 * Without JavaScript the page shows each figure's table where the chart would be; here the chart
 * box is shown and the table folded away. Printing unfolds every table.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale } from 'chart.js';
// The chart's configuration is the server's own (src/charts/figure-config.ts, pure), so the page and the
// server's PNGs (GET …/figures/:figure.png) draw the same figure; the spec type is a type-only import.
import { barChart, cssFont } from '../../src/charts/figure-config.ts';
import type { FigureSpec } from '../../src/report/figures.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);

const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Arial, sans-serif', size: 12 };

function draw(canvas: HTMLCanvasElement, spec: FigureSpec): Chart {
  const box = canvas.parentElement!;
  box.hidden = false;
  const width = box.clientWidth || 600;
  const measurer = document.createElement('canvas').getContext('2d')!;
  measurer.font = cssFont(FONT);
  const { config, height } = barChart(spec, { width, measure: (s) => measurer.measureText(s).width, font: FONT, responsive: true, devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2) });
  box.style.height = `${height}px`;
  return new Chart(canvas, config);
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
  }
  unfoldTablesForPrint();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
