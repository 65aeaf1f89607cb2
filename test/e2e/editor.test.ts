/**
 * The questionnaire editor in real Chromium under the strict CSP: a question built with the
 * keyboard alone (codes follow the labels as they are typed, live validation shows a problem next
 * to its field, the preview follows), and axe finds nothing serious or critical on any editor page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../http/helpers.ts';
import { copyOf2016, draftOf, QN, questionIn } from '../http/editor-helpers.ts';
import { appAndBrowser, violationLines } from './browser.ts';

const env = appAndBrowser();
const STUDY = 'browser_kopi';
/** axe's findings over both tests (the first adds the filled-in question form). */
const problems: string[] = [];

/** Presses Tab until the focused element matches `selector`. */
async function tabTo(page: Page, selector: string, max = 300): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${env.app.url}/admin/login`);
  await page.fill('input[name="login"]', 'admin');
  await page.fill('input[name="password"]', ADMIN_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

describe('the questionnaire editor in Chromium', { timeout: 180_000 }, () => {
  it('builds a question with the keyboard alone, with live codes, live validation and the preview', async () => {
    await copyOf2016(env.app, STUDY);
    const page = await env.browser.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await signIn(page);
    const base = `${env.app.url}/admin/studies/${STUDY}/questionnaires/${QN}/edit`;
    await page.goto(base);
    const section = (await draftOf(env.app, STUDY)).questionnaire.sections[1]!;

    // The structure page: Tab to the section's type list, choose "Enkeltvalg", Enter on its button.
    await tabTo(page, `#ny-type-${section.id}`);
    await page.keyboard.press('Home');
    await tabTo(page, `form[action$="/sections/${section.id}/new-question"] button`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(page.url()).toContain(`/sections/${section.id}/new-question?type=single`);

    await tabTo(page, '#f-text');
    await page.keyboard.type('Bruger kommunen tolke?');
    await tabTo(page, '#f-options-0-label');
    await page.keyboard.type('Ja, altid');
    expect(await page.inputValue('#f-options-0-code')).toBe('ja_altid');
    await tabTo(page, '#f-options-1-label');
    await page.keyboard.type('Nej');
    await tabTo(page, '#f-options-2-label');
    await page.keyboard.type('Ved ikke');
    expect(await page.inputValue('#f-options-2-code')).toBe('ved_ikke');
    await tabTo(page, '#f-options-2-nonSubstantive');
    await page.keyboard.press('Space');

    // A code typed by hand that is not a code: the live check shows the problem next to the field.
    await tabTo(page, '#f-options-1-code');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Nej Tak');
    await page.waitForSelector('#f-options-1-code-live');
    expect(await page.textContent('#f-options-1-code-live')).toContain('lower-case letters');
    expect(await page.getAttribute('#f-options-1-code', 'aria-invalid')).toBe('true');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('nej');
    await page.waitForSelector('#f-options-1-code-live', { state: 'detached' });
    // The preview is the respondent's markup of what is typed.
    await page.waitForFunction(() => document.querySelector('#editor-forhaandsvisning')?.textContent?.includes('Bruger kommunen tolke?'));
    expect(await page.locator('#editor-forhaandsvisning input[type="radio"]').count()).toBe(3);

    // A condition on an earlier question, chosen with the arrow keys.
    await tabTo(page, '#f-showIf-question');
    await page.keyboard.press('ArrowDown');
    const chosen = await page.inputValue('#f-showIf-question');
    expect(chosen).not.toBe('');
    // The answer list offers the chosen question's options only.
    const groups = await page.$$eval('#f-showIf-values optgroup', (list) => list.map((g) => ({ question: (g as HTMLElement).dataset.question, hidden: (g as HTMLElement).hidden })));
    expect(groups.filter((g) => !g.hidden).map((g) => g.question)).toEqual(groups.some((g) => g.question === chosen) ? [chosen] : []);
    await tabTo(page, '#f-showIf-operator');
    await page.keyboard.press('End');
    expect(await page.inputValue('#f-showIf-operator')).toBe('unanswered');

    problems.push(...(await violationLines(page, 'question form, filled in')));
    await tabTo(page, 'button[value="save"]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(page.url()).toMatch(/\/edit\?gemt=1#q-bruger_kommunen_tolke$/);
    expect(await page.textContent('[role="status"]')).toContain('Kladden er gemt');
    const saved = questionIn((await draftOf(env.app, STUDY)).questionnaire, 'bruger_kommunen_tolke');
    expect(saved).toEqual({
      id: 'bruger_kommunen_tolke', type: 'single', text: 'Bruger kommunen tolke?', required: true, showIf: { question: chosen, answered: false },
      options: [{ code: 'ja_altid', label: 'Ja, altid', nonSubstantive: false, other: false }, { code: 'nej', label: 'Nej', nonSubstantive: false, other: false }, { code: 'ved_ikke', label: 'Ved ikke', nonSubstantive: true, other: false }],
    });
    expect(cspErrors).toEqual([]);
    await page.close();
  });

  it('axe finds nothing serious or critical on any editor page', async () => {
    const page = await env.browser.newPage();
    await signIn(page);
    const base = `${env.app.url}/admin/studies/${STUDY}/questionnaires/${QN}/edit`;
    const draft = (await draftOf(env.app, STUDY)).questionnaire;
    const choice = draft.sections.flatMap((s) => s.questions).find((q) => q.type === 'scale' && q.figure)!;
    const number = draft.sections.flatMap((s) => s.questions).find((q) => q.type === 'text')!;
    const pages: [string, string][] = [
      ['structure page', base],
      ['template structure page', `${env.app.url}/admin/studies/integration_2016/questionnaires/${QN}/edit`],
      ['question form with a figure', `${base}/questions/${choice.id}`],
      ['text question form', `${base}/questions/${number.id}`],
      ['template question form', `${env.app.url}/admin/studies/integration_2016/questionnaires/${QN}/edit/questions/${choice.id}`],
      ['new question form', `${base}/sections/${draft.sections[0]!.id}/new-question?type=multi`],
      ['new municipality question form', `${base}/sections/${draft.sections[0]!.id}/new-question?type=municipality`],
      ['section form', `${base}/sections/${draft.sections[0]!.id}`],
      ['new section form', `${base}/new-section`],
      ['questionnaire form', `${base}/questionnaire`],
    ];
    for (const [label, url] of pages) {
      await page.goto(url);
      problems.push(...(await violationLines(page, label)));
    }
    // The pages as a refused save shows them: the error summary and the messages next to the fields.
    await page.goto(`${base}/questions/${choice.id}`);
    await page.fill('#f-options-0-label', '');
    await page.fill('#f-options-1-label', '');
    await page.fill('#f-figure-number', 'nul');
    await Promise.all([page.waitForNavigation(), page.click('button[value="save"] >> nth=0')]);
    expect(await page.textContent('#fejlopsummering')).toContain('intet er gemt');
    problems.push(...(await violationLines(page, 'question form with problems')));
    await page.goto(`${base}/sections/${draft.sections[0]!.id}`);
    await page.fill('#f-title', '');
    await Promise.all([page.waitForNavigation(), page.click('form.editor-form button[type="submit"]')]);
    problems.push(...(await violationLines(page, 'section form with a problem')));
    expect(problems).toEqual([]);
    await page.close();
  });
});
