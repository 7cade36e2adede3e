// Issue 11, failure 2: a 5 MB claim-dense flagged draft is leased, read and decided, and every answer of the
// review API stays under Lambda's 6 MB response limit: the text comes as a presigned GET, the claims cut to
// the riskiest with the totals, and the full result is a presigned GET away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDenseDraft } from '../../bench/large-drafts.js';
import type { ReviewApiServer } from '../../local/review-api.js';
import { ModerationResult } from '../../shared/contract.js';
import { MAX_LISTED_CLAIMS } from '../../shared/analysis/claims.js';
import { MAX_DRAFT_BYTES } from '../../shared/pipeline/resources.js';
import type { PresignedGet } from '../../shared/review/model.js';
import { launchBrowser, screenshot, SKIP_WITHOUT_CHROMIUM } from '../support/browser.js';
import { NextResponse, ReportResponse } from '../../shared/review/model.js';
import { drainReviewQueue, history, publisher, startApi, until, upload } from './support.js';

const PUB = publisher('large');
const DOC = 'claim-dense.txt';
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

describe('a 5 MB claim-dense flagged draft', () => {
  let api: ReviewApiServer;
  const text = claimDenseDraft();
  let reviewed: { version: string; shown: number; flagged: number } | undefined;

  beforeAll(async () => {
    await drainReviewQueue();
    api = await startApi([
      { name: 'reviewer', role: 'reviewer' },
      { name: 'publisher', role: 'publisher', publisherId: PUB },
    ]);
  });
  afterAll(() => api?.stop());

  /** The raw answer, to weigh it as Lambda would. */
  async function raw(method: string, path: string, who: string, body?: unknown) {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${api.tokens[who]}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      bytes: bytes.byteLength,
      json: JSON.parse(bytes.toString('utf8')) as unknown,
    };
  }

  const fetchGet = async (get: PresignedGet | undefined) => {
    if (get === undefined) throw new Error('expected a presigned GET');
    const response = await fetch(get.url, { headers: get.headers });
    expect(response.status).toBe(200);
    return response.text();
  };

  it('is leased, read in full and decided, with every answer under 6 MB', { timeout: 180_000 }, async () => {
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_DRAFT_BYTES);
    await upload(`drafts/${PUB}/${DOC}`, text);
    const [record] = await until(
      'the large draft flagged and queued',
      async () => {
        const records = await history(PUB, DOC);
        return records[0]?.reviewEnqueuedAt !== undefined ? records : undefined;
      },
      150_000,
    );
    expect(record?.status).toBe('pending_review');
    expect(record?.reportKey).toBeDefined();
    const taken = await raw('POST', '/reviews/next', 'reviewer');
    expect(taken.status).toBe(200);
    expect(taken.bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    const lease = NextResponse.parse(taken.json);
    if (lease.empty) throw new Error('the draft should be leased');
    expect(lease.draft.documentId).toBe(DOC);
    // The text is too large to send: the presigned GET gives exactly the draft's bytes.
    expect(lease.text).toBeNull();
    expect(await fetchGet(lease.textUrl)).toBe(text);
    // The claims are cut to the riskiest, and say how many there are in all.
    const flagged = lease.totals.claims.high + lease.totals.claims.medium;
    expect(flagged).toBeGreaterThan(40_000);
    expect(lease.flaggedClaims.length).toBeGreaterThan(100);
    expect(lease.flaggedClaims.length).toBeLessThan(flagged);
    for (const claim of lease.flaggedClaims.slice(0, 50))
      expect(claim.context.text).toBe(text.slice(claim.start, claim.end));
    // The full result is a presigned GET away: it lists the riskiest claims a result may hold, and counts all.
    const full = ModerationResult.parse(JSON.parse(await fetchGet(lease.resultUrl)));
    expect(full.claims).toHaveLength(MAX_LISTED_CLAIMS);
    expect(full.stats.levels!.high + full.stats.levels!.medium).toBe(flagged);

    const version = encodeURIComponent(lease.draft.version);
    const report = await raw(
      'GET',
      `/drafts/${encodeURIComponent(DOC)}/versions/${version}/report`,
      'publisher',
    );
    expect(report.status).toBe(200);
    expect(report.bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    expect(ReportResponse.parse(report.json).claims.length).toBe(lease.flaggedClaims.length);

    const decided = await raw(
      'POST',
      `/drafts/${encodeURIComponent(DOC)}/versions/${version}/decision?publisherId=${encodeURIComponent(PUB)}`,
      'reviewer',
      { leaseId: lease.leaseId, decision: 'reject', note: 'Every sentence is a disease or drug claim.' },
    );
    expect(decided.status).toBe(200);
    expect(decided.bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    reviewed = { version: lease.draft.version, shown: lease.flaggedClaims.length, flagged };
  });

  it.skipIf(SKIP_WITHOUT_CHROMIUM)(
    "the draft's page copes: the text from its presigned GET, the riskiest claims marked, and how many more",
    { timeout: 60_000 },
    async () => {
      if (reviewed === undefined) throw new Error('the draft was not reviewed');
      const chromium = await launchBrowser();
      try {
        const { page, errors } = await chromium.newPage();
        const query = new URLSearchParams({ publisherId: PUB, documentId: DOC, version: reviewed.version });
        await page.goto(`${api.url}/draft.html?${query}#token=${api.tokens.publisher}`);
        await page.locator('.draft-text').waitFor({ timeout: 30_000 });
        expect(await page.locator('mark.claim').count()).toBe(reviewed.shown);
        expect(await page.locator('[data-more-claims]').getAttribute('data-more-claims')).toBe(
          String(reviewed.flagged - reviewed.shown),
        );
        expect(await page.locator('.history-entry').textContent()).toContain('Rejected');
        const shown = await page
          .locator('.draft-text')
          .evaluate((element) => element.textContent?.length ?? 0);
        expect(shown).toBe(text.length);
        await screenshot(page, 'draft-page-large');
        expect(errors).toEqual([]);
      } finally {
        await chromium.close();
      }
    },
  );
});
