/** Answering respondent pages in Chromium, shared by the browser tests. */
import type { Page } from 'playwright-core';

/**
 * Answers every visible choice question on the current page: the first option, or the code given
 * in `choose`; the municipality when the page asks for it and one is given; "Andet, angiv" text
 * only where "Andet" is chosen (the server rejects it otherwise).
 */
export async function answerPage(page: Page, choose: Record<string, string> = {}, municipality?: string): Promise<void> {
  if (municipality !== undefined && (await page.$('select[name="kommune"]'))) await page.selectOption('select[name="kommune"]', municipality);
  const groups = await page.$$eval('fieldset.question:not([hidden])', (sets) => sets.map((s) => s.id.replace(/^q-/, '')));
  for (const id of groups) {
    const code = choose[id];
    const inputs = await page.$$(`#q-${id} input[name="${id}"]`);
    if (inputs.length === 0) continue;
    if (code) await page.check(`#q-${id} input[value="${code}"]`);
    else if (!(await page.isChecked(`#q-${id} input[name="${id}"] >> nth=0`))) await inputs[0]!.check();
  }
  for (const other of await page.$$('input[name$="_other"]:not([disabled])')) {
    const question = (await other.getAttribute('name'))!.replace(/_other$/, '');
    if (await page.isChecked(`input[name="${question}"][value="andet"]`).catch(() => false)) await other.fill('Mentor');
  }
}
