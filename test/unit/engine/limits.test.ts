// The engine's bounds on hostile input (issue 11, item 7): how long a sentence may be, how many citations are
// checked, and a verdict over any number of claims. Their speed is measured by `npm run bench`, not here.
import { describe, expect, it } from 'vitest';
import { MAX_CITATIONS } from '../../../shared/analysis/citations.js';
import { MAX_LISTED_CLAIMS, type AnalysedClaim } from '../../../shared/analysis/claims.js';
import { MAX_SENTENCE } from '../../../shared/analysis/sentences.js';
import { decideVerdict } from '../../../shared/analysis/verdict.js';
import { analyseText } from '../../../shared/engine.js';
import { defaultPolicy } from '../../../shared/policy/index.js';
import { totalsOf } from '../../../shared/report/advice.js';
import { check } from '../../support/engine.js';

describe('the engine on hostile input', () => {
  it('cuts a run of words without a sentence end into sentences of bounded length, losing no word', () => {
    const words = Array.from({ length: 3000 }, (_, index) => `word${index}`);
    const text = words.join(' ');
    const { sentences } = analyseText({ source: 'x', documentId: 'x', text, format: 'text' });
    expect(sentences.length).toBeGreaterThan(text.length / MAX_SENTENCE);
    for (const sentence of sentences) expect(sentence.text.length).toBeLessThanOrEqual(MAX_SENTENCE);
    // Cut at spaces: the pieces, joined again, are the text.
    expect(sentences.map((sentence) => sentence.text).join(' ')).toBe(text);
    for (const sentence of sentences) expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
  });

  it('checks the first citations of a draft padded with them, and sends it to review saying so', () => {
    const text = `Magnesium calms the mind ${'[1] '.repeat(MAX_CITATIONS + 500)}`;
    const result = check(text);
    expect(result.citations).toHaveLength(MAX_CITATIONS);
    expect(result.verdict).toBe('review');
    const reason = result.reasons.find((entry) => entry.code === 'citations_not_checked');
    expect(reason?.detail).toContain('more than 2,000 in-text citations');
  });

  it('a draft of nothing but citations is no risk and passes, its score and verdict agreeing', () => {
    const result = check('[1] [2] [3] '.repeat(200));
    expect(result.claims).toHaveLength(0);
    expect(result.verdict).toBe('pass');
    expect(result.riskScore).toBe(0);
  });

  it('takes at most as many web addresses of the body as sources as it checks citations', () => {
    const text = Array.from(
      { length: MAX_CITATIONS + 700 },
      (_, i) => `See https://example.org/${i} now.`,
    ).join(' ');
    const result = check(text);
    expect(result.references).toHaveLength(MAX_CITATIONS);
    expect(result.references.at(-1)?.text).toBe(`https://example.org/${MAX_CITATIONS - 1}`);
  });

  it('lists the riskiest claims of a draft that makes more than a result lists, and counts them all', () => {
    const weaker = 'Zinc supports immune health. ';
    const riskier = 'It cures cancer. ';
    const [weakScore, riskScore] = check(weaker + riskier).claims.map((claim) => claim.riskScore);
    expect(weakScore).toBeLessThan(riskScore!);
    const result = check(weaker.repeat(200) + riskier.repeat(MAX_LISTED_CLAIMS));
    expect(result.stats.claims).toBe(MAX_LISTED_CLAIMS + 200);
    const levels = result.stats.levels!;
    expect(levels.high + levels.medium + levels.low).toBe(result.stats.claims);
    expect(levels.high).toBeGreaterThanOrEqual(MAX_LISTED_CLAIMS);
    // What a reviewer is told counts every claim found, not only the listed ones.
    expect(totalsOf(result).claims).toEqual(levels);
    expect(result.claims).toHaveLength(MAX_LISTED_CLAIMS);
    // The weaker claims stood first and are the ones left out; the listed stay in text order, each explained.
    expect(result.claims.every((claim) => claim.text === 'It cures cancer.')).toBe(true);
    for (let i = 1; i < result.claims.length; i++)
      expect(result.claims[i]!.start).toBeGreaterThan(result.claims[i - 1]!.start);
    expect(result.claims.at(-1)?.factors.some((factor) => factor.code === 'treatVerb')).toBe(true);
    expect(result.reasons[0]?.detail).toBe(
      `${MAX_LISTED_CLAIMS.toLocaleString('en-US')} claims are high risk.`,
    );
  });

  it('decides the verdict over 150,000 claims without running out of stack', () => {
    const sentence = {
      index: 0,
      start: 0,
      end: 16,
      text: 'It cures cancer.',
      blockIndex: 0,
      blockKind: 'paragraph' as const,
    };
    const claims: AnalysedClaim[] = Array.from({ length: 150_000 }, (_, index) => ({
      sentence,
      categories: ['disease_claim'],
      riskScore: index === 149_999 ? 95 : 70,
      riskLevel: 'high',
      assertion: 'asserted',
      factors: [],
      citationIds: [],
    }));
    const verdict = decideVerdict(defaultPolicy, claims, [], { citations: [], capped: false }, 'promotional');
    expect(verdict.riskScore).toBe(95);
    expect(verdict.reasons[0]?.detail).toBe('150,000 claims are high risk.');
  });
});
