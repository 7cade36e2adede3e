import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModerationResult } from '../../../shared/contract.js';
import { moderateDraft } from '../../../shared/engine.js';

// The worked example is handed to the project beside the repo, never copied into it.
const SEED = path.resolve(
  import.meta.dirname,
  '../../../../shared/seed/magnesium-glycinate-antidepressants.txt',
);
const seedExists = fs.existsSync(SEED);
// The seed is handed to the project beside the repository, never copied into it.
if (!seedExists) console.info('seed article tests skipped: no seed article at ../shared/seed');

describe.runIf(seedExists)('the seed article (../shared/seed)', () => {
  let result: ModerationResult;
  let text: string;
  const claimWith = (fragment: string) => result.claims.find((claim) => claim.text.includes(fragment));

  beforeAll(() => {
    const bytes = fs.readFileSync(SEED);
    text = bytes.toString('utf8');
    result = moderateDraft({
      source: SEED,
      documentId: 'magnesium-glycinate-antidepressants',
      bytes,
      name: SEED,
    });
  });

  it('needs review', () => {
    expect(result.verdict).toBe('review');
  });

  it.each([
    'enhancing the efficacy of SSRIs',
    'reduced antidepressant-induced insomnia',
    'improving patients’ responses to SSRIs',
  ])('rates "%s" high, as a drug interaction', (fragment) => {
    const claim = claimWith(fragment);
    expect(claim?.riskLevel).toBe('high');
    expect(claim?.categories).toContain('drug_interaction');
  });

  it.each(['by 22%', 'by 30%', 'by 25%', 'by 28%', 'by 20%', 'up to 50%'])(
    'flags the study percentage "%s" as quantitative and establishment',
    (fragment) => {
      expect(claimWith(fragment)?.categories).toEqual(
        expect.arrayContaining(['quantitative_efficacy', 'establishment_claim']),
      );
    },
  );

  it('finds all six study citations unsupported by its headache-paper references', () => {
    expect(result.citations.map((citation) => citation.text)).toEqual([
      '(Tarleton & Littenberg, 2017)',
      'A study in Nutrients (2018)',
      'Research in Psychopharmacology (2020)',
      'A 2019 study in The Journal of Affective Disorders',
      'A trial in Stress Medicine (2021)',
      'A 2020 study in Cognitive Neuroscience',
    ]);
    expect(result.citations.every((citation) => citation.matchedReference === null)).toBe(true);
    expect(result.references).toHaveLength(6);
    for (const citation of result.citations)
      expect(text.slice(citation.start, citation.end)).toBe(citation.text);
  });

  it('does not rate the food-source list items as risky claims', () => {
    for (const food of [
      'Spinach, kale',
      'Almonds, pumpkin seeds',
      'Brown rice, quinoa',
      'Lentils, black beans',
      'Salmon and mackerel',
    ]) {
      expect(claimWith(food)?.riskLevel ?? 'low').toBe('low');
    }
  });

  it('reports the three default disclaimers present', () => {
    expect(result.disclaimers.map(({ id, status }) => ({ id, status }))).toEqual([
      { id: 'medical_advice', status: 'present' },
      { id: 'fda_structure_function', status: 'present' },
      { id: 'consult_professional', status: 'present' },
    ]);
  });
});
