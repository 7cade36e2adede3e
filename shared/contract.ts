import * as z from './zod.js';

/** Claim categories from the domain taxonomy, plus `general_health` for health claims that fit none. */
export const CLAIM_CATEGORIES = [
  'disease_claim',
  'drug_interaction',
  'quantitative_efficacy',
  'establishment_claim',
  'safety_absolute',
  'dosage_advice',
  'vulnerable_group',
  'mechanism',
  'testimonial',
  'general_health',
] as const;
export const ClaimCategory = z.enum(CLAIM_CATEGORIES);
export type ClaimCategory = z.infer<typeof ClaimCategory>;

export const RiskLevel = z.enum(['low', 'medium', 'high']);
export type RiskLevel = z.infer<typeof RiskLevel>;

/** How many of the claims stand at each risk level. */
export function countByLevel(claims: Iterable<{ riskLevel: RiskLevel }>): Record<RiskLevel, number> {
  const levels = { high: 0, medium: 0, low: 0 };
  for (const claim of claims) levels[claim.riskLevel]++;
  return levels;
}

export const Verdict = z.enum(['pass', 'review']);
export type Verdict = z.infer<typeof Verdict>;

export const DraftFormat = z.enum(['text', 'markdown', 'html']);
export type DraftFormat = z.infer<typeof DraftFormat>;

/** Who is speaking: hedges and "studies found" are judged differently in a reference text and a sales page. */
export const GenreKind = z.enum(['non_health', 'reference', 'promotional']);
export type GenreKind = z.infer<typeof GenreKind>;

export const Genre = z.object({
  kind: GenreKind,
  /** How likely each genre is, 0..1. */
  likelihood: z.object({ non_health: z.number(), reference: z.number(), promotional: z.number() }),
  /** Why, in sentences: what in the draft pointed to the genre. */
  reasons: z.array(z.string()),
});
export type Genre = z.infer<typeof Genre>;

/** How a claim is put: only an asserted claim is the writer's own, unsoftened. */
export const ClaimAssertion = z.enum([
  'asserted',
  'negated',
  'hedged',
  'question',
  'reported',
  'hypothetical',
]);
export type ClaimAssertion = z.infer<typeof ClaimAssertion>;

const offset = z.number().check(z.int(), z.nonnegative());
const score = z.number().check(z.int(), z.gte(0), z.lte(100));

export const Factor = z.object({
  code: z.string().check(z.minLength(1)),
  detail: z.string(),
  weight: z.number(),
});
export type Factor = z.infer<typeof Factor>;

export const Claim = z.object({
  id: z.string(),
  text: z.string(),
  start: offset,
  end: offset,
  categories: z.array(ClaimCategory),
  riskScore: score,
  riskLevel: RiskLevel,
  /** Absent on results stored before assertion status existed. */
  assertion: z.optional(ClaimAssertion),
  factors: z.array(Factor),
  citationIds: z.optional(z.array(z.string())),
});
export type Claim = z.infer<typeof Claim>;

/** Medium and high risk: the claims reviewers and publishers must look at (low ones are only listed). */
export const isFlagged = (claim: { riskLevel: RiskLevel }) => claim.riskLevel !== 'low';

export const Citation = z.object({
  id: z.string(),
  text: z.string(),
  start: offset,
  end: offset,
  /** Id of the reference it matches, or null when the draft's reference list does not contain it. */
  matchedReference: z.nullable(z.string()),
});
export type Citation = z.infer<typeof Citation>;

export const Reference = z.object({
  id: z.string(),
  text: z.string(),
  start: offset,
  end: offset,
  number: z.nullable(z.number().check(z.int())),
  authors: z.array(z.string()),
  year: z.nullable(z.number().check(z.int())),
  journal: z.nullable(z.string()),
  title: z.nullable(z.string()),
  doi: z.nullable(z.string()),
});
export type Reference = z.infer<typeof Reference>;

export const DisclaimerStatus = z.enum(['present', 'altered', 'missing']);
export type DisclaimerStatus = z.infer<typeof DisclaimerStatus>;

export const DisclaimerResult = z.object({
  id: z.string(),
  required: z.boolean(),
  status: DisclaimerStatus,
  /** Why the policy requires it for this draft, or why not. */
  requiredBecause: z.string(),
  missingParts: z.optional(z.array(z.string())),
  /** What was changed, where a part was altered rather than left out. */
  notes: z.optional(z.array(z.string())),
  /** The wording to add, when the disclaimer is missing or altered. */
  expectedText: z.optional(z.string()),
  start: z.optional(offset),
  end: z.optional(offset),
});
export type DisclaimerResult = z.infer<typeof DisclaimerResult>;

export const ReviewReason = z.object({ code: z.string(), detail: z.string() });
export type ReviewReason = z.infer<typeof ReviewReason>;

export const ModerationResult = z.object({
  source: z.string(),
  documentId: z.string(),
  policyVersion: z.string(),
  format: DraftFormat,
  verdict: Verdict,
  riskScore: score,
  /** Absent on results stored before genres existed. */
  genre: z.optional(Genre),
  /** Why the verdict is `review`; empty on `pass`. What a publisher has to fix. */
  reasons: z.array(ReviewReason),
  disclaimers: z.array(DisclaimerResult),
  claims: z.array(Claim),
  citations: z.array(Citation),
  references: z.array(Reference),
  stats: z.object({
    characters: z.number().check(z.int(), z.nonnegative()),
    sentences: z.number().check(z.int(), z.nonnegative()),
    /** Every claim found; `claims` lists at most 5,000 of them, the riskiest, in text order. */
    claims: z.number().check(z.int(), z.nonnegative()),
    /** Every claim found, by risk level (absent on results stored before the listing was capped). */
    levels: z.optional(z.object({ high: offset, medium: offset, low: offset })),
    ms: z.number().check(z.nonnegative()),
  }),
});
export type ModerationResult = z.infer<typeof ModerationResult>;

export const DRAFT_ERROR_CODES = [
  'not_found',
  'unreadable',
  'empty',
  'binary',
  'not_utf8',
  'too_large',
  'unknown_format',
] as const;
export const DraftErrorCode = z.enum(DRAFT_ERROR_CODES);
export type DraftErrorCode = z.infer<typeof DraftErrorCode>;

/** What is reported for a draft that cannot be moderated. */
export const DraftErrorRecord = z.object({
  source: z.string(),
  error: z.object({ code: DraftErrorCode, message: z.string() }),
});
export type DraftErrorRecord = z.infer<typeof DraftErrorRecord>;
