// The results table's item: one per draft version, with the keys that serve the three readers.
import * as z from '../zod.js';
import {
  Claim,
  CLAIM_CATEGORIES,
  ClaimCategory,
  DraftErrorCode,
  isFlagged,
  ModerationResult,
  ReviewReason,
  Verdict,
} from '../contract.js';
import type { DraftError } from '../errors.js';
import type { DraftRef } from './events.js';
import { reviewDigest } from '../report/digest.js';
import { PREFIXES, RecordStatus, REVIEW_API, REVIEW_MESSAGE, TABLE } from './resources.js';

// Key layout. `#` separates parts; publisher ids cannot contain it (events.ts), document ids come last in pk.
export const draftPk = (publisherId: string, documentId: string) => `DOC#${publisherId}#${documentId}`;
export const VERSION_SK_PREFIX = 'VER#';
export const versionSk = (sequencer: string, version: string) =>
  `${VERSION_SK_PREFIX}${sequencer}#${version}`;
/** Audit entries share the draft's partition; their own prefix keeps them out of "latest" and "history". */
export const AUDIT_SK_PREFIX = 'AUDIT#';
export const auditSkPrefix = (version: string) => `${AUDIT_SK_PREFIX}${version}#`;
export const auditSk = (version: string, at: string, id: string) => `${auditSkPrefix(version)}${at}#${id}`;
export const statusPk = (status: RecordStatus) => `STATUS#${status}`;
export const statusSk = (uploadedAt: string, publisherId: string, documentId: string, version: string) =>
  `${uploadedAt}#${publisherId}#${documentId}#${version}`;
export const publisherPk = (publisherId: string) => `PUB#${publisherId}`;
export const publisherSk = (uploadedAt: string, documentId: string, version: string) =>
  `${uploadedAt}#${documentId}#${version}`;

export function recordKeys(ref: DraftRef) {
  return { pk: draftPk(ref.publisherId, ref.documentId), sk: versionSk(ref.sequencer, ref.version) };
}

/** Where a result's claims, citations and references went when the item would be too large. */
export const reportKey = (ref: DraftRef) =>
  `${PREFIXES.reports}${ref.publisherId}/${ref.documentId}/${ref.version}.json`;

/** Beside a report, its digest for reviewers (shared/report/digest.ts): what the review API reads. */
export const digestKey = (reportKey: string) => reportKey.replace(/\.json$/, '.review.json');

/** The contract's result; the unbounded arrays are absent when they live in the `reports/` object instead. */
export const StoredResult = z.partial(ModerationResult, { claims: true, citations: true, references: true });
export type StoredResult = z.infer<typeof StoredResult>;

/** A flagged claim, cut down for the review message and the item. */
export const ReviewClaim = z.pick(Claim, {
  id: true,
  text: true,
  start: true,
  end: true,
  categories: true,
  riskScore: true,
  riskLevel: true,
  assertion: true,
});
export type ReviewClaim = z.infer<typeof ReviewClaim>;

export const Failure = z.object({ code: DraftErrorCode, message: z.string() });

export const ResultRecord = z.object({
  [TABLE.partitionKey]: z.string(),
  [TABLE.sortKey]: z.string(),
  [TABLE.indexes.byStatus.partitionKey]: z.string(),
  [TABLE.indexes.byStatus.sortKey]: z.string(),
  [TABLE.indexes.byPublisher.partitionKey]: z.string(),
  [TABLE.indexes.byPublisher.sortKey]: z.string(),
  publisherId: z.string(),
  documentId: z.string(),
  version: z.string(),
  versionId: z.optional(z.string()),
  eTag: z.optional(z.string()),
  sequencer: z.string(),
  bucket: z.string(),
  key: z.string(),
  size: z.optional(z.number().check(z.int(), z.nonnegative())),
  uploadedAt: z.iso.datetime(),
  processedAt: z.iso.datetime(),
  status: RecordStatus,
  verdict: z.optional(Verdict),
  riskScore: z.optional(z.number()),
  policyVersion: z.optional(z.string()),
  result: z.optional(StoredResult),
  /** Set when the full result is in this `reports/` object (same bucket) rather than in `result`. */
  reportKey: z.optional(z.string()),
  topClaims: z.optional(z.array(ReviewClaim)),
  failure: z.optional(Failure),
  /** When the review message was sent: a redelivered event sends again only while this is absent. */
  reviewEnqueuedAt: z.optional(z.iso.datetime()),
  /** The review lease (review API): who holds the draft and until when. Removed by the decision. */
  leaseId: z.optional(z.string()),
  leaseHolder: z.optional(z.string()),
  leaseExpiresAt: z.optional(z.iso.datetime()),
  /** The review message the lease keeps hidden: another message of the version met meanwhile is a duplicate. */
  leaseMessageId: z.optional(z.string()),
  /** The reviewer's decision, set together with `status` (approved, rejected or changes_requested). */
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(z.iso.datetime()),
  decisionNote: z.optional(z.string()),
  /** The categories of a flagged draft's non-low claims, so the dashboard counts it from the item alone. */
  flaggedCategories: z.optional(z.array(ClaimCategory)),
  /** When the dashboard's counters took the result (shared/dashboard): a redelivery adds them only while absent. */
  countedAt: z.optional(z.iso.datetime()),
  /** A delivery's claim to add them, so that two concurrent deliveries do not both add them; it expires. */
  countingUntil: z.optional(z.iso.datetime()),
  /** The same for the decision's counters. */
  decisionCountedAt: z.optional(z.iso.datetime()),
});
export type ResultRecord = z.infer<typeof ResultRecord>;

/** A row of either index: the summary attributes they project (TABLE.projectedAttributes), for list views. */
export const IndexSummary = z.pick(
  ResultRecord,
  Object.fromEntries(TABLE.projectedAttributes.map((name) => [name, true])) as Record<
    (typeof TABLE.projectedAttributes)[number],
    true
  >,
);
export type IndexSummary = z.infer<typeof IndexSummary>;

export interface BuiltRecord {
  record: ResultRecord;
  /**
   * The full result to write to `reports/` before the item, when the item would be too large, and its digest
   * (the review API's bounded lists), written beside it.
   */
  report?: { key: string; body: string; digest: { key: string; body: string } };
}

function baseRecord(ref: DraftRef, status: RecordStatus, processedAt: string) {
  return {
    ...recordKeys(ref),
    byStatusPk: statusPk(status),
    byStatusSk: statusSk(ref.uploadedAt, ref.publisherId, ref.documentId, ref.version),
    byPublisherPk: publisherPk(ref.publisherId),
    byPublisherSk: publisherSk(ref.uploadedAt, ref.documentId, ref.version),
    publisherId: ref.publisherId,
    documentId: ref.documentId,
    version: ref.version,
    ...(ref.versionId !== undefined && { versionId: ref.versionId }),
    ...(ref.eTag !== undefined && { eTag: ref.eTag }),
    sequencer: ref.sequencer,
    bucket: ref.bucket,
    key: ref.key,
    ...(ref.size !== undefined && { size: ref.size }),
    uploadedAt: ref.uploadedAt,
    processedAt,
    status,
  };
}

const truncate = (text: string) =>
  text.length > REVIEW_MESSAGE.maxTextChars ? `${text.slice(0, REVIEW_MESSAGE.maxTextChars - 1)}…` : text;

/** The claims a reviewer should look at first: the riskiest non-low ones. */
export function topFlaggedClaims(claims: readonly Claim[]): ReviewClaim[] {
  return claims
    .filter(isFlagged)
    .sort((a, b) => b.riskScore - a.riskScore)
    .slice(0, REVIEW_MESSAGE.topClaims)
    .map(({ id, text, start, end, categories, riskScore, riskLevel, assertion }) => ({
      id,
      text: truncate(text),
      start,
      end,
      categories,
      riskScore,
      riskLevel,
      ...(assertion !== undefined && { assertion }),
    }));
}

/** Every category of the non-low claims, once each, in taxonomy order. */
export function flaggedCategories(claims: readonly Claim[]): ClaimCategory[] {
  const found = new Set(claims.filter(isFlagged).flatMap((claim) => claim.categories));
  return CLAIM_CATEGORIES.filter((category) => found.has(category));
}

/** An over-estimate of DynamoDB's item size: its JSON in UTF-8 (names and values, plus punctuation). */
export function estimateItemBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item), 'utf8');
}

export function buildModeratedRecord(
  ref: DraftRef,
  result: ModerationResult,
  processedAt: string,
): BuiltRecord {
  const status: RecordStatus = result.verdict === 'review' ? 'pending_review' : 'passed';
  const record: ResultRecord = {
    ...baseRecord(ref, status, processedAt),
    verdict: result.verdict,
    riskScore: result.riskScore,
    policyVersion: result.policyVersion,
    ...(status === 'pending_review' && {
      topClaims: topFlaggedClaims(result.claims),
      flaggedCategories: flaggedCategories(result.claims),
    }),
    result,
  };
  if (estimateItemBytes(record) <= TABLE.itemOverflowBytes) return { record };
  const summary: StoredResult = { ...result };
  delete summary.claims;
  delete summary.citations;
  delete summary.references;
  const key = reportKey(ref);
  const digest = {
    key: digestKey(key),
    body: JSON.stringify(reviewDigest(result, REVIEW_API.responseBudget)),
  };
  return {
    record: { ...record, result: summary, reportKey: key },
    report: { key, body: JSON.stringify(result), digest },
  };
}

/**
 * Whether an upload (an event, or an object the reconciler lists) is the latest result's again: the same S3
 * version (a redelivery under another sequencer), or the same bytes. A failed result never stands for the same
 * bytes uploaded again: the draft may have been deleted before it was read (`not_found`), and whatever failed,
 * a new upload is the publisher asking again.
 */
export function isSameUpload(
  latest: Pick<ResultRecord, 'versionId' | 'eTag' | 'status'>,
  upload: { versionId?: string; eTag?: string },
): boolean {
  if (latest.versionId !== undefined && latest.versionId === upload.versionId) return true;
  return latest.status !== 'failed' && upload.eTag !== undefined && latest.eTag === upload.eTag;
}

export function buildFailedRecord(ref: DraftRef, error: DraftError, processedAt: string): ResultRecord {
  return { ...baseRecord(ref, 'failed', processedAt), failure: { code: error.code, message: error.message } };
}

/** The compact message reviewers receive: enough to triage, and where the full result lives. */
export const ReviewMessage = z.object({
  publisherId: z.string(),
  documentId: z.string(),
  version: z.string(),
  versionId: z.optional(z.string()),
  key: z.string(),
  uploadedAt: z.iso.datetime(),
  riskScore: z.number(),
  reasons: z.array(ReviewReason),
  topClaims: z.array(ReviewClaim),
  result: z.object({
    table: z.string(),
    pk: z.string(),
    sk: z.string(),
    /** `s3://bucket/reports/...` when the claims are not in the item. */
    report: z.optional(z.string()),
  }),
});
export type ReviewMessage = z.infer<typeof ReviewMessage>;

export function buildReviewMessage(record: ResultRecord, tableName: string): ReviewMessage {
  const reasons = (record.result?.reasons ?? [])
    .slice(0, REVIEW_MESSAGE.maxReasons)
    .map(({ code, detail }) => ({ code, detail: truncate(detail) }));
  return {
    publisherId: record.publisherId,
    documentId: record.documentId,
    version: record.version,
    ...(record.versionId !== undefined && { versionId: record.versionId }),
    key: record.key,
    uploadedAt: record.uploadedAt,
    riskScore: record.riskScore ?? 0,
    reasons,
    topClaims: record.topClaims ?? [],
    result: {
      table: tableName,
      pk: record.pk,
      sk: record.sk,
      ...(record.reportKey !== undefined && { report: `s3://${record.bucket}/${record.reportKey}` }),
    },
  };
}
