// Flagged claims shown in the draft's own text. Pure.
import type { Claim } from '../contract.js';
import { isFlagged } from '../contract.js';
import type { ClaimInContext } from './model.js';

/** The claims a reviewer must look at (medium and high risk), in reading order, each with text either side. */
export function flaggedClaimsInContext(
  text: string | null,
  claims: readonly Claim[],
  chars: number,
): ClaimInContext[] {
  return claims
    .filter(isFlagged)
    .sort((a, b) => a.start - b.start)
    .map((claim) => {
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
    });
}
