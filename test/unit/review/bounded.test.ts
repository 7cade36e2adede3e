// Issue 11: what next and the report route send is bounded whatever the draft; a small draft goes whole.
import { describe, expect, it } from 'vitest';
import type { Citation, Claim, ModerationResult } from '../../../shared/contract.js';
import { reviewDigest } from '../../../shared/report/digest.js';
import type { ResponseBudget } from '../../../shared/review/bounded.js';
import { boundedReport } from '../../../shared/review/bounded.js';

/** As the review service answers: the digest of the result, then the answer from it. */
const answer = (text: string | null, result: ModerationResult, budget: ResponseBudget, chars: number) =>
  boundedReport(text, result, reviewDigest(result, budget), budget, chars);

const claim = (
  id: string,
  start: number,
  end: number,
  riskLevel: Claim['riskLevel'],
  riskScore = 50,
): Claim => ({
  id,
  text: 'x',
  start,
  end,
  categories: [],
  riskScore,
  riskLevel,
  factors: [],
});

const result = (claims: Claim[], citations: Citation[] = []): ModerationResult => ({
  source: 's',
  documentId: 'd',
  policyVersion: 'p',
  format: 'text',
  verdict: 'review',
  riskScore: 80,
  reasons: [],
  disclaimers: [],
  claims,
  citations,
  references: [],
  stats: { characters: 0, sentences: 0, claims: claims.length, ms: 1 },
});

const roomy = { textBytes: 1_000_000, claimBytes: 1_000_000, listBytes: 1_000_000 };
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('bounded report', () => {
  it('sends a small draft whole: the text, every claim, and the flagged ones numbered in reading order', () => {
    const text = 'aaaa BBBB cccc DDDD';
    const full = result([claim('c3', 15, 19, 'high'), claim('c2', 5, 9, 'medium'), claim('c1', 0, 4, 'low')]);
    const bounded = answer(text, full, roomy, 3);
    expect(bounded).toMatchObject({ text, textTooLarge: false, cut: false, result: full });
    expect(bounded.claims.map((c) => [c.id, c.number, c.context])).toEqual([
      ['c2', 1, { before: 'aa ', text: 'BBBB', after: ' cc' }],
      ['c3', 2, { before: 'cc ', text: 'DDDD', after: '' }],
    ]);
    expect(bounded.totals).toEqual({
      claims: { high: 1, medium: 1, low: 1 },
      citations: { all: 0, unsupported: 0 },
      references: 0,
    });
  });

  it('keeps the riskiest claims and unsupported citations when the lists do not fit, and counts them all', () => {
    const claims = Array.from({ length: 2_000 }, (_, i) =>
      claim(`c${i}`, i * 10, i * 10 + 5, i % 100 === 7 ? 'high' : 'medium', i % 100 === 7 ? 90 : 40),
    );
    const citations: Citation[] = Array.from({ length: 2_000 }, (_, i) => ({
      id: `cite-${i}`,
      text: '[1]',
      start: i,
      end: i + 3,
      matchedReference: i % 2 === 0 ? 'ref-1' : null,
    }));
    const budget = { textBytes: 1_000, claimBytes: 50_000, listBytes: 20_000 };
    const bounded = answer('x'.repeat(20_000), result(claims, citations), budget, 10);
    expect(bounded.cut).toBe(true);
    expect(bounded.text).toBeNull();
    expect(bounded.textTooLarge).toBe(true);
    expect(bytes(bounded.result.claims) + bytes(bounded.claims)).toBeLessThanOrEqual(budget.claimBytes + 4);
    expect(bytes(bounded.result.citations)).toBeLessThanOrEqual(budget.listBytes);
    // Every high claim made it, in reading order, still numbered among all 2,000 flagged ones.
    expect(bounded.claims.filter((c) => c.riskLevel === 'high')).toHaveLength(20);
    expect(bounded.claims.find((c) => c.id === 'c1907')?.number).toBe(1908);
    expect(bounded.claims.map((c) => c.start)).toEqual(
      [...bounded.claims.map((c) => c.start)].sort((a, b) => a - b),
    );
    expect(bounded.result.citations.every((citation) => citation.matchedReference === null)).toBe(true);
    expect(bounded.totals).toMatchObject({
      claims: { high: 20, medium: 1_980, low: 0 },
      citations: { all: 2_000, unsupported: 1_000 },
    });
  });
});
