/**
 * Real-browser tests: Debian's Chromium (/usr/bin/chromium, installed by .ci/run with apt-get)
 * driven by playwright-core — no browser download. If Chromium is missing the tests FAIL with
 * the command that installs it; they are never skipped silently.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type Running } from '../http/helpers.ts';

export const CHROMIUM = process.env.PRAKSIS_CHROMIUM ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium (or set PRAKSIS_CHROMIUM). .ci/run does this.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page; returns serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const violations = (await page.evaluate(`(async () => {
    if (!window.axe) { ${axeSource} }
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  })()`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Where the browser tests save their screenshots: a temporary directory, so `npm test` never
 * rewrites tracked files. To update the README's pictures on purpose:
 * `PRAKSIS_SCREENSHOTS_DIR=docs/screenshots npx vitest run test/e2e`.
 */
export const screenshotsDir = process.env.PRAKSIS_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'praksis-screenshots-'));

/** The app (submission rate limit off) and Chromium for one test file: started before its tests, closed after. */
export function appAndBrowser(): { app: Running; browser: Browser } {
  const env = {} as { app: Running; browser: Browser };
  beforeAll(async () => {
    env.app = await startApp({ config: { rateLimit: 'off' } });
    env.browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.app?.close();
  });
  return env;
}

/** The page's serious and critical axe violations, one readable line each, prefixed with `label`. */
export async function violationLines(page: Page, label: string): Promise<string[]> {
  return (await seriousViolations(page)).map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
