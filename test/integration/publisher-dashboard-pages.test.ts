// Issue 6: the publisher page and the dashboard in real headless Chromium against the local pipeline.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import type { TestBrowser } from '../support/browser.js';
import { launchBrowser, screenshot, SKIP_WITHOUT_CHROMIUM } from '../support/browser.js';
import { visibleTextProblems } from '../support/visible-text.js';
import { defaultPolicy } from '../../shared/policy/index.js';
import { genreExplained } from '../../shared/report/advice.js';
import { titlesOf } from '../../shared/report/words.js';
import { latest, publisher, startApi } from './support.js';

const PUB = publisher('pages');
// A sample that needs review: the report shows its flagged claims, and the dashboard counts it as flagged.
const DOC = 'turmeric-joint-pain.md';
const DRAFT = readFileSync(`samples/${DOC}`);

describe.skipIf(SKIP_WITHOUT_CHROMIUM)('the publisher page and the dashboard in Chromium', () => {
  let api: ReviewApiServer;
  let chromium: TestBrowser;

  beforeAll(async () => {
    [api, chromium] = await Promise.all([
      startApi([
        { name: 'publisher', role: 'publisher', publisherId: PUB },
        { name: 'viewer', role: 'viewer' },
      ]),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), chromium?.close()]);
  });

  it(
    'a publisher uploads a draft on its page and reads the report; the dashboard counts and lists it',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await chromium.newPage();
      await page.goto(`${api.url}/publisher.html#token=${api.tokens.publisher}`);
      await page.locator('.recent').getByText('Nothing uploaded yet').waitFor();
      await page
        .locator('#draft-file')
        .setInputFiles({ name: DOC, mimeType: 'text/markdown', buffer: DRAFT });

      // The page went to S3 itself and waited for the pipeline's result: the report matches the stored record.
      await page
        .locator('.verdict')
        .waitFor({ timeout: 30_000 })
        .catch(async (error: unknown) => {
          await screenshot(page, 'publisher-page-failed');
          console.error(errors);
          throw error;
        });
      const record = await latest(PUB, DOC);
      expect(record?.key).toBe(`drafts/${PUB}/${DOC}`);
      expect(await page.locator('.verdict').getAttribute('data-status')).toBe(record?.status);
      const risky = (record?.result?.claims ?? []).filter((claim) => claim.riskLevel !== 'low');
      expect(risky.length).toBeGreaterThan(0);
      await expect.poll(() => page.locator('mark.claim').count()).toBe(risky.length);
      for (const claim of risky)
        expect(await page.locator(`mark.claim[data-claim-id="${claim.id}"]`).textContent()).toBe(claim.text);
      // Who is speaking and what follows, and how each claim is put: in the policy's words, from the stored result.
      const titles = titlesOf(defaultPolicy);
      const genre = genreExplained(record!.result!.genre!, titles);
      expect(await page.locator('.report .genre p').first().textContent()).toBe(
        `${genre.title}: ${genre.consequence}`,
      );
      expect(genre.title).toBe('Promotional');
      const assertions = await page.locator('.claim-card .assertion').allTextContents();
      expect(assertions).toEqual(
        [...risky].sort((a, b) => a.start - b.start).map((claim) => titles.assertion(claim.assertion!)),
      );
      expect(assertions).toContain('Asserted');
      // Each risky claim says what to change.
      expect(await page.locator('.claim-card .advice li').count()).toBeGreaterThanOrEqual(risky.length);
      await expect.poll(() => page.locator('.recent-list li').count()).toBe(1);
      // Words for people: titles, sentences and plurals, never an id.
      expect(await page.locator('.recent-list li').textContent()).toContain('Waiting for review');
      expect(await page.locator('.claim-card .badge-category').allTextContents()).toContain('Disease claim');
      expect(await visibleTextProblems(page)).toEqual([]);
      await screenshot(page, 'publisher-page');

      const dashboard = await chromium.newPage();
      await dashboard.page.goto(`${api.url}/dashboard.html?publisherId=${PUB}#token=${api.tokens.viewer}`);
      const processed = dashboard.page.locator('[data-tile="Processed"] .tile-value');
      await expect.poll(() => processed.textContent()).toBe('1');
      expect(record?.status).toBe('pending_review');
      expect(await dashboard.page.locator('[data-tile="Flagged"] .tile-value').textContent()).toBe('1');
      const rows = dashboard.page.locator('.draft-table tbody tr');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-document-id')).toBe(DOC);
      await dashboard.page.locator('.chart canvas').waitFor();
      expect(await dashboard.page.locator('.bars .bar-label').allTextContents()).toContain('Disease claim');
      expect(await visibleTextProblems(dashboard.page)).toEqual([]);
      await screenshot(dashboard.page, 'dashboard-page');

      // The row opens the draft's report.
      await rows.first().getByRole('link').click();
      await dashboard.page.locator('.verdict').waitFor();
      expect(await dashboard.page.locator('.doc-title').textContent()).toBe(DOC);
      await dashboard.page.locator('.history').waitFor();
      expect(await visibleTextProblems(dashboard.page)).toEqual([]);

      // Signed out (no token): a sentence saying what to do, without Markdown's backticks.
      const signedOut = await chromium.newPage();
      await signedOut.page.goto(`${api.url}/review.html`);
      await signedOut.page.getByText('Not signed in').waitFor();
      expect(await visibleTextProblems(signedOut.page)).toEqual([]);
      // The page polls the report until the result exists: 404s there, and nothing else went wrong.
      const reportPath = `/drafts/${encodeURIComponent(DOC)}/versions/${record?.version}/report`;
      expect(errors.filter((error) => error !== `http 404 ${reportPath}`)).toEqual([]);
      expect(dashboard.errors).toEqual([]);
    },
  );
});
