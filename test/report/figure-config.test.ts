/**
 * The one chart configuration of a report figure (src/charts/figure-config.ts, used by the page and
 * the server's PNGs): long category labels are wrapped to the label column, never cut, and the
 * colours, axis and value labels are the report's.
 */
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { barChart, cssFont, figureValue, wrap } from '../../src/charts/figure-config.ts';
import type { FigureSpec } from '../../src/report/figures.ts';

const FONT = { family: 'DejaVu Sans, sans-serif', size: 12 };
const ctx = createCanvas(10, 10).getContext('2d');
ctx.font = cssFont(FONT);
const measure = (s: string) => ctx.measureText(s).width;

const spec: FigureSpec = {
  id: 'figur-8',
  number: 'Figur 8',
  title: 'Hvordan sikres det, at udlændingen forstår integrationskontraktens mål?',
  categories: ['Der afholdes kurser eller informationsmøder om kontrakten, rettigheder og pligter', 'Kompetenceafdækningskurser', 'Andet, angiv'],
  series: [
    { label: 'Ledere', colour: 0, values: [0.25, 0.5, null] },
    { label: 'Praktikere', colour: 1, values: [0.14, 0.3, 0.1] },
  ],
  unit: 'share',
  caption: 'Kilde: LG Insight (Ledere/N=67, praktikere/N=122)',
  notes: [],
};

describe('the figure chart configuration', () => {
  it('wraps every label into lines that fit the label column at desktop and phone widths, losing no word', () => {
    for (const width of [760, 375]) {
      const { config } = barChart(spec, { width, measure, font: FONT, responsive: false, devicePixelRatio: 1 });
      const labels = config.data.labels!;
      const column = Math.max(90, width * (width < 500 ? 0.45 : 0.4) - 14);
      labels.forEach((lines, k) => {
        for (const line of lines) expect(measure(line), `${width}px: ${line}`).toBeLessThanOrEqual(column);
        expect(lines.join(' ').replace(/- /g, ''), `${width}px`).toBe(spec.categories[k]);
      });
      expect(labels[0]!.length).toBeGreaterThan(1);
    }
  });

  it('hyphenates a word wider than the space', () => {
    const lines = wrap('Kompetenceafdækningskurser', 60, measure);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(0, -1).every((l) => l.endsWith('-'))).toBe(true);
    expect(lines.join('').replace(/-/g, '')).toBe('Kompetenceafdækningskurser');
  });

  it('keeps each group in its colour, one 0–100 pct. axis, Danish value labels and an empty bar for a missing value', () => {
    const { config, height } = barChart({ ...spec, series: [spec.series[1]!] }, { width: 760, measure, font: FONT, responsive: false, devicePixelRatio: 1 });
    expect(config.data.datasets[0]!.backgroundColor).toBe('#8db6dd');
    const x = config.options!.scales!.x as { min?: number; max?: number };
    expect([x.min, x.max]).toEqual([0, 1]);
    expect(height).toBeGreaterThanOrEqual(160);
    expect(figureValue(0.648, 'share')).toBe('65 pct.');
    expect(figureValue(12, 'count')).toBe('12');
    const leaders = barChart(spec, { width: 760, measure, font: FONT, responsive: false, devicePixelRatio: 1 }).config.data.datasets[0]!;
    expect(leaders.backgroundColor).toBe('#1d3f66');
    expect(Number.isNaN(leaders.data[2])).toBe(true);
  });
});
