// A version's text and result as the review API sends them: bounded whatever the draft. Pure.
// Lambda's synchronous response limit is 6 MB; a 5 MB draft of short claims gives a result of tens of MB.
import type { Citation, Claim, ModerationResult, Reference } from '../contract.js';
import { isFlagged } from '../contract.js';
import { flaggedNumbers, totalsOf } from '../report/advice.js';
import type { ClaimInContext } from './model.js';

export interface ResponseBudget {
  /** The text's JSON above this goes as a presigned GET instead. */
  textBytes: number;
  /** The claims (in the result, and the flagged ones again with their context). */
  claimBytes: number;
  /** Citations, and references, each. */
  listBytes: number;
}

export interface BoundedReport {
  /** The text to send inline; null when there is none or it is too large (`textTooLarge`). */
  text: string | null;
  textTooLarge: boolean;
  /** The result, its claims, citations and references cut to the budget when they do not fit. */
  result: ModerationResult;
  /** Whether any list was cut: the full result is then worth a link. */
  cut: boolean;
  totals: ReturnType<typeof totalsOf>;
  /** The flagged claims sent, in reading order, with the text around them. */
  claims: ClaimInContext[];
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * Takes items in priority order while their JSON fits the budget; the cost of the work is the items kept, not
 * the list. Answers the items kept (in the list's own order) and whether all of them fit.
 */
function within<T>(items: readonly T[], priority: readonly T[], budget: number, cost: (item: T) => number) {
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

function inContext(text: string | null, claim: Claim, number: number, chars: number): ClaimInContext {
  if (text === null || claim.end > text.length)
    return { ...claim, number, context: { before: '', text: claim.text, after: '' } };
  return {
    ...claim,
    number,
    context: {
      before: text.slice(Math.max(0, claim.start - chars), claim.start),
      text: text.slice(claim.start, claim.end),
      after: text.slice(claim.end, claim.end + chars),
    },
  };
}

export function boundedReport(
  text: string | null,
  result: ModerationResult,
  budget: ResponseBudget,
  contextChars: number,
): BoundedReport {
  const totals = totalsOf(result);
  const numbers = flaggedNumbers(result.claims);
  const contexts = new Map<Claim, ClaimInContext>();
  const withContext = (claim: Claim) => {
    let found = contexts.get(claim);
    if (found === undefined) {
      found = inContext(text, claim, numbers.get(claim.id) ?? 0, contextChars);
      contexts.set(claim, found);
    }
    return found;
  };
  // The riskiest flagged claims first, then the low ones (which no page marks).
  const flagged = result.claims
    .filter(isFlagged)
    .sort((a, b) => b.riskScore - a.riskScore || a.start - b.start);
  const low = result.claims.filter((claim) => !isFlagged(claim));
  const claims = within(result.claims, [...flagged, ...low], budget.claimBytes, (claim) =>
    // A flagged claim is sent twice: in the result, and with its context. Each item costs its comma too.
    isFlagged(claim) ? jsonBytes(claim) + jsonBytes(withContext(claim)) + 2 : jsonBytes(claim) + 1,
  );
  const unsupportedFirst = [
    ...result.citations.filter((citation) => citation.matchedReference === null),
    ...result.citations.filter((citation) => citation.matchedReference !== null),
  ];
  const listed = (item: unknown) => jsonBytes(item) + 1;
  const citations = within<Citation>(result.citations, unsupportedFirst, budget.listBytes, listed);
  const references = within<Reference>(result.references, result.references, budget.listBytes, listed);
  const textTooLarge = text !== null && jsonBytes(text) > budget.textBytes;
  return {
    text: textTooLarge ? null : text,
    textTooLarge,
    result: { ...result, claims: claims.items, citations: citations.items, references: references.items },
    cut: !(claims.all && citations.all && references.all),
    totals,
    claims: claims.items
      .filter(isFlagged)
      .sort((a, b) => a.start - b.start)
      .map(withContext),
  };
}
