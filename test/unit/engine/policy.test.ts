import { describe, expect, it } from 'vitest';
import { defaultModel } from '../../../shared/analysis/trained-model.js';
import { defaultPolicy, parsePolicy, PolicyError } from '../../../shared/policy/index.js';
import { check } from '../../support/engine.js';

const clone = () => structuredClone(defaultPolicy);
const SHOP = 'Shop our new supplement range. Add to cart today for free shipping on every order.';

describe('the policy file', () => {
  it("names its version and the model's version in every result", () => {
    expect(check('Magnesium cures depression.').policyVersion).toBe(
      `${defaultPolicy.version}+${defaultModel.version}`,
    );
  });

  it('rejects an invalid policy and says which fields are wrong', () => {
    const broken = { ...clone(), version: '', thresholds: { medium: 70, high: 40 } };
    expect(() => parsePolicy(broken, 'my-policy.json')).toThrow(PolicyError);
    expect(() => parsePolicy(broken, 'my-policy.json')).toThrow(/my-policy\.json.*version.*thresholds/s);
    const badPattern = clone();
    badPattern.disclaimers[0]!.parts[0]!.patterns = ['(unclosed'];
    expect(() => parsePolicy(badPattern)).toThrow(/not a valid regular expression/);
  });

  it('drives the analysis: terms, weights and thresholds are data', () => {
    const draft = `${SHOP}\nMagnesium cures zorblax.\n`;
    const claim = (result: ReturnType<typeof check>) =>
      result.claims.find((found) => found.text === 'Magnesium cures zorblax.');
    expect(claim(check(draft))?.riskLevel ?? 'low').not.toBe('high');
    const policy = clone();
    policy.version = 'test-1';
    policy.terms.diseases.push('zorblax');
    const withTerm = parsePolicy(policy);
    expect(claim(check(draft, 'text', withTerm))?.riskLevel).toBe('high');
    policy.thresholds = { medium: 95, high: 99 };
    const lenient = parsePolicy(policy);
    const result = check(draft, 'text', lenient);
    expect(claim(result)?.riskLevel ?? 'low').toBe('low');
    expect(result.policyVersion).toBe(`test-1+${defaultModel.version}`);
  });

  it('reads unseen disease and drug names as it reads listed ones', () => {
    // Neither word is in any list: the disease is known by its shape ("-itis"), the drug from RxNorm.
    for (const sentence of ['Magnesium cures frobnitis.', 'Turmeric works like apixaban.'])
      expect(check(`${SHOP}\n${sentence}\n`).claims.find((found) => found.text === sentence)?.riskLevel).toBe(
        'high',
      );
  });

  it('decides which disclaimers are required', () => {
    const text = 'Take 200 mg of magnesium glycinate at night. It supports normal muscle function.';
    expect(check(text).disclaimers.find((d) => d.id === 'fda_structure_function')?.required).toBe(true);
    const policy = clone();
    policy.disclaimers = policy.disclaimers.filter((d) => d.id !== 'fda_structure_function');
    expect(check(text, 'text', parsePolicy(policy)).disclaimers.map((d) => d.id)).toEqual([
      'medical_advice',
      'consult_professional',
    ]);
  });
});
