/**
 * Fieldwork in real Chromium: a draft survives a reminder (the reminder carries the same link and the
 * browser continues where it left off), and the "Andet, angiv" text box appears with its option.
 */
import { describe, expect, it } from 'vitest';
import { API_KEY, Client, csrfTokenOf, signIn } from '../http/helpers.ts';
import { appAndBrowser, violationLines } from './browser.ts';

const env = appAndBrowser();

describe('fieldwork in Chromium', { timeout: 120_000 }, () => {
  it('a caseworker answers page 1, gets a reminder with the same link and continues on page 2', async () => {
    const res = await fetch(`${env.app.url}/api/v1/studies/integration_2016/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionnaire: 'praktikere', municipalities: ['851'], uses: 3 }),
    });
    const [link] = (await res.json()) as { url: string }[];
    const path = new URL(link!.url).pathname;
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.app.url}${path}`);
    await Promise.all([page.waitForNavigation(), page.click('text=Start spørgeskemaet')]);
    for (const id of await page.$$eval('fieldset.question:not([hidden])', (sets) => sets.map((s) => s.id.replace(/^q-/, '')))) {
      if ((await page.$$(`#q-${id} input[name="${id}"]:checked`)).length === 0) await page.check(`#q-${id} input[name="${id}"][value]:not([value="andet"]) >> nth=0`);
    }
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('button[value="next"]')]);
    expect(await page.$eval('#spoergeskema', (f) => f.getAttribute('action'))).toMatch(/\/p\/2$/);

    // The evaluator sends a reminder (the mail-merge CSV): it holds the same link.
    const evaluator = new Client(env.app.url);
    await signIn(evaluator);
    const csrf = csrfTokenOf(await (await evaluator.get('/admin/studies/integration_2016/fieldwork')).text());
    const csv = await (await evaluator.postForm('/admin/studies/integration_2016/reminders', { _csrf: csrf, questionnaire: 'praktikere' })).text();
    const reminded = /"851",[^\n]*"(http[^"]+)"/.exec(csv)![1]!;
    expect(new URL(reminded).pathname).toBe(path);

    // The respondent opens the reminder's link in the same browser: the draft is there, at page 2.
    await page.goto(`${env.app.url}${new URL(reminded).pathname}`);
    expect(await page.textContent('body')).toContain('Fortsæt, hvor du slap');
    await Promise.all([page.waitForNavigation(), page.click('text=Fortsæt, hvor du slap')]);
    expect(await page.$eval('#spoergeskema', (f) => f.getAttribute('action'))).toMatch(/\/p\/2$/);
    expect(await violationLines(page, 'resumed after a reminder')).toEqual([]);
    await context.close();
  });

  it('shows the "Andet, angiv" box only with its option, and typing in it keeps "Andet" chosen', async () => {
    const page = await env.browser.newPage();
    await page.goto(`${env.app.url}/s/integration_2016/ledere/p/1`);
    const box = page.locator('#rolle_other');
    expect(await box.isVisible()).toBe(false);
    await page.check('#q-rolle input[value="andet"]');
    expect(await box.isVisible()).toBe(true);
    await box.fill('Integrationskoordinator');
    expect(await page.isChecked('#q-rolle input[value="andet"]')).toBe(true);
    expect(await violationLines(page, 'andet')).toEqual([]);
    await page.close();
  });
});
