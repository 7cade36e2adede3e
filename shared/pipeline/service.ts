// What happens to one S3 event record: the pipeline's logic, free of Lambda and of any particular AWS endpoint.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { StatsCounters } from '../dashboard/store.js';
import { countingClaimUntil } from '../dashboard/store.js';
import { moderateDraft } from '../engine.js';
import { DraftError } from '../errors.js';
import type { DraftRef, S3EventRecord } from './events.js';
import { resolveDraft } from './events.js';
import type { BuiltRecord, ResultRecord } from './record.js';
import { buildFailedRecord, buildModeratedRecord, isSameUpload, recordKeys } from './record.js';
import { ensureReviewEnqueued, type ReviewQueue } from './review-queue.js';
import type { DraftBucket } from './s3.js';
import type { ResultsStore } from './store.js';

export interface PipelineDeps {
  store: ResultsStore;
  drafts: DraftBucket;
  reviews: ReviewQueue;
  counters: StatsCounters;
  logger: Logger;
  maxDraftBytes: number;
  now: () => Date;
}

export type DraftOutcome =
  | { kind: 'ignored'; reason: string }
  | { kind: 'recorded'; status: ResultRecord['status']; reviewSent: boolean }
  | { kind: 'duplicate'; reviewSent: boolean };

/**
 * Moderates the draft version an event names and records it exactly once in effect.
 * A draft that cannot be moderated is recorded `failed` and the call succeeds; any other error
 * (throttling, timeouts, a failed review send) is thrown so the message is retried, with nothing lost.
 */
export async function processDraftRecord(deps: PipelineDeps, event: S3EventRecord): Promise<DraftOutcome> {
  let { logger } = deps;
  try {
    const target = resolveDraft(event);
    if (target.kind === 'ignored') {
      logger.warn('Ignoring object that is not a draft', { key: target.key, reason: target.reason });
      return { kind: 'ignored', reason: target.reason };
    }
    const { ref } = target;
    // Every line logged about this draft carries its ids.
    logger = logger.createChild({
      persistentKeys: {
        publisherId: ref.publisherId,
        documentId: ref.documentId,
        draftVersion: ref.version,
        draftKey: ref.key,
      },
    });
    return await recordOnce({ ...deps, logger }, ref);
  } catch (error) {
    logger.error('Draft processing failed; the message will be retried', error as Error);
    throw error;
  }
}

async function recordOnce(deps: PipelineDeps, ref: DraftRef): Promise<DraftOutcome> {
  const key = recordKeys(ref);
  // A redelivered event skips the download and the engine; it may still owe the review message.
  const existing = await deps.store.get(key);
  if (existing !== undefined) return duplicate(deps, existing, 'Draft version already recorded');
  // The same bytes uploaded again (the ETag of the draft's latest result) are not a new draft to review.
  const latest = await deps.store.latest(key.pk);
  if (latest !== undefined && isSameUpload(latest, ref))
    return duplicate(deps, latest, 'Same content as the latest result; not moderated again');

  const built = await moderate(deps, ref);
  if (built.report !== undefined) {
    // The digest after the report: a reader that finds the digest finds the full result too.
    await deps.drafts.writeReport(ref.bucket, built.report.key, built.report.body);
    await deps.drafts.writeReport(ref.bucket, built.report.digest.key, built.report.digest.body);
  }
  // Written already claimed for counting: a concurrent delivery leaves the counters to this one.
  const record: ResultRecord = { ...built.record, countingUntil: countingClaimUntil(deps.now()) };
  if (!(await deps.store.putNew(record))) {
    const winner = await deps.store.get(key);
    if (winner === undefined)
      throw new Error(`conditional put failed but ${key.pk} ${key.sk} does not exist`);
    return duplicate(deps, winner, 'Draft version recorded by a concurrent delivery');
  }
  const { status } = record;
  deps.logger.info('Draft recorded', { status, riskScore: record.riskScore, failure: record.failure });
  // Counted before the review message goes out, so a draft reaches reviewers only once it is counted.
  await deps.counters.countResult(record, deps.now(), true);
  return { kind: 'recorded', status, reviewSent: await ensureReviewEnqueued(deps, record) };
}

async function duplicate(deps: PipelineDeps, existing: ResultRecord, why: string): Promise<DraftOutcome> {
  deps.logger.info(why, { status: existing.status, recordedVersion: existing.version });
  if (await deps.counters.countResult(existing, deps.now())) deps.logger.info('Counted a stored result');
  return { kind: 'duplicate', reviewSent: await ensureReviewEnqueued(deps, existing) };
}

async function moderate(deps: PipelineDeps, ref: DraftRef): Promise<BuiltRecord> {
  const processedAt = () => deps.now().toISOString();
  try {
    const draft = await deps.drafts.readDraft(ref, deps.maxDraftBytes);
    const result = moderateDraft(
      {
        source: `s3://${ref.bucket}/${ref.key}`,
        documentId: ref.documentId,
        bytes: draft.bytes,
        name: ref.key,
        ...(draft.contentType !== undefined && { contentType: draft.contentType }),
      },
      { maxBytes: deps.maxDraftBytes },
    );
    return buildModeratedRecord(ref, result, processedAt());
  } catch (error) {
    if (!(error instanceof DraftError)) throw error;
    // Permanent: record it once with its reason; retrying would fail the same way.
    deps.logger.warn('Draft cannot be moderated', { code: error.code, reason: error.message });
    return { record: buildFailedRecord(ref, error, processedAt()) };
  }
}
