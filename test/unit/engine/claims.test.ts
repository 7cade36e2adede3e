import { describe, expect, it } from 'vitest';
import type { ModerationResult } from '../../../shared/contract.js';
import { check } from '../../support/engine.js';

/** A sentence inside a small shop page: the context a sales draft gives it. */
const SHOP = 'Shop our new supplement range. Add to cart today for free shipping on every order.';
function onShopPage(sentence: string) {
  const result = check(`${SHOP}\n${sentence}\n`);
  expect(result.genre?.kind).toBe('promotional');
  return result.claims.find((claim) => claim.text === sentence);
}

const flagged = (result: ModerationResult) => result.claims.filter((claim) => claim.riskLevel !== 'low');

describe('claims on a sales page', () => {
  it.each([
    ['Magnesium cures depression.', 'disease_claim', 'high'],
    ['Zinc lozenges cure colds.', 'disease_claim', 'high'],
    ['Our balm heals scars and burns fast.', 'disease_claim', 'medium'],
    ['Soothes sunburn and bug bites in minutes.', 'disease_claim', 'medium'],
    ['Our cinnamon capsules lower your A1c.', 'disease_claim', 'medium'],
    ['Magnesium glycinate enhances the efficacy of SSRIs.', 'drug_interaction', 'high'],
    ['Our chewable tablets help you come off PPIs for good.', 'drug_interaction', 'high'],
    ['Plenty of readers used our tea to get off their statins.', 'drug_interaction', 'high'],
    ['Since I started the drops I no longer need my inhaler.', 'drug_interaction', 'high'],
    ['Take 600 mg of magnesium a day.', 'dosage_advice', 'high'],
    ['Our zinc lozenges shorten colds by 40%.', 'quantitative_efficacy', 'medium'],
    ['Clinically proven: our magnesium supports deep sleep.', 'establishment_claim', 'medium'],
    [
      'Tart cherry has been shown to ease muscle soreness after hard training.',
      'establishment_claim',
      'medium',
    ],
    ['Our greens powder was scientifically shown to lift your energy.', 'establishment_claim', 'medium'],
    [
      'Pediatricians have recommended our fish oil to support healthy brain growth.',
      'establishment_claim',
      'medium',
    ],
    ['Our ashwagandha gummies are completely safe with no side effects.', 'safety_absolute', 'medium'],
    ['Our elderberry syrup is non-toxic and does not cause any side effects.', 'safety_absolute', 'medium'],
    ['Calm your nerves without any negative side effects.', 'safety_absolute', 'medium'],
    ['Give your child two DHA gummies for better focus.', 'vulnerable_group', 'medium'],
    ['Give your toddler 300 mg of calcium with breakfast each day.', 'vulnerable_group', 'high'],
    ['Magnesium regulates GABA and lowers cortisol, easing anxiety.', 'mechanism', 'medium'],
  ])('%s -> %s, at least %s', (sentence, category, level) => {
    const claim = onShopPage(sentence);
    expect(claim?.categories).toContain(category);
    expect(claim?.riskLevel === 'high' || claim?.riskLevel === level).toBe(true);
  });

  it('explains the score with factors that add up to it, in words', () => {
    const claim = onShopPage(
      'A study in Nutrients (2018) found that magnesium improved SSRI response by 22%.',
    )!;
    const sum = claim.factors.reduce((total, factor) => total + factor.weight, 0);
    expect(claim.riskScore).toBe(Math.min(100, Math.max(0, Math.round(sum))));
    const unsupported = claim.factors.find((factor) => factor.code === 'unsupported_citation');
    expect(unsupported?.detail).toContain('"A study in Nutrients (2018)"');
    for (const factor of claim.factors) expect(factor.detail).not.toMatch(/^[a-z]+_[a-z_]+:|×/u);
  });

  it('flags a claim that the FDA approved the product, however it is worded, and not its denial', () => {
    for (const sentence of [
      'Our formula is FDA approved.',
      'Our capsules are approved by the FDA for joint health.',
    ]) {
      const claim = onShopPage(sentence);
      expect(claim?.riskLevel, sentence).toBe('high');
      expect(claim?.factors.map((factor) => factor.code)).toContain('fda_approval_claim');
    }
    for (const sentence of [
      'This product is not FDA approved.',
      'This product has not been approved by the FDA.',
    ])
      expect(onShopPage(sentence)?.riskLevel ?? 'low', sentence).toBe('low');
  });

  it('flags a dose above the upper limit', () => {
    const claim = onShopPage('Take 600 mg of magnesium a day.')!;
    expect(claim.factors.find((factor) => factor.code === 'above_upper_limit')?.detail).toContain('350 mg');
  });
});

describe('how a claim is put (its assertion status)', () => {
  it('a negated claim is not a claim', () => {
    for (const sentence of [
      'Magnesium does not cure depression.',
      'There is no evidence that zinc prevents colds.',
      'Our herbal remedy does not cure arthritis.',
    ]) {
      const claim = onShopPage(sentence);
      expect(claim?.assertion ?? 'negated').toBe('negated');
      expect(claim?.riskLevel ?? 'low').toBe('low');
    }
  });

  it('a cue that carries its own "no" or "without" is said, not denied', () => {
    for (const sentence of [
      'Our valerian drops settle you to sleep without medication.',
      'You can sip it every evening without drugs.',
    ]) {
      const claim = onShopPage(sentence);
      expect(claim?.assertion).toBe('asserted');
      expect(claim?.categories).toContain('drug_interaction');
      expect(claim?.riskLevel).toBe('high');
    }
    expect(onShopPage('These drops have no side effects at all.')?.assertion).toBe('asserted');
  });

  it('a negated comparative with nothing to compare to ("never felt better") says the most, not the opposite', () => {
    const claim = onShopPage(
      'Since I started these turmeric capsules my arthritis knees have never felt better.',
    );
    expect(claim?.assertion).toBe('asserted');
    expect(claim?.categories).toContain('disease_claim');
    const compared = onShopPage('In the trial our capsules did not work better than placebo for arthritis.');
    expect(compared?.assertion ?? 'negated').toBe('negated');
  });

  it('a negation inside a relative clause denies that clause, not the claim after it', () => {
    const claim = onShopPage('Adults who do not eat fish can protect their heart with our omega-3 softgels.');
    expect(claim?.assertion).toBe('asserted');
    expect(claim?.riskLevel).not.toBe('low');
    // A verb joined to the relative clause's own ("cure X or heal Y") is still inside it.
    expect(onShopPage('It is a balm which does not cure eczema or heal burns.')?.assertion ?? 'negated').toBe(
      'negated',
    );
  });

  it('a product called a drug stays asserted beside a negation that is about something else', () => {
    const claim = onShopPage(
      'Our oregano drops are a natural antifungal, without the harsh side effects of prescription creams.',
    );
    expect(claim?.assertion).toBe('asserted');
    expect(claim?.riskLevel).toBe('high');
  });

  it('"not only ... but also" does not negate', () => {
    const claim = onShopPage('Magnesium not only eases anxiety but also cures insomnia.');
    expect(claim?.assertion).toBe('asserted');
    expect(claim?.riskLevel).toBe('high');
  });

  it('a hedge does not soften a disease claim on a sales page', () => {
    const hedged = onShopPage('Magnesium may help prevent migraines.');
    expect(hedged?.assertion).toBe('hedged');
    expect(hedged?.riskLevel).toBe('high');
    expect(onShopPage('Magnesium may support normal muscle function.')?.riskLevel).not.toBe('high');
  });

  it('a question is weaker than an assertion, and reported speech is not the writer’s claim', () => {
    const asserted = onShopPage('Zinc cures colds.')!;
    const asked = onShopPage('Can zinc cure colds?')!;
    const reported = onShopPage('Some websites claim that zinc cures colds.');
    expect(asked.assertion).toBe('question');
    expect(asked.riskScore).toBeLessThan(asserted.riskScore);
    expect(reported?.assertion ?? 'reported').toBe('reported');
    expect(reported?.riskLevel ?? 'low').toBe('low');
    // A belief or a misconception told of others is theirs, not the writer's.
    for (const sentence of [
      'Many parents hold the belief that melatonin cures insomnia in children.',
      'It is a common misconception that vitamin C cures colds.',
    ]) {
      expect(onShopPage(sentence)?.assertion, sentence).toBe('reported');
      expect(onShopPage(sentence)?.riskLevel, sentence).toBe('low');
    }
  });

  it('a condition makes only its own clause hypothetical', () => {
    // The claim after the comma stands whatever the condition; in a "whether" clause the claim itself is open.
    const consequent = onShopPage('If your joints ache, turmeric cures arthritis.');
    expect(consequent?.assertion).toBe('asserted');
    expect(consequent?.riskLevel).toBe('high');
    const open = onShopPage('Whether turmeric cures arthritis is still unknown.');
    expect(open?.assertion ?? 'hypothetical').toBe('hypothetical');
    expect(open?.riskLevel ?? 'low').not.toBe('high');
  });

  it('a warning of harm is not a claimed benefit', () => {
    const claim = onShopPage('Too much vitamin D can raise blood calcium and cause kidney stones.');
    expect(claim?.riskLevel ?? 'low').toBe('low');
  });

  it.each(['Order two jars this week and save 15%.', 'Buy three, get one free today!', 'Order now!'])(
    'a call to buy is no health claim at all: %s',
    (sentence) => {
      expect(onShopPage(sentence)).toBeUndefined();
    },
  );

  it('EU-authorised wording is not a disease claim', () => {
    const claim = onShopPage('Iron contributes to the reduction of tiredness and fatigue.');
    expect(claim?.categories ?? []).not.toContain('disease_claim');
    expect(claim?.riskLevel).not.toBe('high');
  });
});

describe('who is speaking (the genre)', () => {
  const factSheet = [
    'Magnesium: a fact sheet for consumers',
    '',
    'What is magnesium?',
    'Magnesium is a mineral the body needs for healthy muscles and nerves. Leafy greens, nuts and whole grains contain it.',
    '',
    'What does the research say?',
    '• Small studies suggest that magnesium may ease migraine headaches a little, but the evidence is mixed and more research is needed.',
    '• People who take magnesium in high doses may get diarrhea or stomach cramps.',
    '',
    'Is it safe?',
    'Talk to your health care provider before you take a supplement, especially if you take medicines for your heart or kidneys.',
  ].join('\n');

  it('a reference text: hedged evidence summaries are not claims, and no disclaimer is needed', () => {
    const result = check(factSheet);
    expect(result.genre?.kind).toBe('reference');
    expect(result.genre?.reasons.join(' ')).toContain('hedged evidence summaries are not claims');
    expect(flagged(result)).toEqual([]);
    expect(result.disclaimers.filter((disclaimer) => disclaimer.required)).toEqual([]);
    expect(result.verdict).toBe('pass');
  });

  it('a page that is not about health borrows health words without making a claim', () => {
    const news = [
      'Council approves budget',
      'The city council approved next year’s budget on Tuesday after a long debate.',
      'Officials said the plan would cure the deficit within two years and keep the local economy healthy.',
      'Bus fares will rise by 5 percent in March, and the new bike lanes open in the spring.',
      'The mayor thanked residents for the hundreds of comments the council received.',
    ].join('\n');
    const result = check(news);
    expect(result.genre?.kind).toBe('non_health');
    expect(flagged(result)).toEqual([]);
    expect(result.verdict).toBe('pass');
  });

  it('a sales page: hedges do not soften disease claims', () => {
    const result = check(`${SHOP}\nMagnesium may help ease depression.\n`);
    expect(result.genre?.kind).toBe('promotional');
    expect(result.genre?.reasons.join(' ')).toContain('hedges do not soften disease claims');
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
    expect(flagged(check(draft))).toEqual([]);
  });

  it('a cooking step is not dosage advice, even beside a claim', () => {
    const recipe = [
      'Golden Turmeric Lentil Soup',
      'Ingredients: 1 cup red lentils, 1 onion, 2 teaspoons turmeric, 4 cups vegetable broth.',
      'Sauté the onion in olive oil until soft. Add the lentils and broth and simmer for 20 minutes.',
      'Turmeric is a powerful anti-inflammatory that fights arthritis pain naturally.',
    ].join('\n');
    const claims = flagged(check(recipe));
    expect(claims.map((claim) => claim.text)).toEqual([
      'Turmeric is a powerful anti-inflammatory that fights arthritis pain naturally.',
    ]);
  });

  it('naming a supplement to sell it says nothing of what it does for the body', () => {
    const page = [
      'Shop our new supplement range.',
      'Browse our vitamin and mineral supplements and add them to your cart.',
      'Our magnesium gummies help you unwind after a long day.',
    ].join('\n');
    expect(flagged(check(page)).map((claim) => claim.text)).toEqual([
      'Our magnesium gummies help you unwind after a long day.',
    ]);
  });

  it("a product page's feature list speaks of the product", () => {
    const page =
      '# GutGlow Probiotic\n\nGutGlow probiotic capsules for daily use. Order now for free shipping.\n\n- Safe for kids and pregnant women\n- Works better than antibiotics for gut infections\n';
    const claims = flagged(check(page, 'markdown'));
    const safe = claims.find((claim) => claim.text.startsWith('Safe for kids'));
    const better = claims.find((claim) => claim.text.startsWith('Works better'));
    expect(safe?.categories).toEqual(expect.arrayContaining(['safety_absolute', 'vulnerable_group']));
    expect(better?.categories).toContain('drug_interaction');
    expect(better?.riskLevel).toBe('high');
  });

  it('a heading can be a claim', () => {
    const result = check(
      '# 14 Proven Ways to Beat Depression Without Drugs\n\nOur guide and our favourite supplements follow. Shop the list below.',
      'markdown',
    );
    const heading = result.claims.find((claim) => claim.text.startsWith('14 Proven Ways'));
    expect(heading?.categories).toEqual(expect.arrayContaining(['disease_claim']));
    expect(heading?.riskLevel).toBe('high');
  });
});

describe('offsets', () => {
  it('point at the claim in the draft as read, through markup and entities', () => {
    const html =
      '<p>Buy our fish oil today.</p><p>Our <b>fish&nbsp;oil</b> cures heart disease &amp; stroke.</p>';
    const claim = check(html, 'html').claims.find((found) => found.text.startsWith('Our fish oil cures'))!;
    expect(html.slice(claim.start, claim.end)).toBe(
      'Our <b>fish&nbsp;oil</b> cures heart disease &amp; stroke.',
    );
    expect(claim.text).toBe('Our fish oil cures heart disease & stroke.');
  });

  it('are UTF-16 offsets into the text for plain drafts', () => {
    const text = 'Émilie’s 🌿 tip. Buy our magnesium today. Magnesium cures insomnia.';
    const claim = check(text).claims.find((found) => found.text === 'Magnesium cures insomnia.')!;
    expect(text.slice(claim.start, claim.end)).toBe('Magnesium cures insomnia.');
  });
});
