// What a publisher should change, and why a draft scored what it did: one source for the pages and the CLI.
// Pure; it reads a result (possibly cut down by the review API, hence the totals) and never the engine.
import {
  countByLevel,
  isFlagged,
  type Claim,
  type ClaimCategory,
  type Factor,
  type Genre,
  type ModerationResult,
} from '../contract.js';
import type { ReportTotals } from './digest.js';
import type { Titles } from './words.js';
import { capitalise, isAre, listing, plural, readable, requiredBecause } from './words.js';

/** What a publisher can do about a claim of each category (from the domain notes' rules). */
export const CATEGORY_ADVICE: Record<ClaimCategory, string> = {
  disease_claim:
    'A supplement may not claim to diagnose, treat, cure or prevent a disease. Reword it as a structure/function statement ("supports normal …") or remove it.',
  drug_interaction:
    'Do not say the product changes how a medicine works or its side effects. Remove the claim; readers on medication need a consult-your-doctor statement.',
  quantitative_efficacy:
    'A number needs proof of that size: cite the study in the reference list, or remove the figure.',
  establishment_claim:
    '"Studies show" needs the studies: name them and list each in the references, or remove the claim.',
  safety_absolute: 'Avoid absolute safety wording ("no side effects"); state the known risks and limits.',
  dosage_advice:
    'Dosage is medical advice: defer to a healthcare professional and keep within the adult upper limit.',
  vulnerable_group:
    'Children, pregnancy, older adults and people with conditions need extra care: add evidence and a consult-your-doctor statement.',
  mechanism: 'Keep mechanism statements to normal function, not a disorder or a drug.',
  testimonial: 'Testimonials cannot support a health claim and must not imply typical results.',
  general_health: 'Check the claim is supported by a cited source and worded as general information.',
};

/** The advice for each of a claim's categories, once each. */
export const claimAdvice = (claim: Pick<Claim, 'categories'>): string[] =>
  [...new Set(claim.categories)].map((category) => CATEGORY_ADVICE[category]);

/** The factors worth showing: one that adds nothing to the score explains nothing. */
export const shownFactors = (claim: Pick<Claim, 'factors'>): Factor[] =>
  claim.factors.filter((factor) => factor.weight !== 0);

/** "+30", "−10". */
export const signedWeight = (weight: number) => (weight > 0 ? `+${weight}` : `−${Math.abs(weight)}`);

/** A factor as a sentence with its weight: "names \"arthritis\" (+5)". */
export const factorLine = (factor: Factor, titles: Titles) =>
  `${readable(factor.detail, titles)} (${signedWeight(factor.weight)})`;

/**
 * The flagged (medium and high) claims numbered 1, 2, ... in reading order: "claim 3" means the same claim on
 * every page and in the CLI.
 */
export function flaggedNumbers(claims: readonly Claim[]): Map<string, number> {
  const flagged = claims.filter(isFlagged).sort((a, b) => a.start - b.start || a.end - b.end);
  return new Map(flagged.map((claim, index) => [claim.id, index + 1]));
}

export function totalsOf(
  result: Pick<ModerationResult, 'claims' | 'citations' | 'references'> & {
    stats?: Pick<ModerationResult['stats'], 'levels'>;
  },
): ReportTotals {
  // A result lists at most 5,000 claims; its stats count them all (a result stored before has no levels).
  const claims = result.stats?.levels ? { ...result.stats.levels } : countByLevel(result.claims);
  return {
    claims,
    citations: {
      all: result.citations.length,
      unsupported: result.citations.filter((citation) => citation.matchedReference === null).length,
    },
    references: result.references.length,
  };
}

const DISCLAIMER_REASON = /^disclaimer_/;

/**
 * What to fix, one sentence each, in the order of the verdict's reasons. Reasons this module knows are worded
 * from the findings (with titles); any other reason shows its own detail.
 */
export function fixList(result: ModerationResult, titles: Titles, totals: ReportTotals): string[] {
  const fixes: string[] = [];
  let disclaimersDone = false;
  for (const reason of result.reasons) {
    if (reason.code === 'high_risk_claims' && totals.claims.high > 0) {
      const high = totals.claims.high;
      fixes.push(
        `${plural(high, 'claim')} ${isAre(high)} high risk: reword or remove ${high === 1 ? 'it' : 'them'} as the advice at each claim says.`,
      );
    } else if (DISCLAIMER_REASON.test(reason.code)) {
      if (disclaimersDone) continue;
      disclaimersDone = true;
      fixes.push(...disclaimerFixes(result, titles));
    } else if (reason.code === 'unsupported_citations' && totals.citations.unsupported > 0) {
      const count = totals.citations.unsupported;
      fixes.push(
        `${plural(count, 'citation')} ${isAre(count)} not in the draft's reference list: add each study to the references, or remove the claims that rest on ${count === 1 ? 'it' : 'them'}.`,
      );
    } else {
      fixes.push(sentence(readable(reason.detail, titles)));
    }
  }
  return fixes;
}

function disclaimerFixes(result: ModerationResult, titles: Titles): string[] {
  return result.disclaimers
    .filter((disclaimer) => disclaimer.required && disclaimer.status !== 'present')
    .map((disclaimer) => {
      const title = titles.disclaimer(disclaimer.id);
      if (disclaimer.status === 'missing')
        return `Add the ${title}: it is required because ${requiredBecause(disclaimer)}.`;
      const parts = (disclaimer.missingParts ?? []).map((part) => titles.part(disclaimer.id, part));
      return parts.length === 0
        ? `Restore the full wording of the ${title}.`
        : `Restore the full wording of the ${title}: missing or changed, ${listing(parts)}.`;
    });
}

export interface GenreExplained {
  /** What the draft is read as, in the policy's words ("Reference text"). */
  title: string;
  /** What that means for its claims ("hedged evidence summaries are not claims, ..."); empty if not said. */
  consequence: string;
  /** What in the draft pointed that way, one sentence each. */
  details: string[];
}

/** The engine's own name for the genre, opening its first reason ("Reference text: ..."). */
const GENRE_LABEL = /^[^:.!?]{1,40}: /u;

/**
 * Who is speaking, and what follows for the claims: "Reference text: hedged evidence summaries are not claims,
 * ...". The policy's title stands in for the engine's label, so the pages and the CLI name the genre alike.
 */
export function genreExplained(genre: Genre, titles: Titles): GenreExplained {
  const [first = '', ...details] = genre.reasons;
  return { title: titles.genre(genre.kind), consequence: first.replace(GENRE_LABEL, ''), details };
}

/**
 * Why the draft scored what it did. The score starts from its riskiest claim; what the draft as a whole gets
 * wrong (missing disclaimers, citations not in the references) adds to it, up to 100.
 */
export function scoreExplanation(
  result: ModerationResult,
  titles: Titles,
  totals: ReportTotals,
  describeClaim: (claim: Claim) => string,
): string {
  const riskiest = result.claims.reduce<Claim | undefined>(
    (top, claim) => (top === undefined || claim.riskScore > top.riskScore ? claim : top),
    undefined,
  );
  const head = `Risk ${result.riskScore} of 100`;
  const problems = draftProblems(result, titles, totals);
  if (riskiest === undefined || riskiest.riskScore === 0) {
    return problems.length === 0
      ? `${head}: no claim carries risk.`
      : `${head}, from the draft as a whole: ${listing(problems)}.`;
  }
  const start = `${head}: the riskiest claim (${describeClaim(riskiest)}) scores ${riskiest.riskScore}`;
  const added = result.riskScore - riskiest.riskScore;
  if (problems.length === 0) return `${start}.`;
  if (added <= 0) return `${start}. Also wrong in the draft as a whole: ${listing(problems)}.`;
  const capped = result.riskScore === 100 ? ' (the score stops at 100)' : '';
  return `${start}, and the draft as a whole adds ${added}${capped}: ${listing(problems)}.`;
}

function draftProblems(result: ModerationResult, titles: Titles, totals: ReportTotals): string[] {
  const problems = result.disclaimers
    .filter((disclaimer) => disclaimer.required && disclaimer.status !== 'present')
    .map((disclaimer) => `the ${titles.disclaimer(disclaimer.id)} is ${disclaimer.status}`);
  const unsupported = totals.citations.unsupported;
  if (unsupported > 0)
    problems.push(`${plural(unsupported, 'citation')} ${isAre(unsupported)} not in the references`);
  return problems;
}

const sentence = (text: string) => {
  const opened = capitalise(text.trim());
  return /[.!?]$/.test(opened) ? opened : `${opened}.`;
};
