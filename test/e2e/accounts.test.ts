/**
 * Issue 18 in real Chromium: the account pages work without inline script under the strict CSP,
 * and axe finds nothing serious or critical on the user list (with a one-time password shown),
 * "Min konto" (with a new key shown) and the activity log.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../http/helpers.ts';
import { appAndBrowser, violationLines } from './browser.ts';

const env = appAndBrowser();

describe('account pages in Chromium', { timeout: 120_000 }, () => {
  it('an admin adds a user, makes a key and reads the log; axe finds nothing serious', async () => {
    const page = await env.browser.newPage();
    const problems: string[] = [];
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${env.app.url}/admin/login`);
    await page.fill('input[name="login"]', 'admin');
    await page.fill('input[name="password"]', ADMIN_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/users"]')]);
    problems.push(...(await violationLines(page, 'users')));

    const add = page.locator('form[action="/admin/users"]');
    await add.locator('input[name="name"]').fill('Lis Læser');
    await add.locator('input[name="login"]').fill('lis');
    await add.locator('select[name="role"]').selectOption('viewer');
    await add.locator('input[name="studies"]').first().check();
    await Promise.all([page.waitForNavigation(), add.locator('button[type="submit"]').click()]);
    expect(await page.locator('code.secret').textContent()).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await page.locator('table').textContent()).toContain('lis');
    problems.push(...(await violationLines(page, 'users with a one-time password')));

    await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/account"]')]);
    problems.push(...(await violationLines(page, 'my account')));
    await page.fill('input[name="name"]', 'R på min pc');
    await Promise.all([page.waitForNavigation(), page.click('text=Lav en ny nøgle')]);
    expect(await page.locator('code.secret').textContent()).toMatch(/^pk_/);
    problems.push(...(await violationLines(page, 'my account with a new key')));

    await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/log"]')]);
    expect(await page.locator('tbody').textContent()).toContain('user-add');
    problems.push(...(await violationLines(page, 'log')));
    expect(problems).toEqual([]);
    expect(cspErrors).toEqual([]);
    await page.close();
  });
});
