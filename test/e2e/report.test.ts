/**
 * The report as a published report shows it, in real Chromium on the demo data (the 2016 report):
 * no category or value label cut off at desktop and phone widths, each group in its own colour
 * also in single-group figures, one 0–100 pct. axis, every table where its chart would be without
 * JavaScript, and a compact print (no app header, every table printed, page numbers).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadDemo } from '../../src/services/demo.ts';
import { ADMIN_PASSWORD } from '../http/helpers.ts';
import { appAndBrowser, screenshotsDir, violationLines } from './browser.ts';

const env = appAndBrowser();
const report = '/admin/studies/integration_2016/report';

async function signedInPage(options: { width: number; height: number; javaScriptEnabled?: boolean }): Promise<Page> {
  const context = await env.browser.newContext({ viewport: { width: options.width, height: options.height }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  await page.goto(`${env.app.url}/admin/login`);
  await page.fill('input[name="login"]', 'admin');
  await page.fill('input[name="password"]', ADMIN_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  return page;
}

/** Pixels of the leaders' dark blue and the caseworkers' light blue in a canvas. */
const colourCounts = (page: Page, id: string) =>
  page.$eval(`#${id}-canvas`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let dark = 0;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (Math.abs(r - 0x1d) < 8 && Math.abs(g - 0x3f) < 8 && Math.abs(b - 0x66) < 8) dark += 1;
      if (Math.abs(r - 0x8d) < 8 && Math.abs(g - 0xb6) < 8 && Math.abs(b - 0xdd) < 8) light += 1;
    }
    return { dark, light };
  });

describe('the report in Chromium', { timeout: 180_000 }, () => {
  it('loads the demo', async () => {
    expect(await loadDemo(env.app.context)).toEqual({ loaded: true, responses: 201 });
  });

  for (const [name, width, height] of [['desktop', 1280, 900], ['phone', 375, 800]] as const) {
    it(`cuts no label off on a ${name} (${width} px): every category label starts inside its canvas, every value ends inside it`, async () => {
      const page = await signedInPage({ width, height });
      await page.goto(env.app.url + report);
      await page.waitForSelector('canvas[data-drawn="true"]');
      const charts = await page.$$eval('canvas[data-figure]', (list) =>
        list.map((c) => ({ id: c.id, drawn: (c as HTMLCanvasElement).dataset.drawn, left: Number((c as HTMLCanvasElement).dataset.labelLeft), right: Number((c as HTMLCanvasElement).dataset.valueRight), width: Number((c as HTMLCanvasElement).dataset.width) })),
      );
      expect(charts).toHaveLength(25);
      const clipped = charts.filter((c) => c.drawn !== 'true' || !(c.left >= 0) || !(c.right <= c.width));
      expect(clipped).toEqual([]);
      await page.locator('#figur-8').screenshot({ path: `${screenshotsDir}/figur-8-${name}.png` });
      await page.context().close();
    });
  }

  it('keeps the leaders dark blue and the caseworkers light blue, also in single-group figures, on one 0–100 pct. axis', async () => {
    const page = await signedInPage({ width: 1280, height: 900 });
    await page.goto(env.app.url + report);
    await page.waitForSelector('canvas[data-drawn="true"]');
    const both = await colourCounts(page, 'figur-1');
    expect(both.dark).toBeGreaterThan(300);
    expect(both.light).toBeGreaterThan(300);
    for (const id of ['figur-16', 'figur-22']) expect(await colourCounts(page, id)).toMatchObject({ light: 0 });
    for (const id of ['figur-17', 'figur-20']) {
      const c = await colourCounts(page, id);
      expect(c.dark, id).toBe(0);
      expect(c.light, id).toBeGreaterThan(300);
    }
    expect(new Set(await page.$$eval('canvas[data-figure]', (l) => l.map((c) => (c as HTMLCanvasElement).dataset.axisMax)))).toEqual(new Set(['1']));
    expect(await page.textContent('#figur-1 .difference')).toMatch(/p (<|=) 0,\d{3}/);
    expect(await page.textContent('body')).not.toContain('p = 0,000');
    expect(await violationLines(page, 'report')).toEqual([]);
    await page.context().close();
  });

  it('without JavaScript shows every figure\'s table where its chart would be, and no empty chart box', async () => {
    const page = await signedInPage({ width: 1280, height: 900, javaScriptEnabled: false });
    await page.goto(env.app.url + report);
    const blocks = await page.$$eval('section.figure-block', (list) =>
      list.map((s) => ({ id: s.id, box: (s.querySelector('.chart-box') as HTMLElement | null)?.offsetHeight ?? 0, table: (s.querySelector('table') as HTMLElement | null)?.offsetHeight ?? 0 })),
    );
    expect(blocks).toHaveLength(25);
    for (const b of blocks) {
      expect(b.box, b.id).toBe(0);
      expect(b.table, b.id).toBeGreaterThan(40);
    }
    await page.context().close();
  });

  it('prints compactly: no app header or controls, every table printed, page numbers', async () => {
    const page = await signedInPage({ width: 1280, height: 900 });
    await page.goto(env.app.url + report);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.waitForFunction(() => document.querySelectorAll('canvas[data-drawn="true"]').length === 25);
    expect(errors).toEqual([]);
    expect(await page.$$eval('details.table-toggle[open]', (l) => l.map((d) => d.closest('section')?.id))).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    const state = await page.evaluate(() => ({
      header: getComputedStyle(document.querySelector('.site-header')!).display,
      form: getComputedStyle(document.querySelector('.weighting-form')!).display,
      closed: document.querySelectorAll('details.table-toggle:not([open])').length,
      tables: Array.from(document.querySelectorAll('details.table-toggle table')).filter((t) => (t as HTMLElement).offsetHeight > 0).length,
      forcedBreaks: Array.from(document.querySelectorAll('.figure-block')).filter((b) => ['page', 'always'].includes(getComputedStyle(b).breakBefore)).length,
    }));
    expect(state).toMatchObject({ header: 'none', form: 'none', closed: 0, forcedBreaks: 0 });
    expect(state.tables).toBeGreaterThanOrEqual(25);
    const pdf = await page.pdf({ format: 'A4' });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    console.log(`report.pdf: ${pages} A4 pages, ${pdf.length} bytes`);
    expect(pages).toBeGreaterThan(5);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    expect(await page.$$eval('details.table-toggle[open]', (l) => l.length)).toBe(0);
    await page.context().close();
  });
});
