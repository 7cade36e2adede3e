import { describe, expect, it } from 'vitest';
import { check, claimOf } from '../../support/engine.js';

describe('claim categories', () => {
  it.each([
    ['Magnesium cures depression.', 'disease_claim', 'high'],
    ['Magnesium glycinate enhances the efficacy of SSRIs.', 'drug_interaction', 'high'],
    ['Our zinc lozenges shorten colds by 40%.', 'quantitative_efficacy', 'medium'],
    ['Clinically proven: our magnesium supports deep sleep.', 'establishment_claim', 'medium'],
    ['Our ashwagandha gummies are completely safe with no side effects.', 'safety_absolute', 'medium'],
    ['Take 400 mg of magnesium glycinate every night.', 'dosage_advice', 'high'],
    ['Give your child two DHA gummies for better focus.', 'vulnerable_group', 'medium'],
    ['Magnesium regulates GABA and lowers cortisol, easing anxiety.', 'mechanism', 'high'],
    ['"This turmeric cured my arthritis," says Linda.', 'testimonial', 'high'],
  ])('%s -> %s', (sentence, category, level) => {
    const claim = claimOf(sentence);
    expect(claim?.categories).toContain(category);
    expect(claim?.riskLevel).toBe(level);
  });

  it('explains the score with factors that add up to it', () => {
    const claim = claimOf('A study in Nutrients (2018) found that magnesium improved SSRI response by 22%.')!;
    const codes = claim.factors.map((factor) => factor.code);
    expect(codes).toEqual(expect.arrayContaining(['trigger', 'drug_term', 'number', 'unsupported_citation']));
    const sum = claim.factors.reduce((total, factor) => total + factor.weight, 0);
    expect(claim.riskScore).toBe(Math.min(100, Math.max(0, Math.round(sum))));
  });

  it('flags a dose above the upper limit', () => {
    const claim = claimOf('Take 600 mg of magnesium a day.')!;
    expect(claim.factors.find((factor) => factor.code === 'above_upper_limit')?.detail).toContain('350 mg');
  });
});

describe('what softens or cancels a claim', () => {
  it('a negated claim is not a claim of efficacy', () => {
    expect(claimOf('Magnesium does not cure depression.')).toBeUndefined();
    expect(claimOf('There is no evidence that zinc prevents colds.')).toBeUndefined();
  });

  it('"not only ... but" does not negate', () => {
    expect(claimOf('Magnesium not only eases anxiety but also cures insomnia.')?.riskLevel).toBe('high');
  });

  it('a hedge lowers a structure/function claim but never a disease claim', () => {
    expect(claimOf('Magnesium may support normal muscle function.')?.riskLevel).toBe('low');
    expect(claimOf('Magnesium may help prevent migraines.')?.riskLevel).toBe('high');
  });

  it('a question and reported speech are weaker than an assertion', () => {
    const asserted = claimOf('Zinc cures colds.')!;
    const asked = claimOf('Can zinc cure colds?')!;
    const reported = claimOf('Some websites claim that zinc cures colds.')!;
    expect(asked.riskScore).toBeLessThan(asserted.riskScore);
    expect(asked.factors.map((factor) => factor.code)).toContain('question');
    expect(reported.riskLevel).toBe('low');
    expect(reported.factors.map((factor) => factor.code)).toContain('reported_speech');
  });

  it('a warning of harm is not a claimed benefit', () => {
    expect(claimOf('Too much vitamin D can raise blood calcium and cause kidney stones.')).toBeUndefined();
  });

  it('EU-authorised wording is not a disease claim', () => {
    expect(claimOf('Iron contributes to the reduction of tiredness and fatigue.')?.riskLevel).toBe('low');
  });
});

describe('what is not a claim', () => {
  it('food lists, recipes and navigation', () => {
    const draft = [
      'You May Also Like:',
      'Can Zinc Cure Your Cold Overnight? Here Is The Truth',
      'Magnesium Foods',
      '- Leafy greens: spinach, kale and chard.',
      '- Nuts: almonds and cashews.',
      'Stir the lentils into the soup and simmer for 20 minutes.',
      'Home | About | Shop | Contact',
    ].join('\n');
    expect(check(draft).claims.filter((claim) => claim.riskLevel !== 'low')).toEqual([]);
  });

  it("a product page's feature list speaks of the product", () => {
    const page =
      '# GutGlow Probiotic\n\nGutGlow probiotic capsules for daily use.\n\n- Safe for kids and pregnant women\n- Works better than antibiotics for gut infections\n';
    const [safe, better] = check(page, 'markdown').claims.filter((claim) => claim.riskLevel !== 'low');
    expect(safe?.categories).toEqual(expect.arrayContaining(['safety_absolute', 'vulnerable_group']));
    expect(safe?.riskLevel).toBe('high');
    expect(better?.categories).toContain('drug_interaction');
    expect(better?.factors.map((factor) => factor.code)).not.toContain('no_product');
  });

  it('a heading can be a claim', () => {
    const result = check('# 14 Proven Ways to Beat Depression Without Drugs\n\nA list follows.', 'markdown');
    expect(result.claims[0]?.categories).toEqual(
      expect.arrayContaining(['disease_claim', 'drug_interaction']),
    );
    expect(result.claims[0]?.riskLevel).toBe('high');
  });
});

describe('offsets', () => {
  it('point at the claim in the draft as read, through markup and entities', () => {
    const html = '<p>Intro text here.</p><p>Our <b>fish&nbsp;oil</b> cures heart disease &amp; stroke.</p>';
    const claim = check(html, 'html').claims[0]!;
    expect(html.slice(claim.start, claim.end)).toBe(
      'Our <b>fish&nbsp;oil</b> cures heart disease &amp; stroke.',
    );
    expect(claim.text).toBe('Our fish oil cures heart disease & stroke.');
  });

  it('are UTF-16 offsets into the text for plain drafts', () => {
    const text = 'Émilie’s 🌿 tip. Magnesium cures insomnia.';
    const claim = check(text).claims[0]!;
    expect(text.slice(claim.start, claim.end)).toBe('Magnesium cures insomnia.');
  });
});
