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

describe('conditions a sentence names', () => {
  const namesCondition = (sentence: string) => {
    const [cues] = analyseText({ source: 'test', documentId: 'test', text: sentence, format: 'text' }).cues;
    return ['disease', 'symptom', 'pathogen'].some((tag) => cues!.has(tag as 'disease'));
  };

  it('not inside the capitalised name of an organisation', () => {
    expect(namesCondition('Volunteers were found through the National Cancer Institute.')).toBe(false);
    expect(namesCondition("She wrote to the Crohn's and Colitis Foundation last spring.")).toBe(false);
    expect(namesCondition('The Tendinitis Society met in June.')).toBe(false);
    expect(namesCondition('Guidance came from the Centers for Disease Control and Prevention.')).toBe(false);
    expect(namesCondition('A grant from the Society for Migraine Research paid for it.')).toBe(false);
  });

  it('but where the condition is spoken of, capitalised or not', () => {
    expect(namesCondition('Our tea helps cancer patients at the clinic.')).toBe(true);
    expect(namesCondition('Cancer Treatments That Work')).toBe(true);
    expect(namesCondition('Ask the clinic whether ginger eases your migraine.')).toBe(true);
  });
});
