/**
 * Issue 19's scenario in real Chromium, end to end through the pages an evaluator and respondents
 * use: copy the 2016 study, add a question with a condition in the editor, publish, answer it in
 * the browser; change a label (cosmetic) and remove an option (breaking: refused without the
 * confirmation), publish again; a respondent who started on version 1 finishes on version 1, a new
 * one answers version 2; then responses.csv holds both versions with the right `version`, the
 * union of their columns, and the codebook and the figure notes name the change.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/export/csv-parse.ts';
import type { TQuestionnaire } from '../../src/survey/schema.ts';
import { ADMIN_PASSWORD, API_KEY } from '../http/helpers.ts';
import { answerPage } from './answer.ts';
import { appAndBrowser, violationLines } from './browser.ts';

const env = appAndBrowser();
const STUDY = 'integration_2027';
const QN = 'ledere';
const NEW = 'tolk_brugt';
const bearer = { authorization: `Bearer ${API_KEY}` };
/** The n-th municipality that takes part in the 2016 frame. */
const municipality = (n: number) => env.app.definitions.frames.get('dk_kommuner')!.municipalities.filter((m) => m.eligible)[n]!.code;

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(selector)]);
}

/** Answers pages until the thank-you page; `stopAfter` pages answered, it returns early (a respondent part-way). */
async function answer(page: Page, choose: Record<string, string>, municipality: string, stopAfter = Infinity): Promise<void> {
  for (let n = 0; n < 20; n++) {
    if (page.url().endsWith('/tak')) return;
    if (n === stopAfter) return;
    await answerPage(page, choose, municipality);
    await submit(page, 'button[value="next"]');
  }
  throw new Error(`never reached the thank-you page (at ${page.url()})`);
}

describe('issue 19 end to end', { timeout: 300_000 }, () => {
  it('copy, a conditional question, publish, answer; cosmetic + breaking; answers on both versions in one export', async () => {
    const problems: string[] = [];
    const admin = await env.browser.newPage();
    await admin.goto(`${env.app.url}/admin/login`);
    await admin.fill('input[name="login"]', 'admin');
    await admin.fill('input[name="password"]', ADMIN_PASSWORD);
    await submit(admin, 'button[type="submit"]');

    // Copy the template.
    await admin.goto(`${env.app.url}/admin/studies/integration_2016/copy`);
    await admin.fill('input[name="id"]', STUDY);
    await admin.fill('input[name="title"]', 'Integrationsindsatsen 2027');
    await submit(admin, 'form[action$="/copy"] button[type="submit"]');
    expect(await admin.content()).toContain(STUDY);

    // The editor: a new single question after the contract deadline, shown only for "Sjældent" or "Aldrig".
    const base = `${env.app.url}/admin/studies/${STUDY}/questionnaires/${QN}`;
    await admin.goto(`${base}/edit`);
    problems.push(...(await violationLines(admin, 'structure page')));
    const draft = (await (await fetch(`${env.app.url}/api/v1/studies/${STUDY}/questionnaires/${QN}/draft`, { headers: bearer })).json()) as TQuestionnaire;
    const sectionId = draft.sections.find((sec) => sec.questions.some((q) => q.id === 'kontrakt_frist'))!.id;
    await admin.goto(`${base}/edit/sections/${sectionId}/new-question?type=single`);
    await admin.fill('#f-text', 'Har I brugt tolk i samtalen om kontrakten?');
    await admin.fill('input[name="id"]', NEW);
    await admin.fill('#f-options-0-label', 'Ja');
    await admin.fill('#f-options-1-label', 'Nej');
    await admin.fill('#f-options-2-label', 'Ved ikke');
    await admin.check('#f-options-2-nonSubstantive');
    await admin.selectOption('#f-showIf-question', 'kontrakt_frist');
    await admin.selectOption('#f-showIf-operator', 'in');
    await admin.selectOption('#f-showIf-values', ['kontrakt_frist:sjaeldent', 'kontrakt_frist:aldrig']);
    problems.push(...(await violationLines(admin, 'question form')));
    await submit(admin, 'button[value="save"]');
    expect(admin.url()).toContain('gemt=1');

    // Publish version 1.
    await admin.goto(`${base}/versions`);
    problems.push(...(await violationLines(admin, 'versions page')));
    await submit(admin, 'form[action$="/publish"] button[type="submit"]');
    expect(await admin.textContent('main')).toMatch(/[Vv]ersion 1/);

    // Respondent A answers version 1 fully, with the condition met and "Nej".
    const a = await (await env.browser.newContext()).newPage();
    await a.goto(`${env.app.url}/s/${STUDY}/${QN}`);
    await a.click('text=Start spørgeskemaet');
    await answer(a, { kontrakt_frist: 'sjaeldent', [NEW]: 'nej' }, municipality(0));
    // Respondent B starts on version 1 and stops after the first page.
    const b = await (await env.browser.newContext()).newPage();
    await b.goto(`${env.app.url}/s/${STUDY}/${QN}`);
    await b.click('text=Start spørgeskemaet');
    await answer(b, { kontrakt_frist: 'aldrig', [NEW]: 'nej' }, municipality(1), 1);
    expect(b.url()).not.toMatch(/\/tak$/);

    // Version 2: "Altid" relabelled (cosmetic) and the new question's "Nej" removed (breaking).
    await admin.goto(`${base}/edit/questions/kontrakt_frist`);
    await admin.fill('#f-options-0-label', 'Altid (100 pct.)');
    await submit(admin, 'button[value="save"]');
    await admin.goto(`${base}/edit/questions/${NEW}`);
    // With JavaScript, the row's "Fjern" button takes the place of the no-JS "remove when saved" box.
    await admin.locator('#f-options-1-label').evaluate((el) => {
      let row = el.parentElement;
      while (row && !row.querySelector('button[type="button"]')) row = row.parentElement;
      (row!.querySelector('button[type="button"]') as HTMLButtonElement).click();
    });
    expect(await admin.$('#f-options-1-label')).toBeNull();
    await submit(admin, 'button[value="save"]');
    expect(admin.url()).toContain('gemt=1');
    await admin.goto(`${base}/versions`);
    expect(await admin.textContent('main')).toContain(`${NEW}: svarmuligheden »Nej« er fjernet`);
    await submit(admin, 'form[action$="/publish"] button[type="submit"]');
    problems.push(...(await violationLines(admin, 'publishing refused')));
    let versions = (await (await fetch(`${env.app.url}/api/v1/studies/${STUDY}/questionnaires/${QN}/versions`, { headers: bearer })).json()) as { version: number; change: string }[];
    expect(versions.map((v) => v.version)).toEqual([1]);
    await admin.check('#bekraeft');
    await submit(admin, 'form[action$="/publish"] button[type="submit"]');
    versions = (await (await fetch(`${env.app.url}/api/v1/studies/${STUDY}/questionnaires/${QN}/versions`, { headers: bearer })).json()) as { version: number; change: string }[];
    expect(versions.map((v) => [v.version, v.change])).toEqual([[1, 'additive'], [2, 'breaking']]);

    // B finishes on version 1 (choosing the option version 2 removed); C answers version 2.
    await answer(b, { kontrakt_frist: 'aldrig', [NEW]: 'nej' }, municipality(1));
    const c = await (await env.browser.newContext()).newPage();
    await c.goto(`${env.app.url}/s/${STUDY}/${QN}`);
    await c.click('text=Start spørgeskemaet');
    await answer(c, { kontrakt_frist: 'sjaeldent', [NEW]: 'ja' }, municipality(2));
    expect(await c.$(`#q-${NEW} input[value="nej"]`)).toBeNull();

    const stored = await env.app.store.responses.list({ study: STUDY });
    expect(stored.map((r) => [r.version, r.answers[NEW]]).sort()).toEqual([
      [1, 'nej'],
      [1, 'nej'],
      [2, 'ja'],
    ]);

    // One responses.csv: both versions, a version column, the union of the columns.
    const csv = await (await fetch(`${env.app.url}/api/v1/studies/${STUDY}/exports/responses.csv?weighting=none`, { headers: bearer })).text();
    const parsed = parseCsv(csv);
    const header = parsed.header;
    expect(header.slice(0, 3)).toEqual(['response_id', 'questionnaire', 'version']);
    expect(header).toContain(NEW);
    const col = (name: string) => header.indexOf(name);
    expect(parsed.rows.map((r) => [r[col('version')], r[col(NEW)]]).sort()).toEqual([
      ['1', 'nej'],
      ['1', 'nej'],
      ['2', 'ja'],
    ]);
    // The codebook lists both versions, and the removed option in version 1.
    const codebook = parseCsv(await (await fetch(`${env.app.url}/api/v1/studies/${STUDY}/exports/codebook.csv`, { headers: bearer })).text());
    const vcol = codebook.header.indexOf('version');
    const rowsOfNew = codebook.rows.filter((r) => r.includes(NEW));
    expect(new Set(rowsOfNew.map((r) => r[vcol]))).toEqual(new Set(['1', '2']));
    expect(rowsOfNew.some((r) => r[vcol] === '1' && r.includes('nej'))).toBe(true);
    expect(rowsOfNew.some((r) => r[vcol] === '2' && r.includes('nej'))).toBe(false);
    // Figur 1's question changed between the versions: the report says so.
    const report = await admin.goto(`${env.app.url}/admin/studies/${STUDY}/report?weighting=none`);
    expect(report!.status()).toBe(200);
    expect(await admin.textContent('main')).toMatch(/ændret mellem version 1 og 2/);
    expect(problems).toEqual([]);
  });
});
