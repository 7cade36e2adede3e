import { describe, expect, it } from 'vitest';
import { defaultPolicy, parsePolicy, PolicyError } from '../../../shared/policy/index.js';
import { check } from '../../support/engine.js';

const clone = () => structuredClone(defaultPolicy);

describe('the policy file', () => {
  it('names its version in every result', () => {
    expect(check('Magnesium cures depression.').policyVersion).toBe(defaultPolicy.version);
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
    const sentence = 'Magnesium cures frobnitis.';
    expect(check(sentence).claims).toEqual([]);
    const policy = clone();
    policy.version = 'test-1';
    policy.terms.diseases.push('frobnitis');
    const withTerm = parsePolicy(policy);
    expect(check(sentence, 'text', withTerm).claims[0]?.riskLevel).toBe('high');
    policy.thresholds = { medium: 95, high: 99 };
    const lenient = parsePolicy(policy);
    const result = check(sentence, 'text', lenient);
    expect(result.claims[0]?.riskLevel).toBe('low');
    expect(result.policyVersion).toBe('test-1');
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
