/**
 * Figures as PNG, drawn on the server with chart.js on @napi-rs/canvas (no browser): a generic
 * horizontal-bar figure (its number and title above, the bars with "pct." labels, the caption with
 * N below) and a step curve (a Kaplan–Meier curve). Plain data in, PNG bytes out. The survey
 * report's figures are drawn by ./report-png.ts with the page's own chart configuration.
 */
import { createCanvas } from '@napi-rs/canvas';
import { figureValue, whiteBackground } from './figure-config.ts';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, SubTitle, Title, type ChartConfiguration, type Plugin } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Title, SubTitle, Legend);

export interface BarFigure {
  /** "Figur 11" */
  number: string;
  title: string;
  /** Category labels, top to bottom. */
  categories: string[];
  series: { label: string; values: (number | null)[] }[];
  /** 'share': proportions shown as "65 pct."; 'count': plain numbers. */
  unit: 'share' | 'count';
  /** "Kilde: …, N=96" */
  caption: string;
}

export interface StepFigure {
  /** "Figur 14", or empty for a figure without a number. */
  number: string;
  title: string;
  /** The curve's points (x ascending); drawn as steps. */
  x: number[];
  y: number[];
  xLabel: string;
  yLabel: string;
  caption: string;
}

const WIDTH = 900;
const FONT = 'DejaVu Sans, sans-serif';
const COLOURS = ['#1d3f66', '#8db6dd', '#5a5a5a', '#d0d0d0'];



const valueLabels = (unit: BarFigure['unit']): Plugin => ({
  id: 'valueLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = `13px ${FONT}`;
    ctx.fillStyle = '#1a1a1a';
    ctx.textBaseline = 'middle';
    chart.data.datasets.forEach((dataset, d) => {
      chart.getDatasetMeta(d).data.forEach((bar, i) => {
        const value = dataset.data[i];
        if (typeof value !== 'number' || !Number.isFinite(value)) return;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        ctx.fillText(figureValue(value, unit), x + 5, y);
      });
    });
    ctx.restore();
  },
});

function render(config: ChartConfiguration, height: number): Buffer {
  const canvas = createCanvas(WIDTH, height);
  // chart.js draws on any object with a 2D context; outside a browser it uses its basic platform.
  const chart = new Chart(canvas as unknown as HTMLCanvasElement, config);
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}

const titles = (number: string, title: string, caption: string) => ({
  title: { display: true, text: number ? `${number}. ${title}` : title, align: 'start' as const, color: '#1a1a1a', font: { family: FONT, size: 16, weight: 'bold' as const }, padding: { bottom: 14 } },
  subtitle: { display: true, text: caption, position: 'bottom' as const, align: 'start' as const, color: '#3a3a3a', font: { family: FONT, size: 12 }, padding: { top: 12 } },
  legend: { display: false },
});

/** A horizontal-bar figure as PNG. */
export function barFigurePng(figure: BarFigure): Buffer {
  const bars = figure.categories.length * Math.max(figure.series.length, 1);
  const largest = Math.max(0.1, ...figure.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const max = figure.unit === 'share' ? Math.min(1, Math.ceil(largest * 11.5) / 10) : undefined;
  return render(
    {
      type: 'bar',
      data: {
        labels: figure.categories,
        datasets: figure.series.map((s, k) => ({ label: s.label, data: s.values.map((v) => (v === null ? Number.NaN : v)), backgroundColor: COLOURS[k % COLOURS.length] })),
      },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: false,
        devicePixelRatio: 1,
        layout: { padding: { left: 12, right: 70, top: 12, bottom: 8 } },
        scales: {
          x: { beginAtZero: true, ...(max !== undefined ? { max } : {}), ticks: { font: { family: FONT, size: 12 }, callback: (v) => figureValue(Number(v), figure.unit) } },
          y: { ticks: { autoSkip: false, font: { family: FONT, size: 13 }, color: '#1a1a1a' } },
        },
        plugins: titles(figure.number, figure.title, figure.caption),
      },
      plugins: [whiteBackground, valueLabels(figure.unit)],
    },
    Math.max(220, bars * 34 + 150),
  );
}

/** A step curve (e.g. Kaplan–Meier: the share not yet signed by day x) as PNG. */
export function stepFigurePng(figure: StepFigure): Buffer {
  return render(
    {
      type: 'line',
      data: {
        labels: figure.x,
        datasets: [{ data: figure.y, stepped: 'before', borderColor: COLOURS[0], borderWidth: 2, pointRadius: 0, fill: false }],
      },
      options: {
        animation: false,
        responsive: false,
        devicePixelRatio: 1,
        layout: { padding: { left: 12, right: 24, top: 12, bottom: 8 } },
        scales: {
          x: { type: 'linear', title: { display: true, text: figure.xLabel, font: { family: FONT, size: 12 } }, ticks: { font: { family: FONT, size: 12 } } },
          y: { min: 0, max: 1, title: { display: true, text: figure.yLabel, font: { family: FONT, size: 12 } }, ticks: { font: { family: FONT, size: 12 }, callback: (v) => `${Math.round(Number(v) * 100)} pct.` } },
        },
        plugins: titles(figure.number, figure.title, figure.caption),
      },
      plugins: [whiteBackground],
    },
    460,
  );
}
