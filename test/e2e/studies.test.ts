/**
 * Studies and versions in real Chromium (no inline script under the strict CSP): copy the 2016
 * template, publish, replace the draft by a pasted JSON that removes an option (breaking: refused
 * without the checkbox, published with it); make a new study from the form (a refused post first),
 * publish it, answer it in test mode and archive it. axe finds nothing serious or critical on every page added.
 */
import { describe, expect, it } from 'vitest';
import type { TQuestionnaire } from '../../src/survey/schema.ts';
import { ADMIN_PASSWORD } from '../http/helpers.ts';
import { appAndBrowser, screenshotsDir, violationLines } from './browser.ts';

const env = appAndBrowser();

describe('studies and versions in Chromium', { timeout: 120_000 }, () => {
  it('copies the template and publishes (breaking needs the checkbox); a new study is answered in test mode; axe on every page', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    const check = async (label: string) => problems.push(...(await violationLines(page, label)));
    const submit = async (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);

    await page.goto(`${env.app.url}/admin/login`);
    await page.fill('input[name="login"]', 'admin');
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await submit('button[type="submit"]');
    await submit('a[href="/admin/studies"]');
    await check('study list');

    // Copy the 2016 template.
    await submit('a[href="/admin/studies/integration_2016/copy"]');
    await check('copy');
    await page.fill('input[name="id"]', 'Forkert id');
    await submit('form[action$="/copy"] button[type="submit"]');
    expect(await page.locator('.has-error .error-message').first().textContent()).toMatch(/lower-case letters/);
    await check('copy refused');
    await page.fill('input[name="id"]', 'integration_2027');
    await page.fill('input[name="title"]', 'Opfølgning 2027');
    await submit('form[action$="/copy"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('integration_2027');
    await check('study list with a copy');

    // Its settings, then publish the leaders' questionnaire (the first version: one button).
    await submit('a[href="/admin/studies/integration_2027/settings"]');
    await check('settings');
    await page.fill('input[name="contact.name"]', 'Mette Hansen');
    await page.fill('input[name="contact.email"]', 'ikke en adresse');
    await submit('form[action$="/settings"] button[type="submit"]');
    expect(await page.locator('#fejlopsummering').textContent()).toContain('contact.email');
    await check('settings refused');
    await page.fill('input[name="contact.email"]', 'mette@example.dk');
    await submit('form[action$="/settings"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('Indstillingerne er gemt');

    await page.goto(`${env.app.url}/admin/studies/integration_2027/questionnaires/ledere/versions`);
    await check('versions with a first draft');
    await submit('form[action$="/publish"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('Version 1 er offentliggjort');
    await check('versions after publishing');

    // Paste a draft without a "Ved ikke" option: a breaking change.
    const draft = (await (await fetch(`${env.app.url}/api/v1/studies/integration_2027/questionnaires/ledere/draft`, { headers: { authorization: 'Bearer test-api-key-0123456789abcdef' } })).json()) as TQuestionnaire;
    const question = draft.sections.flatMap((s) => s.questions).find((q) => 'options' in q && q.options.some((o) => o.nonSubstantive))! as Extract<TQuestionnaire['sections'][number]['questions'][number], { options: unknown }>;
    const removed = question.options.find((o) => o.nonSubstantive)!;
    question.options = question.options.filter((o) => o !== removed);
    await page.fill('#import-tekst', JSON.stringify(draft, null, 2));
    await submit('form[action$="/import"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('Kladden er erstattet');
    expect(await page.locator('label[for="bekraeft"]').textContent()).toContain(`svarmuligheden »${removed.label}« er fjernet`);
    await check('versions with a breaking draft');
    await submit('form[action$="/publish"] button[type="submit"]');
    expect(await page.locator('#fejlopsummering').textContent()).toContain('Ikke offentliggjort');
    await check('publishing refused');
    await page.check('#bekraeft');
    await submit('form[action$="/publish"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('Version 2 er offentliggjort');
    expect(await page.locator('table[aria-labelledby="versioner"] tbody tr').count()).toBe(2);
    await page.screenshot({ path: `${screenshotsDir}/versions.png`, fullPage: true });

    // A new study from the form: a refused post first, then one that is stored.
    await page.goto(`${env.app.url}/admin/studies/new`);
    await check('new study');
    await submit('form[action="/admin/studies"] button[type="submit"]');
    await check('new study refused');
    await page.fill('input[name="id"]', 'boligsocial_2027');
    await page.fill('input[name="title"]', 'Boligsocial evaluering 2027');
    await page.fill('input[name="organisation"]', 'Analyse & Tal');
    await page.fill('input[name="questionnaire.title"]', 'Spørgeskema til ledere');
    await submit('form[action="/admin/studies"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('boligsocial_2027');
    await page.goto(`${env.app.url}/admin/studies/boligsocial_2027/questionnaires/ledere/versions`);
    await submit('form[action$="/publish"] button[type="submit"]');

    // Test mode: the respondent's page with the banner; the answer is a test answer.
    await submit('a[href$="/questionnaires/ledere/test"]');
    expect(await page.locator('.test-banner').textContent()).toContain('Testtilstand');
    await check('test mode page');
    await page.selectOption('select[name="kommune"]', '147');
    await submit('#spoergeskema button[value="next"]');
    expect(await page.locator('h1').textContent()).toBe('Testsvaret er gemt');
    await check('test mode thanks');
    expect(await env.app.store.responses.count({ study: 'boligsocial_2027' })).toBe(0);
    expect((await env.app.store.catalog.tests('boligsocial_2027', 'ledere')).length).toBe(1);
    await submit('a[href$="/questionnaires/ledere/versions"]');
    await check('versions with a test answer');
    await submit('form[action$="/test-answers/delete"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('1 testsvar er slettet');

    // Archive it: listed apart. A study import with problems lists them by JSON path.
    await submit('a[href="/admin/studies/boligsocial_2027/settings"]');
    await submit('form[action$="/archive"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('Studiet er arkiveret');
    await check('settings of an archived study');
    await page.goto(`${env.app.url}/admin/studies`);
    expect(await page.locator('table[aria-labelledby="arkiverede"]').textContent()).toContain('Boligsocial evaluering 2027');
    await check('study list with an archived study');
    await page.goto(`${env.app.url}/admin/studies/new`);
    await page.fill('#import-tekst', '{"id": "x", "questionnaires": []}');
    await submit('form[action="/admin/studies/import"] button[type="submit"]');
    expect(await page.locator('.error-summary').textContent()).toContain('organisation');
    await check('study import refused');

    expect(cspErrors).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
