import { describe, expect, it } from 'vitest';
import { analyseText } from '../../../shared/engine.js';

/** The clause features the model reads for a one-sentence draft. */
function clauseFeatures(sentence: string): string[] {
  const analysis = analyseText({ source: 'test', documentId: 'test', text: sentence, format: 'text' });
  expect(analysis.candidates).toHaveLength(1);
  return [...analysis.candidates[0]!.features.keys()].filter(
    (name) =>
      name.startsWith('clause') ||
      ['productCures', 'productIsDrugClass', 'conditionIsSubject'].includes(name),
  );
}

describe('what each clause of a sentence says', () => {
  it('a product named before a verb of cure cures the condition', () => {
    expect(clauseFeatures('Our elderberry syrup cures the flu.')).toEqual(
      expect.arrayContaining(['clauseCuresCondition', 'clauseProductActs', 'productCures']),
    );
  });

  it('a negated verb of cure claims nothing in its clause', () => {
    expect(clauseFeatures('Elderberry does not cure the flu.')).toEqual([]);
  });

  it('the clause after "but" is read on its own, its "it" the product', () => {
    expect(clauseFeatures('It does not cure the flu, but it prevents colds.')).toEqual(
      expect.arrayContaining(['clauseCuresCondition', 'productCures']),
    );
  });

  it('a cure said of something else does not make the product the one that cures', () => {
    const features = clauseFeatures('The flu is cured by rest, and our syrup soothes the throat.');
    expect(features).toEqual(expect.arrayContaining(['clauseCuresCondition', 'conditionIsSubject']));
    expect(features).not.toContain('productCures');
  });

  it('a drug class said of the product, and a body function', () => {
    expect(clauseFeatures('A natural antiviral for the whole family.')).toEqual(
      expect.arrayContaining(['productIsDrugClass', 'clauseActsWithDrug']),
    );
    expect(clauseFeatures('Supports immune health.')).toEqual(['clauseActsOnBody']);
  });
});
