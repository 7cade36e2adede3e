import type { GenreKind, ReviewReason } from '../contract.js';
import type { DisclaimerDefinition, DisclaimerRequirement, Policy } from '../policy/index.js';
import type { AnalysedClaim, ClaimSignals } from './claims.js';
import { MAX_CITATIONS, type FoundCitations } from './citations.js';
import type { FoundDisclaimer } from './disclaimers.js';

const REQUIREMENT_HOLDS: Record<DisclaimerRequirement, (signals: ClaimSignals) => string | undefined> = {
  always: () => 'the policy requires it for every draft',
  supplement_structure_function: (signals) =>
    signals.structureFunctionClaim
      ? 'the draft promotes a dietary supplement with structure/function claims'
      : undefined,
  health_advice: (signals) => (signals.givesHealthAdvice ? 'the draft gives health advice' : undefined),
  risky_claims: (signals) => (signals.riskyClaims ? 'the draft makes high-risk health claims' : undefined),
};

const REQUIREMENT_WORDS: Record<DisclaimerRequirement, string> = {
  always: 'every draft',
  supplement_structure_function: 'structure/function claims about a supplement',
  health_advice: 'health advice',
  risky_claims: 'high-risk claims',
};

/**
 * Whether the policy requires a disclaimer for this draft, and why. Only a draft that promotes or sells
 * needs disclaimers: a reference text or a non-health page needs none (the `always` rule aside).
 */
export function disclaimerRequirement(
  requiredWhen: readonly DisclaimerRequirement[],
  signals: ClaimSignals,
  genre: GenreKind,
): { required: boolean; because: string; why?: string } {
  if (requiredWhen.includes('always')) {
    const why = REQUIREMENT_HOLDS.always(signals)!;
    return { required: true, because: `Required: ${why}.`, why };
  }
  if (genre !== 'promotional')
    return {
      required: false,
      because: `Not required: ${genre === 'reference' ? 'a reference text' : 'a draft that is not about health'} needs no disclaimer.`,
    };
  for (const requirement of requiredWhen) {
    const why = REQUIREMENT_HOLDS[requirement](signals);
    if (why) return { required: true, because: `Required: ${why}.`, why };
  }
  return {
    required: false,
    because: `Not required: the draft has no ${requiredWhen.map((requirement) => REQUIREMENT_WORDS[requirement]).join(' or ')}.`,
  };
}

export interface Verdict {
  verdict: 'pass' | 'review';
  riskScore: number;
  reasons: ReviewReason[];
}

const plural = (count: number, one: string, many: string) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/**
 * `review` when a claim is high risk or a required disclaimer is missing or altered. The draft's score is
 * its riskiest claim's, raised for each disclaimer problem and each citation the references lack.
 */
export function decideVerdict(
  policy: Policy,
  claims: readonly AnalysedClaim[],
  disclaimers: ReadonlyArray<
    FoundDisclaimer & { required: boolean; why?: string; definition: DisclaimerDefinition }
  >,
  { citations, capped }: Readonly<FoundCitations>,
  genre: GenreKind,
): Verdict {
  const reasons: ReviewReason[] = [];
  let high = 0;
  let score = 0;
  for (const claim of claims) {
    if (claim.riskLevel === 'high') high++;
    if (claim.riskScore > score) score = claim.riskScore;
  }
  if (high > 0)
    reasons.push({
      code: 'high_risk_claims',
      detail: `${plural(high, 'claim is', 'claims are')} high risk.`,
    });
  for (const disclaimer of disclaimers) {
    if (!disclaimer.required || disclaimer.status === 'present') continue;
    const title = disclaimer.definition.title;
    reasons.push({
      code: `disclaimer_${disclaimer.status}`,
      detail:
        disclaimer.status === 'missing'
          ? `The ${title} is required (${disclaimer.why ?? 'by the policy'}) but missing.`
          : `The ${title} is altered: ${disclaimer.missingParts
              .map((id) => disclaimer.definition.parts.find((part) => part.id === id)?.description ?? id)
              .join('; ')} missing or changed.`,
    });
    score +=
      disclaimer.status === 'missing'
        ? policy.weights.draft.requiredDisclaimerMissing
        : policy.weights.draft.requiredDisclaimerAltered;
  }
  const byId = new Map(citations.map((citation) => [citation.id, citation]));
  const unsupportedRisky = new Set<string>();
  // A reference text may summarise studies it does not list; a promoter's claim must rest on what it cites.
  for (const claim of claims) {
    if (claim.riskLevel === 'low' || (claim.riskLevel === 'medium' && genre !== 'promotional')) continue;
    for (const id of claim.citationIds) if (byId.get(id)?.matchedReference === null) unsupportedRisky.add(id);
  }
  if (unsupportedRisky.size > 0) {
    const count = unsupportedRisky.size;
    reasons.push({
      code: 'unsupported_citations',
      detail: `${plural(count, 'citation', 'citations')} behind medium- or high-risk claims ${count === 1 ? 'is' : 'are'} not in the reference list.`,
    });
  }
  if (capped)
    reasons.push({
      code: 'citations_not_checked',
      detail: `The draft holds more than ${MAX_CITATIONS.toLocaleString('en-US')} in-text citations; those after the ${MAX_CITATIONS.toLocaleString('en-US')}th were not checked against its reference list.`,
    });
  // Each citation the references lack adds a little, up to the cap: a draft of nothing but citations is not a risk.
  let unsupported = 0;
  for (const citation of citations) if (citation.matchedReference === null) unsupported++;
  if (score > 0)
    score += Math.min(
      unsupported * policy.weights.draft.unsupportedCitation,
      policy.weights.draft.unsupportedCitationCap,
    );
  return {
    verdict: reasons.length > 0 ? 'review' : 'pass',
    riskScore: Math.max(0, Math.min(100, Math.round(score))),
    reasons,
  };
}
