import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/contract.js';
import { ModerationResult } from '../../../shared/contract.js';
import { DraftError } from '../../../shared/errors.js';
import {
  buildFailedRecord,
  buildModeratedRecord,
  buildReviewMessage,
  estimateItemBytes,
  ResultRecord,
  ReviewMessage,
  topFlaggedClaims,
} from '../../../shared/pipeline/record.js';
import { REVIEW_API, REVIEW_MESSAGE, TABLE } from '../../../shared/pipeline/resources.js';
import { ReviewDigest } from '../../../shared/report/digest.js';
import { draftRef, moderationResult } from './fixtures.js';

const PROCESSED_AT = '2026-05-04T10:00:01.000Z';

function claim(id: string, riskScore: number, text = `Claim ${id}.`): Claim {
  return {
    id,
    text,
    start: 0,
    end: text.length,
    categories: ['disease_claim'],
    riskScore,
    riskLevel: riskScore >= 70 ? 'high' : riskScore >= 40 ? 'medium' : 'low',
    factors: [{ code: 'cure_verb', detail: 'x'.repeat(200), weight: 10 }],
  };
}

describe('result records', () => {
  it('keys a version under its document, sorted by sequencer, and indexes it by status and publisher', () => {
    const ref = draftRef({ publisherId: 'acme', documentId: 'health/a.md', version: 'v2' });
    const { record, report } = buildModeratedRecord(ref, moderationResult({ verdict: 'pass' }), PROCESSED_AT);

    expect(report).toBeUndefined();
    expect(ResultRecord.parse(record)).toEqual(record);
    expect(record).toMatchObject({
      pk: 'DOC#acme#health/a.md',
      sk: `VER#${ref.sequencer}#v2`,
      byStatusPk: 'STATUS#passed',
      byStatusSk: `${ref.uploadedAt}#acme#health/a.md#v2`,
      byPublisherPk: 'PUB#acme',
      byPublisherSk: `${ref.uploadedAt}#health/a.md#v2`,
      status: 'passed',
      processedAt: PROCESSED_AT,
    });
    expect(record.topClaims).toBeUndefined();
  });

  it('marks a review verdict pending_review with its riskiest claims', () => {
    const { record } = buildModeratedRecord(draftRef(), moderationResult(), PROCESSED_AT);
    expect(record).toMatchObject({ status: 'pending_review', verdict: 'review', riskScore: 82 });
    expect(record.topClaims?.map((c) => c.id)).toEqual(['c1']);
  });

  it('records a draft that cannot be moderated as failed, with its reason', () => {
    const record = buildFailedRecord(draftRef(), new DraftError('binary', 'NUL byte at 8'), PROCESSED_AT);
    expect(record).toMatchObject({
      status: 'failed',
      byStatusPk: 'STATUS#failed',
      failure: { code: 'binary', message: 'NUL byte at 8' },
    });
    expect(record.result).toBeUndefined();
  });

  it('moves claims, citations and references to reports/ when the item would pass the limit', () => {
    const claims = Array.from({ length: 2_000 }, (_, i) => claim(`c${i}`, i % 100));
    const result = ModerationResult.parse(moderationResult({ claims }));
    const ref = draftRef({ publisherId: 'acme', documentId: 'big.md', version: 'v7' });

    const { record, report } = buildModeratedRecord(ref, result, PROCESSED_AT);

    expect(report?.key).toBe('reports/acme/big.md/v7.json');
    expect(record.reportKey).toBe(report?.key);
    expect(ModerationResult.parse(JSON.parse(report?.body ?? ''))).toEqual(result);
    // Beside it, the reviewers' digest: the riskiest claims within the review API's budget, counts over all.
    expect(report?.digest.key).toBe('reports/acme/big.md/v7.review.json');
    const digest = ReviewDigest.parse(JSON.parse(report?.digest.body ?? ''));
    expect(digest.totals.claims.high + digest.totals.claims.medium + digest.totals.claims.low).toBe(2_000);
    expect(Buffer.byteLength(report?.digest.body ?? '')).toBeLessThan(
      REVIEW_API.responseBudget.claimBytes + 2 * REVIEW_API.responseBudget.listBytes + 1_000,
    );
    expect(record.result).not.toHaveProperty('claims');
    expect(record.result).toMatchObject({ verdict: 'review', riskScore: result.riskScore });
    expect(record.topClaims).toHaveLength(REVIEW_MESSAGE.topClaims);
    expect(estimateItemBytes(record)).toBeLessThan(TABLE.itemOverflowBytes);
  });

  it('keeps the claims in the item up to the limit', () => {
    const claims = Array.from({ length: 50 }, (_, i) => claim(`c${i}`, 90));
    const { record, report } = buildModeratedRecord(draftRef(), moderationResult({ claims }), PROCESSED_AT);
    expect(report).toBeUndefined();
    expect(record.result?.claims).toHaveLength(50);
  });
});

describe('top flagged claims', () => {
  it('keeps the riskiest non-low claims, truncating long text', () => {
    const claims = [
      claim('low', 10),
      claim('mid', 50),
      claim('top', 95, 'x'.repeat(1_000)),
      claim('high', 80),
    ];
    const top = topFlaggedClaims(claims);
    expect(top.map((c) => c.id)).toEqual(['top', 'high', 'mid']);
    expect(top[0]?.text).toHaveLength(REVIEW_MESSAGE.maxTextChars);
    expect(top[0]).not.toHaveProperty('factors');
  });
});

describe("the draft's genre and each claim's assertion status", () => {
  const genre = {
    kind: 'promotional' as const,
    likelihood: { non_health: 0, reference: 0.1, promotional: 0.9 },
    reasons: ['Promotional: hedges do not soften disease claims.'],
  };
  const put = (id: string, riskScore: number, assertion: Claim['assertion']): Claim => ({
    ...claim(id, riskScore),
    assertion,
  });

  it('stay in the stored result, and the top claims of the item and the review message carry the status', () => {
    const claims = [put('c1', 90, 'hedged'), put('c2', 50, 'reported'), put('c3', 10, 'negated')];
    const { record } = buildModeratedRecord(draftRef(), moderationResult({ genre, claims }), PROCESSED_AT);
    // What DynamoDB is given, read back through the item's schema as the review API reads it.
    const stored = ResultRecord.parse(JSON.parse(JSON.stringify(record)));
    expect(stored.result?.genre).toEqual(genre);
    expect(stored.result?.claims?.map((c) => c.assertion)).toEqual(['hedged', 'reported', 'negated']);
    expect(stored.topClaims?.map((c) => [c.id, c.assertion])).toEqual([
      ['c1', 'hedged'],
      ['c2', 'reported'],
    ]);
    const message = ReviewMessage.parse(buildReviewMessage(stored, 't'));
    expect(message.topClaims.map((c) => c.assertion)).toEqual(['hedged', 'reported']);
  });

  it("stay in the item's summary and the reviewers' digest when the claims move to reports/", () => {
    const claims = Array.from({ length: 2_000 }, (_, i) => put(`c${i}`, 90, i % 2 ? 'hedged' : 'asserted'));
    const { record, report } = buildModeratedRecord(
      draftRef(),
      moderationResult({ genre, claims }),
      PROCESSED_AT,
    );
    expect(report).toBeDefined();
    expect(ResultRecord.parse(record).result?.genre).toEqual(genre);
    const digest = ReviewDigest.parse(JSON.parse(report?.digest.body ?? ''));
    expect(digest.claims.length).toBeGreaterThan(0);
    for (const kept of digest.claims)
      expect(kept.assertion).toBe(Number(kept.id.slice(1)) % 2 ? 'hedged' : 'asserted');
    expect(record.topClaims?.every((c) => c.assertion !== undefined)).toBe(true);
  });

  it('are left out, not made up, for a result from before they existed', () => {
    const { record } = buildModeratedRecord(draftRef(), moderationResult(), PROCESSED_AT);
    expect(record.result).not.toHaveProperty('genre');
    expect(record.topClaims?.[0]).not.toHaveProperty('assertion');
  });
});

describe('review messages', () => {
  it('is compact and says where the full result lives', () => {
    const { record } = buildModeratedRecord(draftRef(), moderationResult(), PROCESSED_AT);
    const message = buildReviewMessage(record, 'results-table');
    expect(ReviewMessage.parse(message)).toEqual(message);
    expect(message).toMatchObject({
      publisherId: 'acme',
      documentId: 'article.md',
      version: 'v1',
      riskScore: 82,
      reasons: [{ code: 'high_risk_claim' }],
      result: { table: 'results-table', pk: record.pk, sk: record.sk },
    });
    expect(message.result.report).toBeUndefined();
  });

  it('points at the report when the claims were moved out of the item', () => {
    const claims = Array.from({ length: 2_000 }, (_, i) => claim(`c${i}`, 90));
    const ref = draftRef();
    const { record } = buildModeratedRecord(ref, moderationResult({ claims }), PROCESSED_AT);
    expect(buildReviewMessage(record, 't').result.report).toBe(`s3://${ref.bucket}/${record.reportKey}`);
  });

  it('stays far below the SQS message limit whatever the result holds', () => {
    const reasons = Array.from({ length: 500 }, (_, i) => ({ code: `r${i}`, detail: 'y'.repeat(5_000) }));
    const claims = Array.from({ length: 500 }, (_, i) => claim(`c${i}`, 99, 'z'.repeat(5_000)));
    const { record } = buildModeratedRecord(draftRef(), moderationResult({ reasons, claims }), PROCESSED_AT);
    const bytes = Buffer.byteLength(JSON.stringify(buildReviewMessage(record, 't')));
    expect(bytes).toBeLessThan(16 * 1024);
  });
});
