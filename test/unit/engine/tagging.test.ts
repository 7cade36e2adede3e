import { describe, expect, it } from 'vitest';
import { tagSentences } from '../../../shared/analysis/nlp.js';

const tagText = (text: string, start: number) => tagSentences([{ text, start }])[0]!;

const tags = (text: string) => tagText(text, 0).map((word) => word.pos);

describe('part-of-speech tagging', () => {
  it('reads a Title Case headline as the words it would be in lower case, not as proper names', () => {
    const headline = 'Eases Joint Pain And Stiffness Fast';
    expect(tags(headline)).not.toContain('PROPN');
    expect(tags(headline)).toEqual(tags(headline.toLowerCase()));
    expect(tags('Relieves Oedema quickly')).toEqual(tags('relieves oedema quickly'));
  });

  it('keeps the offsets and words of the text as written', () => {
    const words = tagText('Eases Joint Pain', 100);
    expect(words.map(({ start, end, lower }) => [start, end, lower])).toEqual([
      [100, 105, 'eases'],
      [106, 111, 'joint'],
      [112, 116, 'pain'],
    ]);
  });

  it('leaves proper names in an ordinary sentence as they are', () => {
    expect(tags('Researchers at the Mayo Clinic in Rochester studied zinc and colds.')).toContain('PROPN');
  });

  it('tags several sentences in one call, each with its own words, and no negation reaches the next one', () => {
    const [heading, sentence] = tagSentences([
      { text: 'Not a miracle cure', start: 0 },
      { text: 'Zinc shortens colds.', start: 40 },
    ]);
    expect(heading!.map((word) => word.lower)).toEqual(['not', 'a', 'miracle', 'cure']);
    expect(heading!.at(-1)!.negated).toBe(true);
    expect(sentence!.map(({ start, lower }) => [start, lower])).toEqual([
      [40, 'zinc'],
      [45, 'shortens'],
      [54, 'colds'],
      [59, '.'],
    ]);
    expect(sentence!.some((word) => word.negated)).toBe(false);
  });

  it('reads a negated comparative with nothing compared as no negation, and any other negation as one', () => {
    const negatedWords = (text: string) =>
      tagText(text, 0)
        .filter((word) => word.negated)
        .map((word) => word.lower);
    expect(negatedWords('My knees have never felt better!')).toEqual([]);
    expect(negatedWords('I have never felt stronger!')).toEqual([]);
    expect(negatedWords('It did not work better than placebo.')).toContain('placebo');
    expect(negatedWords('It does not have other side effects.')).toContain('effects');
  });

  it('ends a negation at its sentence even where the sentence ends in an ellipsis', () => {
    for (const next of [
      'Boosts antiviral action against colds.',
      '[B]oosts antiviral action against colds.',
    ]) {
      const [first, second] = tagSentences([
        { text: 'It will not cure colds ....', start: 0 },
        { text: next, start: 40 },
      ]);
      expect(first!.find((word) => word.lower === 'colds')?.negated).toBe(true);
      expect(second!.filter((word) => word.negated).map((word) => word.lower)).toEqual([]);
    }
  });
});
