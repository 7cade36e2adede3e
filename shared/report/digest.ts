// What a reviewer needs of a result too large to send whole, cut once when it is stored: the riskiest flagged
// claims (numbered among all of them), unsupported citations first, the first references, and counts over
// everything. The review API reads this small object instead of parsing tens of MB of result per request.
import * as z from '../zod.js';
import type { Citation, Claim, ModerationResult, Reference } from '../contract.js';
import {
  Citation as CitationSchema,
  Claim as ClaimSchema,
  isFlagged,
  Reference as ReferenceSchema,
} from '../contract.js';
import { flaggedNumbers, totalsOf } from './advice.js';

const count = z.number().check(z.int(), z.nonnegative());

export const ReportTotals = z.object({
  claims: z.object({ high: count, medium: count, low: count }),
  citations: z.object({ all: count, unsupported: count }),
  references: count,
});
export type ReportTotals = z.infer<typeof ReportTotals>;

export const NumberedClaim = z.extend(ClaimSchema, {
  /** Its place among the draft's flagged claims in reading order, from 1 (0: not flagged). */
  number: z.number().check(z.int(), z.nonnegative()),
});
export type NumberedClaim = z.infer<typeof NumberedClaim>;

export const ReviewDigest = z.object({
  claims: z.array(NumberedClaim),
  citations: z.array(CitationSchema),
  references: z.array(ReferenceSchema),
  totals: ReportTotals,
  /** Whether any list was cut. */
  cut: z.boolean(),
});
export type ReviewDigest = z.infer<typeof ReviewDigest>;

export interface ListBudget {
  /** The claims' JSON. */
  claimBytes: number;
  /** Citations, and references, each. */
  listBytes: number;
}

export const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * Takes items in priority order while their cost fits the budget; the work is the items kept, not the list.
 * Answers the items kept, in the list's own order, and whether all of them fit.
 */
export function within<T>(
  items: readonly T[],
  priority: readonly T[],
  budget: number,
  cost: (item: T) => number,
): { items: T[]; all: boolean } {
  let spent = 0;
  const kept = new Set<T>();
  for (const item of priority) {
    spent += cost(item);
    if (spent > budget) break;
    kept.add(item);
  }
  return kept.size === items.length
    ? { items: [...items], all: true }
    : { items: items.filter((item) => kept.has(item)), all: false };
}

/** The riskiest flagged claims first, then the low ones (which no page marks). */
export const byRisk = <C extends Claim>(claims: readonly C[]): C[] => [
  ...claims.filter(isFlagged).sort((a, b) => b.riskScore - a.riskScore || a.start - b.start),
  ...claims.filter((claim) => !isFlagged(claim)),
];

export const unsupportedFirst = (citations: readonly Citation[]) => [
  ...citations.filter((citation) => citation.matchedReference === null),
  ...citations.filter((citation) => citation.matchedReference !== null),
];

/** The digest of a result: its lists within the budget (each item's JSON and comma counted). */
export function reviewDigest(result: ModerationResult, budget: ListBudget): ReviewDigest {
  const numbers = flaggedNumbers(result.claims);
  const listed = (item: unknown) => jsonBytes(item) + 1;
  const claims = within(result.claims, byRisk(result.claims), budget.claimBytes, listed);
  const citations = within<Citation>(
    result.citations,
    unsupportedFirst(result.citations),
    budget.listBytes,
    listed,
  );
  const references = within<Reference>(result.references, result.references, budget.listBytes, listed);
  return {
    claims: claims.items.map((claim) => ({ ...claim, number: numbers.get(claim.id) ?? 0 })),
    citations: citations.items,
    references: references.items,
    totals: totalsOf(result),
    cut: !(claims.all && citations.all && references.all),
  };
}
