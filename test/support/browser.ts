// Headless Chromium for the browser tests: Debian's package (`.ci/run` installs it), driven by playwright-core,
// which gives every launch a new empty profile.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Whether to skip the browser tests: only on a developer's machine without Chromium (the quick start needs no
 * system package). Under CI they always run, so a missing browser fails rather than passing unseen.
 */
export const SKIP_WITHOUT_CHROMIUM = !existsSync(CHROMIUM_PATH) && process.env.CI !== 'true';
if (SKIP_WITHOUT_CHROMIUM)
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`,
  );

/** Screenshots the tests leave for people to look at. */
export const RESULTS_DIR = 'test-results';

export interface TestBrowser {
  browser: Browser;
  /** A new page, and what went wrong on it: uncaught errors, console errors, responses of 400 and above. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // Without the background-networking flags Chromium keeps dialling Google's hosts, which this sandbox refuses.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        // Chromium logs every 4xx/5xx response this way, without its URL: those are recorded below instead.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
          errors.push(`console: ${message.text()}`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400)
          errors.push(`http ${response.status()} ${new URL(response.url()).pathname}`);
      });
      return { page, errors };
    },
    close: () => browser.close(),
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
