/**
 * The audit in real Chromium: sign in, open the journalanalyse, enter one case by hand (dates
 * typed dd-mm-åååå, »ukendt« ticked, a follow-up row added without JavaScript) and see its
 * outcomes; a mistyped date is named and kept; the results page draws its figures. axe on every
 * new page.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, API_KEY } from '../http/helpers.ts';
import { appAndBrowser, violationLines } from './browser.ts';
import { fixture } from '../audit/helpers.ts';

const env = appAndBrowser();

describe('the audit in Chromium', { timeout: 120_000 }, () => {
  it('enters one case by hand and sees its outcomes; the pages pass axe', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const check = async (label: string) => problems.push(...(await violationLines(page, label)));

    await page.goto(`${env.app.url}/admin`);
    await page.fill('input[name="login"]', 'admin');
  await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await Promise.all([page.waitForNavigation(), page.click('text=Journalanalyser: sager')]);
    await check('audits');
    await Promise.all([page.waitForNavigation(), page.click('text=Journalanalyse: integrationskontrakter')]);
    await check('audit');
    await Promise.all([page.waitForNavigation(), page.click('text=Indtast en ny sag')]);
    await check('new case');

    await page.fill('#f-case_id', 'H01');
    await page.fill('#f-municipality', 'Kommune C');
    await page.fill('#f-takeover_date', '15-01-2014');
    await page.fill('#f-contract_date', '20-02-2014');
    await page.check('#f-on_benefits-ja');
    await page.check('#f-health_offer_date_ukendt');
    await page.fill('#f-review_date', '31-13-2015');
    await page.fill('#f-ev_followup_0', '10-05-2014');
    await Promise.all([page.waitForNavigation(), page.click('button[name="add"][value="followup"]')]);
    expect(await page.locator('input[name^="ev_followup_"][type="text"]').count()).toBe(4);
    expect(await page.inputValue('#f-ev_followup_0')).toBe('10-05-2014');
    await Promise.all([page.waitForNavigation(), page.click('text=Gem sagen')]);

    // The mistyped review date is named; what was typed is kept.
    expect(await page.locator('#fejlopsummering').textContent()).toMatch(/Sagen gennemgået: »31-13-2015« er ikke en dato/);
    expect(await page.inputValue('#f-contract_date')).toBe('20-02-2014');
    expect(await page.isChecked('#f-health_offer_date_ukendt')).toBe(true);
    await check('case with a problem');
    await page.fill('#f-review_date', '30-06-2015');
    await Promise.all([page.waitForNavigation(), page.click('text=Gem sagen')]);

    const outcomes = (await page.locator('section[aria-labelledby="udfald"]').innerText()).replace(/\s+/g, ' ');
    // Contract: deadline 15-02-2014, signed 20-02-2014 → late; the follow-up 10-05-2014 is within 3 months of the contract.
    expect(outcomes).toMatch(/Sagen 15-02-2014 For sent/);
    expect(outcomes).toMatch(/Opfølgningskontakt 1 \(10-05-2014\) 20-05-2014 Rettidigt/);
    expect(outcomes).toMatch(/Kan ikke vurderes/);
    await check('saved case');
    await page.goto(`${env.app.url}/admin/audits/journal_2016/agreement`);
    await check('double entry');
    await page.goto(`${env.app.url}/admin/audits/journal_2016/second/new`);
    await check('second entry form');

    // The results page draws its figures with the report's chart bundle.
    await fetch(`${env.app.url}/api/v1/audits/journal_2016/cases`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${API_KEY}` }, body: fixture('cases.csv') });
    await page.goto(`${env.app.url}/admin/audits/journal_2016/results`);
    await page.waitForSelector('canvas[data-drawn="true"]');
    expect(await page.locator('canvas[data-drawn="true"]').count()).toBe(5);
    expect(await page.locator('img.km-curve').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(900);
    await check('results');
    await context.close();
    expect(problems).toEqual([]);
  });
});
