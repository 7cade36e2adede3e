import { describe, expect, it } from 'vitest';
import { check } from '../../support/engine.js';

const citationsOf = (body: string, references: string[]) => {
  const result = check(
    [body, '', 'References', ...references.map((reference) => `- ${reference}`)].join('\n'),
  );
  return result.citations.map((citation) => ({
    text: citation.text,
    matched: citation.matchedReference
      ? result.references.find((r) => r.id === citation.matchedReference)?.number
      : null,
  }));
};

describe('in-text citations and the reference list', () => {
  it('matches author and year, journal and year, number and DOI', () => {
    const body =
      'Magnesium lifts mood (Tarleton & Littenberg, 2017). A study in Nutrients (2018) found better sleep. ' +
      'Zinc shortens colds [2]. Nitrate widens vessels (doi:10.1234/abc.2019.5).';
    const references = [
      'Tarleton EK, Littenberg B. Magnesium intake and depression in adults. J Am Board Fam Med. 2017;28(2):249-256.',
      'Hemilä H. Zinc lozenges and the common cold. JRSM Open. 2017;8(5).',
      'Lee K. Sleep and minerals. Nutrients. 2018;10(3):1-9.',
      'Okafor A. Nitrate and vessels. doi:10.1234/abc.2019.5',
    ];
    expect(citationsOf(body, references)).toEqual([
      { text: '(Tarleton & Littenberg, 2017)', matched: 1 },
      { text: 'A study in Nutrients (2018)', matched: 3 },
      { text: '[2]', matched: 2 },
      { text: '10.1234/abc.2019.5', matched: 4 },
    ]);
  });

  it('reads "and colleagues" after a surname as "et al." (and only after "and")', () => {
    const body =
      'Okafor and colleagues (2021) saw fewer colds. Brandt and co-workers (2019) did not. Our colleagues (2020) agree.';
    const references = ['Okafor A, Diaz M. Zinc and colds. Nutrients. 2021;13:4.'];
    expect(citationsOf(body, references)).toEqual([
      { text: 'Okafor and colleagues (2021)', matched: 1 },
      { text: 'Brandt and co-workers (2019)', matched: null },
    ]);
  });

  it('reports a citation unsupported when the year, the journal or the number differs', () => {
    const body =
      'A 2019 study in The Journal of Affective Disorders found it works. ' +
      'Researchers writing in the Journal of Nutrition (2020) agree. Smith et al. (2015) disagree [7].';
    const references = [
      'The American Journal of Medicine. (2019). “Magnesium vs. pharmaceuticals.”',
      'Sorensen J. Beetroot juice. British Journal of Nutrition. 2020;123:902-910.',
      'Smith J, Jones K. Magnesium and mood. Nutrients. 2016;8:1-5.',
    ];
    expect(citationsOf(body, references).map((citation) => citation.matched)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('makes a claim that rests on an unsupported citation riskier', () => {
    const supported = check(
      'Magnesium improved sleep by 20% (Lee, 2018).\n\nReferences\n- Lee K. Sleep. Nutrients. 2018.',
    );
    const unsupported = check(
      'Magnesium improved sleep by 20% (Lee, 2018).\n\nReferences\n- Park J. Sleep. Nutrients. 2018.',
    );
    const [a, b] = [supported.claims[0]!, unsupported.claims[0]!];
    expect(a.citationIds).toEqual(['cite-1']);
    expect(b.riskScore).toBeGreaterThan(a.riskScore);
    expect(b.factors.map((factor) => factor.code)).toContain('unsupported_citation');
    expect(unsupported.verdict).toBe('review');
    expect(unsupported.reasons.map((reason) => reason.code)).toContain('unsupported_citations');
  });

  it('reads Markdown footnotes as citations and their definitions as references', () => {
    const text =
      'Magnesium ends migraines in 7 days.[^1] Zinc cures colds.[^2]\n\n[^1]: Lee K. Magnesium and migraine. Cephalalgia. 2019.\n';
    const result = check(text, 'markdown');
    expect(result.citations.map((citation) => [citation.text, citation.matchedReference])).toEqual([
      ['[^1]', 'ref-1'],
      ['[^2]', null],
    ]);
    expect(result.claims[0]!.text).toBe('Magnesium ends migraines in 7 days.[^1]');
    expect(text.slice(result.references[0]!.start, result.references[0]!.end)).toContain('Cephalalgia');
  });

  it('does not read the reference list itself as claims or citations', () => {
    const result = check(
      'Intro line.\n\nReferences\n- Smith J (2019). Magnesium cures depression. Journal of Psychiatry.',
    );
    expect(result.claims).toEqual([]);
    expect(result.citations).toEqual([]);
    expect(result.references[0]).toMatchObject({ year: 2019, number: 1 });
  });
});
