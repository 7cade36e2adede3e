import { describe, expect, it } from 'vitest';
import { check } from '../../support/engine.js';

const ARTICLE =
  'Magnesium Glycinate for Sleep\n\nTake 200 mg of magnesium glycinate before bed. It supports normal muscle function.\n\n';
const MEDICAL =
  'This article is for informational purposes only and is not medical advice. It is not a substitute for professional diagnosis or treatment.\n';
const CONSULT = 'Talk to your doctor before starting any supplement, especially if you take medication.\n';
const FDA =
  'These statements have not been evaluated by the Food and Drug Administration. This product is not intended to diagnose, treat, cure, or prevent any disease.\n';

const disclaimer = (text: string, id: string) => check(text).disclaimers.find((found) => found.id === id)!;

describe('required disclaimers', () => {
  it('finds all three by their parts and passes a compliant supplement article', () => {
    const result = check(ARTICLE + MEDICAL + CONSULT + FDA);
    // The structure/function claim needs the FDA statement; the other two are required beside high-risk claims.
    expect(result.disclaimers.map(({ id, required, status }) => ({ id, required, status }))).toEqual([
      { id: 'medical_advice', required: false, status: 'present' },
      { id: 'fda_structure_function', required: true, status: 'present' },
      { id: 'consult_professional', required: false, status: 'present' },
    ]);
    expect(result.verdict).toBe('pass');
  });

  it('requires the medical-advice and consult disclaimers beside high-risk claims', () => {
    const result = check(`${ARTICLE}Magnesium glycinate cures insomnia and depression.
${FDA}`);
    expect(result.disclaimers.filter((found) => found.required).map((found) => found.id)).toEqual([
      'medical_advice',
      'fda_structure_function',
      'consult_professional',
    ]);
    expect(result.reasons.map((reason) => reason.detail)).toEqual(
      expect.arrayContaining([
        'The Medical-advice disclaimer is required (the draft makes high-risk health claims) but missing.',
      ]),
    );
  });

  it('takes a medical-advice disclaimer with two of its three parts as present', () => {
    const twoParts = 'This post is not medical advice and is for informational purposes only.\n';
    expect(disclaimer(ARTICLE + twoParts, 'medical_advice').status).toBe('present');
    const onePart = 'This post is for informational purposes only.\n';
    const found = disclaimer(ARTICLE + onePart, 'medical_advice');
    expect(found.status).toBe('altered');
    expect(found.missingParts).toEqual(['not_medical_advice', 'not_a_substitute']);
  });

  it('takes any instruction to consult a professional as the consult disclaimer', () => {
    for (const advice of [
      'Tell your doctor and pharmacist about any supplements you take.\n',
      'Discuss this product with your physician if you have a heart condition.\n',
      'As always, checking with a health provider before starting supplementation is wise.\n',
    ])
      expect(disclaimer(ARTICLE + advice, 'consult_professional').status).toBe('present');
  });

  it('reports a statement that disclaims the ingredients rather than the product as altered', () => {
    const ingredients = FDA.replace('This product is', 'These ingredients are');
    const fda = disclaimer(ARTICLE + ingredients, 'fda_structure_function');
    expect(fda.status).toBe('altered');
    expect(fda.missingParts).toEqual(['product_subject']);
    expect(fda.notes?.join(' ')).toContain('ingredients, not the product');
  });

  it('does not take an agency page that mentions the FDA for the statement', () => {
    const mention =
      'These fraudulent products haven’t been evaluated by the FDA and may claim to cure, treat or prevent disease.\n';
    expect(disclaimer(mention, 'fda_structure_function').status).toBe('missing');
    // "Claims" and "have not" in one sentence are not the statement's subject unless what was not done is
    // the evaluation: here the claims are unproven and the review is said of the products.
    const warning =
      'Some sellers say their pills shrink tumors. Those claims have not been proven, and the pills have not been reviewed by the agency.\n';
    expect(disclaimer(warning, 'fda_structure_function').status).toBe('missing');
  });

  it('accepts the FDA statement in the singular, abbreviated, in any case', () => {
    const variant =
      'THIS STATEMENT HAS NOT BEEN EVALUATED BY THE FDA. This product is not intended to diagnose, treat, cure or prevent any disease.';
    expect(disclaimer(ARTICLE + MEDICAL + CONSULT + variant, 'fda_structure_function').status).toBe(
      'present',
    );
  });

  it.each([
    ['"approved" for "evaluated"', FDA.replace('evaluated', 'approved'), ['not_evaluated'], 'approved'],
    [
      '"may not be intended"',
      FDA.replace('is not intended', 'may not be intended'),
      ['not_intended'],
      'may not',
    ],
    [
      'verbs missing',
      FDA.replace('diagnose, treat, cure, or prevent', 'treat or cure'),
      ['diagnose', 'prevent'],
      undefined,
    ],
    [
      'one sentence only',
      FDA.split('. ')[0] + '.',
      ['product_subject', 'not_intended', 'diagnose', 'treat', 'cure', 'prevent', 'any_disease'],
      undefined,
    ],
    ['truncated', FDA.slice(0, FDA.indexOf(' cure')), ['cure', 'prevent', 'any_disease'], undefined],
  ])('reports an FDA statement with %s as altered', (_name, statement, missingParts, note) => {
    const result = check(ARTICLE + MEDICAL + CONSULT + statement);
    const fda = result.disclaimers.find((found) => found.id === 'fda_structure_function')!;
    expect(fda.status).toBe('altered');
    expect(fda.missingParts).toEqual(missingParts);
    if (note) expect(fda.notes?.join(' ')).toContain(note);
    expect(fda.expectedText).toContain('Food and Drug Administration');
    expect(result.verdict).toBe('review');
  });

  it('does not count "for entertainment purposes" or "see a doctor if symptoms persist"', () => {
    const text = ARTICLE + 'For entertainment purposes only.\nSee a doctor if symptoms persist.\n' + FDA;
    expect(disclaimer(text, 'medical_advice').status).toBe('missing');
    expect(disclaimer(text, 'consult_professional').status).toBe('missing');
  });

  it('reports the span of a found disclaimer in the draft', () => {
    const text = ARTICLE + MEDICAL + CONSULT + FDA;
    const fda = disclaimer(text, 'fda_structure_function');
    expect(text.slice(fda.start, fda.end)).toContain('Food and Drug Administration');
  });

  it('requires none for a neutral fact sheet, a recipe or a news item', () => {
    const factSheet = [
      'Magnesium: fact sheet',
      'What is magnesium?',
      'Magnesium is a mineral found in nuts, seeds and leafy greens. The body needs it for muscle and nerve function.',
      'How much do I need?',
      'Adults need about 310 to 420 mg a day from food. Ask your health care provider before taking a supplement.',
    ].join('\n');
    const recipe =
      'Lentil Soup\n\n- 1 cup lentils\n- 2 carrots\n\nSimmer the lentils for 20 minutes and serve hot.';
    const news = 'The city council approved a new bike lane on Main Street on Tuesday, to open in May.';
    for (const text of [factSheet, recipe, news]) {
      const result = check(text);
      expect(result.disclaimers.every((found) => !found.required)).toBe(true);
      expect(result.verdict).toBe('pass');
    }
  });
});
