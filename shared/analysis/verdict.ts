import type { ReviewReason } from '../contract.js';
import { isFlagged } from '../contract.js';
import type { DisclaimerRequirement, Policy } from '../policy/index.js';
import type { AnalysedClaim, SentenceSignals } from './claims.js';
import type { FoundCitation } from './citations.js';
import type { FoundDisclaimer } from './disclaimers.js';

export interface DraftSignals extends SentenceSignals {
  riskyClaims: boolean;
}

export function draftSignals(
  sentenceSignals: readonly SentenceSignals[],
  claims: readonly AnalysedClaim[],
): DraftSignals {
  const any = (key: keyof SentenceSignals) => sentenceSignals.some((signals) => signals[key]);
  return {
    recommendsSupplement: any('recommendsSupplement'),
    givesHealthAdvice: any('givesHealthAdvice'),
    structureFunctionClaim: any('structureFunctionClaim'),
    riskyClaims: claims.some(isFlagged),
  };
}

const REQUIREMENT_HOLDS: Record<DisclaimerRequirement, (signals: DraftSignals) => string | undefined> = {
  always: () => 'the policy requires it for every draft',
  supplement_structure_function: (signals) =>
    signals.recommendsSupplement && signals.structureFunctionClaim
      ? 'the draft recommends a dietary supplement and makes structure/function claims about it'
      : undefined,
  health_advice: (signals) => (signals.givesHealthAdvice ? 'the draft gives health advice' : undefined),
  risky_claims: (signals) =>
    signals.riskyClaims ? 'the draft makes medium- or high-risk health claims' : undefined,
};

/** Whether the policy requires each disclaimer for this draft, and why. */
export function disclaimerRequirement(
  requiredWhen: readonly DisclaimerRequirement[],
  signals: DraftSignals,
): { required: boolean; because: string } {
  for (const requirement of requiredWhen) {
    const because = REQUIREMENT_HOLDS[requirement](signals);
    if (because) return { required: true, because };
  }
  return { required: false, because: `not required: the draft does not meet ${requiredWhen.join(' or ')}` };
}

export interface Verdict {
  verdict: 'pass' | 'review';
  riskScore: number;
  reasons: ReviewReason[];
}

/**
 * `review` when a claim is high risk, a required disclaimer is missing or altered, or a medium/high claim
 * rests on a citation the references do not contain.
 */
export function decideVerdict(
  policy: Policy,
  claims: readonly AnalysedClaim[],
  disclaimers: ReadonlyArray<FoundDisclaimer & { required: boolean }>,
  citations: readonly FoundCitation[],
): Verdict {
  const reasons: ReviewReason[] = [];
  const high = claims.filter((claim) => claim.riskLevel === 'high');
  if (high.length > 0)
    reasons.push({ code: 'high_risk_claims', detail: `${high.length} high-risk claim(s)` });
  let score = Math.max(0, ...claims.map((claim) => claim.riskScore));
  for (const disclaimer of disclaimers) {
    if (!disclaimer.required || disclaimer.status === 'present') continue;
    reasons.push({
      code: `disclaimer_${disclaimer.status}`,
      detail:
        disclaimer.status === 'missing'
          ? `required disclaimer "${disclaimer.id}" is missing`
          : `required disclaimer "${disclaimer.id}" is altered: ${disclaimer.missingParts.join(', ')} missing or changed`,
    });
    score +=
      disclaimer.status === 'missing'
        ? policy.weights.draft.requiredDisclaimerMissing
        : policy.weights.draft.requiredDisclaimerAltered;
  }
  const byId = new Map(citations.map((citation) => [citation.id, citation]));
  const unsupportedRisky = new Set<string>();
  for (const claim of claims) {
    if (!isFlagged(claim)) continue;
    for (const id of claim.citationIds) if (byId.get(id)?.matchedReference === null) unsupportedRisky.add(id);
  }
  if (unsupportedRisky.size > 0) {
    reasons.push({
      code: 'unsupported_citations',
      detail: `${unsupportedRisky.size} risky claim citation(s) not in the reference list`,
    });
  }
  score +=
    citations.filter((citation) => citation.matchedReference === null).length *
    policy.weights.draft.unsupportedCitation;
  return {
    verdict: reasons.length > 0 ? 'review' : 'pass',
    riskScore: Math.max(0, Math.min(100, Math.round(score))),
    reasons,
  };
}
