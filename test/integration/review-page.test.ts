// Issue 5: the review page in real headless Chromium against the local pipeline and the local API server.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import { AUDIT_SK_PREFIX, draftPk } from '../../shared/pipeline/record.js';
import { AuditEntry } from '../../shared/review/model.js';
import type { TestBrowser } from '../support/browser.js';
import { launchBrowser, screenshot, SKIP_WITHOUT_CHROMIUM } from '../support/browser.js';
import {
  clients,
  drainReviewQueue,
  latest,
  names,
  publisher,
  recorded,
  startApi,
  upload,
} from './support.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';

const PUB = publisher('page');
const DOC = 'magnesium-ssri-adjunct.txt';
// A risky draft that also carries markup: the page must show it as text and never run it.
const INJECTED = `<script>window.__injected = 'script'</script> <img src="x" onerror="window.__injected = 'onerror'">`;
const DRAFT = readFileSync('test/fixtures/drafts/magnesium-ssri-adjunct.txt', 'utf8').replace(
  'Where magnesium comes from',
  `${INJECTED}\n\nWhere magnesium comes from`,
);

describe.skipIf(SKIP_WITHOUT_CHROMIUM)('the review page in Chromium', () => {
  let api: ReviewApiServer;
  let chromium: TestBrowser;

  beforeAll(async () => {
    await drainReviewQueue();
    [api, chromium] = await Promise.all([
      startApi([{ name: 'reviewer', role: 'reviewer' }]),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), chromium?.close()]);
  });

  it('a reviewer takes a flagged draft, sees its claims marked in the text, and approves it with a note', async () => {
    await upload(`drafts/${PUB}/${DOC}`, DRAFT);
    const [record] = await recorded(PUB, DOC);
    expect(record?.status).toBe('pending_review');
    const risky = (record?.result?.claims ?? []).filter((claim) => claim.riskLevel !== 'low');
    expect(risky.length).toBeGreaterThan(2);

    const { page, errors } = await chromium.newPage();
    await page.goto(`${api.url}/review.html#token=${api.tokens.reviewer}`);
    // The token leaves the address bar once read.
    await page.waitForFunction(
      () => !(globalThis as unknown as { location: URL }).location.hash.includes('token'),
    );
    await page.keyboard.press('n');
    await page.locator('mark.claim').first().waitFor();

    // Every risky claim is marked once, with its exact text from the draft.
    const marks = await page
      .locator('mark.claim')
      .evaluateAll((elements) =>
        elements.map((element) => ({ id: element.getAttribute('data-claim-id'), text: element.textContent })),
      );
    expect(marks.map((mark) => mark.id).sort()).toEqual(risky.map((claim) => claim.id).sort());
    for (const claim of risky) expect(marks.find((mark) => mark.id === claim.id)?.text).toBe(claim.text);
    expect(await page.locator('mark.claim', { hasText: 'boosts the effect of SSRIs' }).count()).toBe(1);
    await expect.poll(() => page.locator('.claim-card').count()).toBe(risky.length);
    await expect.poll(() => page.locator('#lease-timer').textContent()).toMatch(/^Lease 1[45]:\d\d$/);

    // The injected markup is on the page as text; it created no element and ran nothing.
    expect(await page.locator('.draft-text').textContent()).toContain(INJECTED);
    expect(await page.locator('.draft-text script, .draft-text img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __injected?: string }).__injected)).toBeUndefined();

    await screenshot(page, 'review-page');

    // Reject needs a note: the shortcut alone is refused on the page, and nothing is recorded.
    await page.keyboard.press('r');
    await expect.poll(() => page.locator('#flash').textContent()).toContain('say in the note');
    expect((await latest(PUB, DOC))?.status).toBe('pending_review');

    const note = 'Checked against the label: approved for the newsletter.';
    await page.locator('#decision-note').fill(note);
    await page.locator('#decision-note').press('Escape');
    await page.keyboard.press('a');
    await page.locator('[data-decided="approved"]').waitFor();

    const decided = await latest(PUB, DOC);
    expect(decided).toMatchObject({ status: 'approved', decidedBy: 'local-reviewer', decisionNote: note });
    const { Items = [] } = await clients.db.send(
      new QueryCommand({
        TableName: names.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': draftPk(PUB, DOC), ':audit': AUDIT_SK_PREFIX },
      }),
    );
    expect(Items.map((item) => AuditEntry.parse(item))).toEqual([
      expect.objectContaining({
        decision: 'approve',
        status: 'approved',
        by: 'local-reviewer',
        note,
        riskScore: record?.riskScore,
        policyVersion: record?.policyVersion,
      }),
    ]);
    expect(errors).toEqual([]);
  });
});
