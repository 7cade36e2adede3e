import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModerationResult } from '../../../shared/contract.js';
import { claimFor, FIXTURE_DIR, loadLabelledSet, measureAccuracy } from '../../support/labelled-set.js';

const set = loadLabelledSet();

describe('the labelled fixture set', () => {
  it('covers at least 20 drafts in every format', () => {
    expect(set.length).toBeGreaterThanOrEqual(20);
    expect(new Set(set.map(({ result }) => result.format))).toEqual(new Set(['text', 'markdown', 'html']));
  });

  describe.each(set)('$file', ({ file, labels, result }) => {
    it('produces a result that matches the contract', () => {
      expect(() => ModerationResult.parse(result)).not.toThrow();
    });

    it(`verdict is ${labels.verdict}`, () => {
      expect(result.verdict, JSON.stringify(result.reasons)).toBe(labels.verdict);
    });

    it('disclaimers are required and found as labelled', () => {
      for (const [id, expected] of Object.entries(labels.disclaimers)) {
        const found = result.disclaimers.find((disclaimer) => disclaimer.id === id);
        expect({ id, required: found?.required, status: found?.status }).toEqual({
          id,
          required: expected.required,
          status: expected.status,
        });
        if (expected.missingParts)
          expect([...(found?.missingParts ?? [])].sort()).toEqual([...expected.missingParts].sort());
      }
    });

    // A claim labelled high must be high; one labelled medium must be flagged (a learned score may rate it high).
    it('risky claims have at least their level, and their categories', () => {
      for (const label of labels.riskyClaims) {
        const claim = claimFor(result, label.match);
        if (label.level === 'high') expect(claim?.riskLevel, label.match).toBe('high');
        else expect(['medium', 'high'], label.match).toContain(claim?.riskLevel);
        expect(claim?.categories, label.match).toEqual(expect.arrayContaining(label.categories));
      }
    });

    it("every claim's factors add up to its score", () => {
      for (const claim of result.claims) {
        const sum = claim.factors.reduce((total, factor) => total + factor.weight, 0);
        expect(Math.min(100, Math.max(0, Math.round(sum))), claim.text).toBe(claim.riskScore);
      }
    });

    it('sentences labelled not risky are not medium or high', () => {
      for (const match of labels.notRisky)
        expect(claimFor(result, match)?.riskLevel ?? 'low', match).toBe('low');
    });

    it('citations are matched to the references as labelled', () => {
      for (const label of labels.citations) {
        const citation = result.citations.find(
          (found) => found.text.includes(label.match) || label.match.includes(found.text),
        );
        expect(citation, label.match).toBeDefined();
        expect(citation?.matchedReference !== null, label.match).toBe(label.supported);
      }
    });

    it('claim offsets point at the claim in the draft', () => {
      const source = fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8');
      for (const claim of result.claims) {
        const slice = source.slice(claim.start, claim.end);
        if (result.format === 'text') expect(slice.replace(/\s+/g, ' ')).toBe(claim.text);
        else {
          // Markup may sit inside the span, but it starts and ends with the claim's own words.
          const words = claim.text.match(/[\p{L}\p{N}]+/gu) ?? [];
          const opening = slice.replace(/^(?:<[^>]*>|[\s*_"“])+/u, '');
          expect(opening.startsWith(words[0] ?? ''), slice).toBe(true);
          expect(slice, claim.text).toContain(words.at(-1));
        }
      }
    });
  });

  it('reaches precision and recall of at least 0.9 on risky claims', () => {
    const accuracy = measureAccuracy(set);
    console.info(
      `labelled set: ${set.length} drafts, ${accuracy.labelledRisky} labelled risky claims; ` +
        `precision ${accuracy.precision.toFixed(3)}, recall ${accuracy.recall.toFixed(3)}, ` +
        `level agreement ${accuracy.levelAgreement.toFixed(3)}, ${accuracy.unlabelledRisky} risky claims on unlabelled sentences`,
    );
    expect(accuracy.falseNegatives).toEqual([]);
    expect(accuracy.precision).toBeGreaterThanOrEqual(0.9);
    expect(accuracy.recall).toBeGreaterThanOrEqual(0.9);
  });
});
