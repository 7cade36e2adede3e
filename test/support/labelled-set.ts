import fs from 'node:fs';
import path from 'node:path';
import {
  ClaimCategory,
  DisclaimerStatus,
  RiskLevel,
  Verdict,
  type ModerationResult,
} from '../../shared/contract.js';
import { moderateDraft } from '../../shared/engine.js';
import * as z from '../../shared/zod.js';

export const FIXTURE_DIR = path.resolve(import.meta.dirname, '../fixtures/drafts');

/** A risky claim's level: RiskLevel without `low`. */
const RiskyLevel = z.enum(
  RiskLevel.options.filter((level): level is Exclude<RiskLevel, 'low'> => level !== 'low'),
);

const Labels = z.object({
  drafts: z.record(
    z.string(),
    z.object({
      description: z.string(),
      verdict: Verdict,
      disclaimers: z.record(
        z.string(),
        z.object({
          required: z.boolean(),
          status: DisclaimerStatus,
          missingParts: z.optional(z.array(z.string())),
        }),
      ),
      riskyClaims: z.array(
        z.object({
          match: z.string(),
          level: RiskyLevel,
          categories: z.array(ClaimCategory),
        }),
      ),
      notRisky: z.array(z.string()),
      citations: z.array(z.object({ match: z.string(), supported: z.boolean() })),
    }),
  ),
});
export type DraftLabels = z.infer<typeof Labels>['drafts'][string];

export function loadLabelledSet(): Array<{ file: string; labels: DraftLabels; result: ModerationResult }> {
  const labels = Labels.parse(JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'labels.json'), 'utf8')));
  return Object.entries(labels.drafts).map(([file, draftLabels]) => {
    const bytes = fs.readFileSync(path.join(FIXTURE_DIR, file));
    return {
      file,
      labels: draftLabels,
      result: moderateDraft({ source: file, documentId: file, bytes, name: file }),
    };
  });
}

const squash = (text: string) => text.replace(/\s+/gu, ' ');

/** The claim whose sentence contains the labelled text. */
export function claimFor(result: ModerationResult, match: string) {
  const needle = squash(match);
  return result.claims.find((claim) => squash(claim.text).includes(needle));
}

export interface Accuracy {
  labelledRisky: number;
  truePositives: number;
  falseNegatives: string[];
  /** Risky claims on sentences labelled not risky. */
  falsePositives: string[];
  /** Risky claims on sentences the labels say nothing about. */
  unlabelledRisky: number;
  precision: number;
  recall: number;
  levelAgreement: number;
}

/** Precision and recall of "risky" (medium or high) claims over the labelled sentences. */
export function measureAccuracy(set: ReturnType<typeof loadLabelledSet>): Accuracy {
  let truePositives = 0;
  let sameLevel = 0;
  let labelledRisky = 0;
  let unlabelledRisky = 0;
  const falseNegatives: string[] = [];
  const falsePositives: string[] = [];
  for (const { file, labels, result } of set) {
    const risky = result.claims.filter((claim) => claim.riskLevel !== 'low');
    const explained = new Set<string>();
    for (const label of labels.riskyClaims) {
      labelledRisky++;
      const claim = claimFor(result, label.match);
      if (claim && claim.riskLevel !== 'low') {
        truePositives++;
        explained.add(claim.id);
        if (claim.riskLevel === label.level) sameLevel++;
      } else falseNegatives.push(`${file}: "${label.match}" (${claim?.riskLevel ?? 'not a claim'})`);
    }
    for (const match of labels.notRisky) {
      const claim = claimFor(result, match);
      if (claim && claim.riskLevel !== 'low') {
        falsePositives.push(`${file}: "${match}" (${claim.riskLevel})`);
        explained.add(claim.id);
      }
    }
    unlabelledRisky += risky.filter((claim) => !explained.has(claim.id)).length;
  }
  return {
    labelledRisky,
    truePositives,
    falseNegatives,
    falsePositives,
    unlabelledRisky,
    precision: truePositives / Math.max(1, truePositives + falsePositives.length),
    recall: truePositives / Math.max(1, labelledRisky),
    levelAgreement: sameLevel / Math.max(1, truePositives),
  };
}
