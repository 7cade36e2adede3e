// A version's text and result as the review API sends them: bounded whatever the draft. Pure.
// Lambda's synchronous response limit is 6 MB; a 5 MB draft of short claims gives a result of tens of MB.
import type { Claim, ModerationResult } from '../contract.js';
import { isFlagged } from '../contract.js';
import type { NumberedClaim, ReportTotals, ReviewDigest } from '../report/digest.js';
import { byRisk, jsonBytes, within } from '../report/digest.js';
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
  totals: ReportTotals;
  /** The flagged claims sent, in reading order, with the text around them. */
  claims: ClaimInContext[];
}

function inContext(text: string | null, claim: NumberedClaim, chars: number): ClaimInContext {
  if (text === null || claim.end > text.length)
    return { ...claim, context: { before: '', text: claim.text, after: '' } };
  return {
    ...claim,
    context: {
      before: text.slice(Math.max(0, claim.start - chars), claim.start),
      text: text.slice(claim.start, claim.end),
      after: text.slice(claim.end, claim.end + chars),
    },
  };
}

const withoutNumber = ({ number: _number, ...claim }: NumberedClaim): Claim => claim;

/**
 * The answer for a version from its summary (the result without its lists) and its digest (the lists, already
 * cut to the budget without their context): cut again, now that each flagged claim carries the text around it.
 */
export function boundedReport(
  text: string | null,
  summary: ModerationResult,
  digest: ReviewDigest,
  budget: ResponseBudget,
  contextChars: number,
): BoundedReport {
  const contexts = new Map<NumberedClaim, ClaimInContext>();
  const withContext = (claim: NumberedClaim) => {
    let found = contexts.get(claim);
    if (found === undefined) {
      found = inContext(text, claim, contextChars);
      contexts.set(claim, found);
    }
    return found;
  };
  // A flagged claim is sent twice: in the result, and with its context. Each item costs its comma too.
  const claims = within(digest.claims, byRisk(digest.claims), budget.claimBytes, (claim) =>
    isFlagged(claim) ? jsonBytes(claim) + jsonBytes(withContext(claim)) + 2 : jsonBytes(claim) + 1,
  );
  const textTooLarge = text !== null && jsonBytes(text) > budget.textBytes;
  return {
    text: textTooLarge ? null : text,
    textTooLarge,
    result: {
      ...summary,
      claims: claims.items.map(withoutNumber),
      citations: digest.citations,
      references: digest.references,
    },
    cut: digest.cut || !claims.all,
    totals: digest.totals,
    claims: claims.items
      .filter(isFlagged)
      .sort((a, b) => a.start - b.start)
      .map(withContext),
  };
}
