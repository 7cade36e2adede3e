import type { ModerationResult } from '../../shared/contract.js';
import type { CorpusDocument } from './corpus.js';

/**
 * The corpus measures, computed as ../shared/corpus/score.mjs computes them from `claimscan check --json`:
 * a labelled claim is found when a medium or high claim covers at least half of its quote (or their texts
 * contain one another); a false high is a high claim on a labelled non-claim; a citation is found when
 * an unmatched citation covers the quote.
 */
export interface Tally {
  documents: number;
  verdictRight: number;
  risky: number;
  riskyFound: number;
  categoryRight: number;
  notClaims: number;
  falseHigh: number;
  /** Medium or high on a labelled non-claim: not in score.mjs, kept to watch precision. */
  flaggedNotClaims: number;
  citations: number;
  citationsFound: number;
  disclaimers: number;
  disclaimersRight: number;
  /** Reference and non-health pages sent to review. */
  carefulPages: number;
  carefulToReview: number;
  misses: string[];
}

export const emptyTally = (): Tally => ({
  documents: 0,
  verdictRight: 0,
  risky: 0,
  riskyFound: 0,
  categoryRight: 0,
  notClaims: 0,
  falseHigh: 0,
  flaggedNotClaims: 0,
  citations: 0,
  citationsFound: 0,
  disclaimers: 0,
  disclaimersRight: 0,
  carefulPages: 0,
  carefulToReview: 0,
  misses: [],
});

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

function covers(item: { start: number; end: number; text: string }, text: string, quote: string): boolean {
  const at = text.indexOf(quote);
  if (at >= 0) {
    const overlap = Math.min(item.end, at + quote.length) - Math.max(item.start, at);
    if (overlap >= 0.5 * quote.length) return true;
  }
  const itemText = normalise(item.text);
  const wanted = normalise(quote);
  return itemText.length >= 15 && (itemText.includes(wanted) || wanted.includes(itemText));
}

export function scoreDocument(tally: Tally, document: CorpusDocument, result: ModerationResult): void {
  const { label, text, id } = document;
  tally.documents++;
  if (result.verdict === label.expected_verdict) tally.verdictRight++;
  else tally.misses.push(`${id}: verdict ${result.verdict} (expected ${label.expected_verdict})`);
  if (label.kind === 'compliant-reference' || label.kind === 'non-health') {
    tally.carefulPages++;
    if (result.verdict === 'review') tally.carefulToReview++;
  }
  const flagged = result.claims.filter((claim) => claim.riskLevel !== 'low');
  for (const risky of label.risky_claims) {
    tally.risky++;
    const hits = flagged.filter((claim) => covers(claim, text, risky.quote));
    if (hits.length === 0) {
      tally.misses.push(`${id}: missed ${risky.category} "${risky.quote.slice(0, 70)}"`);
      continue;
    }
    tally.riskyFound++;
    if (hits.some((claim) => (claim.categories as string[]).includes(risky.category))) tally.categoryRight++;
  }
  for (const quote of label.not_claims) {
    tally.notClaims++;
    const hits = flagged.filter((claim) => covers(claim, text, quote));
    if (hits.length > 0) tally.flaggedNotClaims++;
    if (hits.some((claim) => claim.riskLevel === 'high')) {
      tally.falseHigh++;
      tally.misses.push(`${id}: false high on "${quote.slice(0, 70)}"`);
    }
  }
  for (const quote of label.unsupported_citations) {
    tally.citations++;
    if (
      result.citations.some((citation) => citation.matchedReference === null && covers(citation, text, quote))
    )
      tally.citationsFound++;
    else tally.misses.push(`${id}: unsupported citation not reported "${quote.slice(0, 60)}"`);
  }
  for (const [key, wanted] of Object.entries(label.disclaimers)) {
    tally.disclaimers++;
    const expected = wanted === true ? 'present' : wanted === false ? 'missing' : wanted;
    const found = result.disclaimers.find((disclaimer) => disclaimer.id === key);
    if (found?.status === expected) tally.disclaimersRight++;
    else tally.misses.push(`${id}: disclaimer ${key} ${found?.status ?? 'absent'} (expected ${expected})`);
  }
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

export interface Scores {
  verdict: number;
  recall: number;
  falseHigh: number;
  citations: number;
  disclaimers: number;
  category: number;
  flaggedNotClaims: number;
  carefulToReview: number;
  carefulPages: number;
}

export function scores(tally: Tally): Scores {
  return {
    verdict: percent(tally.verdictRight, tally.documents),
    recall: percent(tally.riskyFound, tally.risky),
    falseHigh: percent(tally.falseHigh, tally.notClaims),
    citations: percent(tally.citationsFound, tally.citations),
    disclaimers: percent(tally.disclaimersRight, tally.disclaimers),
    category: percent(tally.categoryRight, tally.riskyFound),
    flaggedNotClaims: percent(tally.flaggedNotClaims, tally.notClaims),
    carefulToReview: tally.carefulToReview,
    carefulPages: tally.carefulPages,
  };
}

export function formatScores(s: Scores): string {
  return (
    `verdict=${s.verdict.toFixed(1)} recall=${s.recall.toFixed(1)} fp=${s.falseHigh.toFixed(1)} ` +
    `cites=${s.citations.toFixed(1)} disclaimers=${s.disclaimers.toFixed(1)} ` +
    `(category ${s.category.toFixed(1)}, medium+ on non-claims ${s.flaggedNotClaims.toFixed(1)}, ` +
    `careful pages to review ${s.carefulToReview}/${s.carefulPages})`
  );
}
