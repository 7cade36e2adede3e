// Issues 12 and 10: the words pages and the CLI share: titles (genres and assertion statuses too), plurals, what
// to fix, the score explained, the genre explained, line:column.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLAIM_CATEGORIES, ClaimAssertion, GenreKind } from '../../../shared/contract.js';
import type { ModerationResult } from '../../../shared/contract.js';
import { moderateText } from '../../../shared/engine.js';
import { defaultPolicy, parsePolicy } from '../../../shared/policy/index.js';
import {
  fixList,
  flaggedNumbers,
  genreExplained,
  scoreExplanation,
  shownFactors,
  totalsOf,
} from '../../../shared/report/advice.js';
import { excerpt, locator } from '../../../shared/report/location.js';
import { listing, plural, readable, requiredBecause, titlesOf } from '../../../shared/report/words.js';

const titles = titlesOf(defaultPolicy);
const check = (text: string): ModerationResult =>
  moderateText({ source: 'draft.txt', documentId: 'draft', text, format: 'text' });

describe('words', () => {
  it('counts in the right number', () => {
    expect([0, 1, 2, 1500].map((n) => plural(n, 'claim'))).toEqual([
      '0 claims',
      '1 claim',
      '2 claims',
      '1,500 claims',
    ]);
    expect(plural(1, 'reply', 'replies')).toBe('1 reply');
    expect([listing([]), listing(['a']), listing(['a', 'b']), listing(['a', 'b', 'c'])]).toEqual([
      '',
      'a',
      'a and b',
      'a, b and c',
    ]);
  });

  it('gives every category a title from the policy, and disclaimers and their parts theirs', () => {
    for (const category of CLAIM_CATEGORIES) {
      expect(titles.category(category)).toBe(defaultPolicy.categoryTitles[category]);
      expect(titles.category(category)).not.toContain('_');
    }
    expect(titles.disclaimer('fda_structure_function')).toBe('FDA structure/function statement');
    expect(titles.part('fda_structure_function', 'agency')).toContain('Food and Drug Administration');
    expect(titles.disclaimer('house_rule')).toBe('House rule');
  });

  it('gives every genre and assertion status its title from the policy, and the policy must name them all', () => {
    for (const kind of GenreKind.options) expect(titles.genre(kind)).toBe(defaultPolicy.genreTitles[kind]);
    for (const status of ClaimAssertion.options)
      expect(titles.assertion(status)).toBe(defaultPolicy.assertionTitles[status]);
    expect([titles.genre('non_health'), titles.assertion('reported')]).toEqual([
      'Not about health',
      'Reported speech',
    ]);
    const policy = structuredClone(defaultPolicy) as Record<string, unknown>;
    policy.genreTitles = { non_health: 'Not about health', reference: ' ' };
    policy.assertionTitles = { ...defaultPolicy.assertionTitles, hedged: '' };
    expect(() => parsePolicy(policy, 'house.json')).toThrow(
      /genreTitles\.reference.*genreTitles\.promotional.*assertionTitles\.hedged/s,
    );
  });

  it("says why a disclaimer is required as a clause, from the engine's sentence or an older result's clause", () => {
    expect(requiredBecause({ requiredBecause: 'Required: the draft makes high-risk health claims.' })).toBe(
      'the draft makes high-risk health claims',
    );
    expect(requiredBecause({ requiredBecause: 'the draft gives health advice' })).toBe(
      'the draft gives health advice',
    );
  });

  it('shows ids an engine sentence names by their titles, and leaves other words alone', () => {
    expect(readable('disease_claim: "cures" with "arthritis"', titles)).toBe(
      'Disease claim: "cures" with "arthritis"',
    );
    expect(readable('required disclaimer "fda_structure_function" is missing', titles)).toBe(
      'required disclaimer FDA structure/function statement is missing',
    );
    expect(
      readable('not_evaluated: "approved" where it says "evaluated"', titles, 'fda_structure_function'),
    ).toBe('"has/have not been evaluated": "approved" where it says "evaluated"');
    expect(readable('note: "some_thing" stays', titles)).toBe('note: "some_thing" stays');
  });
});

describe('advice', () => {
  const risky = check(
    'Take our magnesium supplement daily. Magnesium cures depression and enhances SSRIs. It supports sleep.',
  );

  it('numbers the flagged claims in reading order and hides factors that add nothing', () => {
    const numbers = flaggedNumbers(risky.claims);
    const flagged = risky.claims.filter((claim) => claim.riskLevel !== 'low');
    expect([...numbers.values()]).toEqual(flagged.map((_, index) => index + 1));
    const claim = {
      ...flagged[0]!,
      factors: [...flagged[0]!.factors, { code: 'x', detail: 'nothing', weight: 0 }],
    };
    expect(shownFactors(claim).map((factor) => factor.detail)).not.toContain('nothing');
  });

  it('says what to fix in sentences with titles, in the order of the reasons', () => {
    const fixes = fixList(risky, titles, totalsOf(risky));
    expect(fixes[0]).toBe('1 claim is high risk: reword or remove it as the advice at each claim says.');
    expect(fixes.join('\n')).toMatch(
      /Add the Medical-advice disclaimer: it is required because the draft [^.:]+\.(\n|$)/,
    );
    for (const fix of fixes) expect(fix).toMatch(/^[A-Z0-9].*\.$/);
    expect(fixes.join(' ')).not.toMatch(/_|\(s\)/);
  });

  it('explains the draft score from its riskiest claim and what the draft as a whole gets wrong', () => {
    const explained = scoreExplanation(
      risky,
      titles,
      totalsOf(risky),
      (claim) => `claim ${flaggedNumbers(risky.claims).get(claim.id)}`,
    );
    const riskiest = risky.claims.reduce((top, claim) => (claim.riskScore > top.riskScore ? claim : top));
    const number = flaggedNumbers(risky.claims).get(riskiest.id);
    expect(explained).toContain(
      `Risk ${risky.riskScore} of 100: the riskiest claim (claim ${number}) scores ${riskiest.riskScore}`,
    );
    expect(explained).toContain('the Medical-advice disclaimer is missing');
    const clean = check('Spinach is a leafy green vegetable.');
    expect(scoreExplanation(clean, titles, totalsOf(clean), () => '')).toBe(
      'Risk 0 of 100: no claim carries risk.',
    );
  });
});

describe('genre', () => {
  const FACT_SHEET = readFileSync('test/fixtures/drafts/echinacea-hedged-fact-sheet.txt', 'utf8');

  it('names what the draft is read as and what follows for its claims, and what pointed that way', () => {
    const reference = check(FACT_SHEET);
    expect(reference.genre?.kind).toBe('reference');
    const explained = genreExplained(reference.genre!, titles);
    expect(explained.title).toBe('Reference text');
    expect(`${explained.title}: ${explained.consequence}`).toMatch(
      /^Reference text: hedged evidence summaries are not claims/,
    );
    expect(explained.details).toEqual(reference.genre!.reasons.slice(1));

    const shop = check(
      'Buy our TurmaFlex capsules today! TurmaFlex may cure arthritis. Order now for free shipping.',
    );
    expect(shop.genre?.kind).toBe('promotional');
    const promotional = genreExplained(shop.genre!, titles);
    expect(`${promotional.title}: ${promotional.consequence}`).toMatch(
      /^Promotional: hedges do not soften disease claims/,
    );
  });

  it("puts the policy's title in place of the engine's own label, and keeps a reason without one whole", () => {
    const renamed = titlesOf({
      ...defaultPolicy,
      genreTitles: { ...defaultPolicy.genreTitles, promotional: 'Sales page' },
    });
    const genre = {
      kind: 'promotional' as const,
      likelihood: { non_health: 0, reference: 0.1, promotional: 0.9 },
      reasons: ['Promotional: hedges do not soften disease claims.', 'Pointing that way: prices.'],
    };
    expect(genreExplained(genre, renamed)).toEqual({
      title: 'Sales page',
      consequence: 'hedges do not soften disease claims.',
      details: ['Pointing that way: prices.'],
    });
    const unlabelled = {
      ...genre,
      reasons: ['It prints the FDA supplement statement, which only a seller does.'],
    };
    expect(genreExplained(unlabelled, titles).consequence).toBe(unlabelled.reasons[0]);
    expect(genreExplained({ ...genre, reasons: [] }, titles)).toEqual({
      title: 'Promotional',
      consequence: '',
      details: [],
    });
  });
});

describe('line and column', () => {
  it('finds the line and column of an offset across \\n, \\r\\n and \\r line breaks', () => {
    const text = 'one\r\ntwo\rthree\nfour';
    const at = locator(text);
    expect(at(0)).toEqual({ line: 1, column: 1, lineText: 'one' });
    expect(at(text.indexOf('two') + 1)).toEqual({ line: 2, column: 2, lineText: 'two' });
    expect(at(text.indexOf('three'))).toEqual({ line: 3, column: 1, lineText: 'three' });
    expect(at(text.length)).toEqual({ line: 4, column: 5, lineText: 'four' });
  });

  it('shows a window of a long line around the column', () => {
    const line = `${'a'.repeat(500)}TARGET${'b'.repeat(500)}`;
    const shown = excerpt(line, 501, 40);
    expect(shown).toContain('TARGET');
    expect(shown.startsWith('…') && shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(42);
    expect(excerpt('  short line ', 3)).toBe('short line');
  });
});
