/**
 * The evaluator in real Chromium: sign in, create invitations, watch the response rate move
 * after a submission, open the report, check that every chart has drawn bars (pixels), download
 * a figure as PNG and a table as CSV; axe on the dashboard and the report; screenshots.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { ADMIN_PASSWORD, questionnaireByGroup, theStudy } from '../http/helpers.ts';
import { apiAnswers, fullPlan } from '../http/walk.ts';
import { appAndBrowser, screenshotsDir, seriousViolations, violationLines } from './browser.ts';

const env = appAndBrowser();

describe('evaluator in Chromium', { timeout: 120_000 }, () => {
  it('axe itself finds a known violation (the check can fail)', async () => {
    const page = await env.browser.newPage();
    await page.setContent('<!doctype html><html><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>');
    const ids = (await seriousViolations(page)).map((v) => v.id);
    expect(ids).toContain('image-alt');
    await page.close();
  });

  it('signs in, invites, sees the rate move, opens the report with drawn charts, downloads PNG and CSV', async () => {
    const context = await env.browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const check = async (label: string) => problems.push(...(await violationLines(page, label)));

    await page.goto(`${env.app.url}/admin`);
    await check('login');
    await page.fill('input[name="login"]', 'admin');
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await check('admin start');
    await Promise.all([page.waitForNavigation(), page.click('text=Dataindsamling: links')]);
    await check('fieldwork dashboard');

    // Make links for two municipalities for the leaders (the page says how many), then download them as CSV.
    const form = page.locator('form[action$="/invitations"]').first();
    await form.locator('input[value="list"]').check();
    await form.locator('input[name="codes"]').fill('147, 851');
    await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
    const section = page.locator('section#fw-ledere, section:has(h2#fw-ledere)').first();
    expect(await section.textContent()).toContain('2 nye links oprettet; 0 kommuner havde allerede et link');
    await check('fieldwork dashboard with links');
    const [download] = await Promise.all([page.waitForEvent('download'), section.locator('a[href*="links.csv"]').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const url = /"147","Frederiksberg","Region Hovedstaden","ledere","([^"]+)"/.exec(csv)![1]!;
    await page.reload();
    expect(await section.textContent()).toMatch(/0\s+af 93 inviterede kommuner har svaret via deres link/);

    // A leader answers through the link (API with the token); the rate moves.
    const qn = questionnaireByGroup(theStudy(env.app.definitions), /leder/i);
    const token = new URL(url).pathname.split('/').pop()!;
    const res = await fetch(`${env.app.url}/api/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, answers: apiAnswers(qn, fullPlan('147')).answers }) });
    expect(res.status).toBe(201);
    await page.reload();
    expect(await page.locator('section:has(h2#fw-ledere)').first().textContent()).toMatch(/1\s+af 93 inviterede kommuner har svaret via deres link/);

    // The report (with the demo responses added): every chart canvas has drawn bars.
    const study = theStudy(env.app.definitions);
    await env.app.store.responses.addMany(generateDemoResponses(study, env.app.definitions.frames.get(study.frame)!, { seed: 2016 }));
    await page.goto(`${env.app.url}/admin/studies/integration_2016/report`);
    await page.waitForSelector('canvas[data-drawn="true"]');
    const canvases = await page.$$eval('canvas[data-figure]', (list) =>
      list.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let bar = 0;
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if ((r < 60 && g < 90 && b > 80 && b < 130) || (r > 120 && r < 160 && g > 165 && g < 200 && b > 210)) bar += 1;
        }
        return { id: canvas.id, drawn: canvas.dataset.drawn === 'true', bar };
      }),
    );
    expect(canvases.length).toBe(25); // 19 figures and 6 appendix figures
    for (const c of canvases) {
      expect(c.drawn, c.id).toBe(true);
      expect(c.bar, `${c.id} has bar pixels`).toBeGreaterThan(500);
    }
    await check('report');
    await page.screenshot({ path: `${screenshotsDir}/report.png` });
    await page.locator('#figur-7').screenshot({ path: `${screenshotsDir}/figur-7.png` });

    // Download a figure as PNG and a table as CSV.
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('a.download-png[data-figure="figur-7"]')]);
    const bytes = await readFile((await png.path())!);
    expect(png.suggestedFilename()).toBe('integration_2016-figur-7.png');
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const [table] = await Promise.all([page.waitForEvent('download'), page.click('#figur-7 a:has-text("Hent CSV")')]);
    expect(await readFile((await table.path())!, 'utf8')).toMatch(/^"figure","question","group"/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
