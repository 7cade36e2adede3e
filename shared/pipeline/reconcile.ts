// Nothing stranded (issue 12): the reconciler finds what the pipeline's messages no longer carry and sends it
// again, once. (a) A version pending review whose review message is gone (the local queue restarted empty, a
// message expired, reached the DLQ and was never redriven, or was deleted by hand). (b) A draft object under
// drafts/ without a result (its upload event was lost: a process killed mid-flight, a message expired). Each is
// claimed on the table first, so a second run, or two runs at once, add nothing.
import { ListObjectVersionsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resolveDraft, S3EventRecord, s3Notification } from './events.js';
import type { CreatedObject, DraftRef } from './events.js';
import {
  buildReviewMessage,
  IndexSummary,
  isSameUpload,
  publisherPk,
  recordKeys,
  statusPk,
} from './record.js';
import type { ResultRecord } from './record.js';
import { PREFIXES, RECONCILER, TABLE } from './resources.js';
import { ensureReviewEnqueued, ReviewQueue } from './review-queue.js';
import type { RecordKey } from './store.js';
import { ResultsStore } from './store.js';

export interface ReconcileLog {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
}

export interface ReconcileDeps {
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  s3: S3Client;
  tableName: string;
  reviewQueueUrl: string;
  ingestQueueUrl: string;
  /** The drafts bucket; versioned on AWS (its listing names version ids), not locally. */
  bucket: string;
  bucketVersioned: boolean;
  region: string;
  log: ReconcileLog;
  now?: () => Date;
  /** Defaults from RECONCILER; the local runner shortens the ones AWS's eventual consistency needs. */
  reviewGraceSeconds?: number;
  draftGraceSeconds?: number;
}

const KEY_NAMES = { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey };
const seconds = (iso: string) => Date.parse(iso) / 1000;

interface QueueState {
  /** When the queue was created: any message sent before then is gone (a local restart, a replaced queue). */
  createdAt: number;
  /** Messages waiting, in flight (leased) and delayed, as SQS counts them (approximately, on AWS). */
  messages: number;
}

async function queueState(sqs: SQSClient, queueUrl: string): Promise<QueueState> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'CreatedTimestamp',
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const count = (name: string) => Number(Attributes[name as keyof typeof Attributes] ?? 0);
  return {
    createdAt: count('CreatedTimestamp'),
    messages:
      count('ApproximateNumberOfMessages') +
      count('ApproximateNumberOfMessagesNotVisible') +
      count('ApproximateNumberOfMessagesDelayed'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// (a) Review messages

export interface ReviewsReport {
  pending: number;
  queued: number;
  /** Whether the queue was read (only when its count falls short of the pending versions). */
  inventoried: boolean;
  reenqueued: number;
}

type PendingRow = IndexSummary & RecordKey;

/** Every row of one partition of an index, page by page. */
async function* indexRows(deps: ReconcileDeps, index: 'byStatus' | 'byPublisher', partition: string) {
  const { name, partitionKey } = TABLE.indexes[index];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': partition },
        ...(start !== undefined && { ExclusiveStartKey: start }),
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

/** Every version pending review, from the byStatus index (its rows carry the table's keys). */
async function pendingVersions(deps: ReconcileDeps): Promise<PendingRow[]> {
  const rows: PendingRow[] = [];
  for await (const item of indexRows(deps, 'byStatus', statusPk('pending_review')))
    rows.push({
      ...IndexSummary.parse(item),
      pk: String(item[TABLE.partitionKey]),
      sk: String(item[TABLE.sortKey]),
    });
  return rows;
}

/** What the queue holds: the versions its visible messages name, and the documents (FIFO groups) they are in. */
interface Inventory {
  versions: Set<string>;
  documents: Set<string>;
  /** False when the queue held more than the inventory reads: then nothing is taken to be lost. */
  complete: boolean;
}

const versionKey = (key: RecordKey) => `${key.pk}\n${key.sk}`;

/**
 * Receives every visible review message, holding each while it reads on, then lets them all go again. A
 * message behind a held one in its FIFO group is not returned: its document counts as present. Receiving through
 * ReviewQueue renews a message near its receive limit, so these looks never take a waiting draft to the DLQ.
 */
async function inventory(deps: ReconcileDeps, reviews: ReviewQueue): Promise<Inventory> {
  const found: Inventory = { versions: new Set(), documents: new Set(), complete: true };
  const held: string[] = [];
  try {
    for (let seen = 0; ;) {
      const received = await reviews.receive(
        {
          maxMessages: 10,
          visibilitySeconds: RECONCILER.inventoryHoldSeconds,
          // A long poll asks every SQS server; a short one may miss messages.
          waitSeconds: 1,
        },
        deps.log,
      );
      if (received.length === 0) break;
      seen += received.length;
      for (const { receiptHandle, review, renewed } of received) {
        // A renewed message is gone; its copy waits behind, and is received later in this same read.
        if (!renewed) held.push(receiptHandle);
        if (review === undefined) continue;
        found.versions.add(versionKey(review.result));
        found.documents.add(review.result.pk);
      }
      if (seen >= RECONCILER.inventoryMaxMessages) {
        found.complete = false;
        break;
      }
    }
  } finally {
    for (let i = 0; i < held.length; i += 10) {
      const entries = held.slice(i, i + 10).map((receiptHandle, index) => ({
        Id: String(index),
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: 0,
      }));
      await deps.sqs.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: deps.reviewQueueUrl, Entries: entries }),
      );
    }
  }
  return found;
}

/**
 * Re-enqueues every version pending review whose message is gone. Cheap when nothing is: the pending rows of
 * the index and the queue's counts. Only when the queue holds fewer messages than versions wait (or it was
 * created after some were sent) does it read each candidate's item, and only in the first case the queue.
 */
export async function reconcileReviews(deps: ReconcileDeps): Promise<ReviewsReport> {
  const now = (deps.now ?? (() => new Date()))();
  const graceSeconds = deps.reviewGraceSeconds ?? RECONCILER.reviewGraceSeconds;
  const [pending, queue] = await Promise.all([
    pendingVersions(deps),
    queueState(deps.sqs, deps.reviewQueueUrl),
  ]);
  // Sent before the queue existed: certainly gone, whatever else is true.
  const predating = pending.filter((row) => seconds(row.processedAt) < queue.createdAt);
  const short = queue.messages < pending.length;
  const report: ReviewsReport = {
    pending: pending.length,
    queued: queue.messages,
    inventoried: false,
    reenqueued: 0,
  };
  if (!short && predating.length === 0) return report;
  const reviews = new ReviewQueue(deps.sqs, deps.reviewQueueUrl);
  const found = short ? await inventory(deps, reviews) : undefined;
  report.inventoried = found !== undefined;
  if (found?.complete === false)
    deps.log.warn(
      'Review queue too long to read whole; only versions sent before it was created are checked',
    );
  const candidates =
    found?.complete === true ? pending.filter((row) => !found.versions.has(versionKey(row))) : predating;

  const store = new ResultsStore(deps.db, deps.tableName);
  for (const row of candidates) {
    const record = await store.get({ pk: row.pk, sk: row.sk });
    if (record === undefined || record.status !== 'pending_review') continue;
    const sentAt = seconds(record.reviewEnqueuedAt ?? record.processedAt);
    const gone =
      sentAt < queue.createdAt ||
      (found?.complete === true &&
        sentAt < now.getTime() / 1000 - graceSeconds &&
        !leaseMayHoldMessage(record, now) &&
        !found.documents.has(record.pk));
    if (gone && (await reenqueue(deps, store, reviews, record, now))) report.reenqueued++;
  }
  return report;
}

/** A live lease (or one just ended) keeps its message invisible: it is there, only not receivable. */
function leaseMayHoldMessage(record: ResultRecord, now: Date): boolean {
  if (record.leaseExpiresAt === undefined) return false;
  return seconds(record.leaseExpiresAt) + RECONCILER.leaseGraceSeconds > now.getTime() / 1000;
}

async function reenqueue(
  deps: ReconcileDeps,
  store: ResultsStore,
  reviews: ReviewQueue,
  record: ResultRecord,
  now: Date,
): Promise<boolean> {
  const ids = {
    pk: record.pk,
    sk: record.sk,
    documentId: record.documentId,
    publisherId: record.publisherId,
  };
  // Never sent: the pipeline's own send, with its deduplication id (SQS drops a duplicate of a send in flight).
  if (record.reviewEnqueuedAt === undefined) {
    const sent = await ensureReviewEnqueued({ store, reviews, logger: deps.log, now: () => now }, record);
    if (sent) deps.log.info('Review message sent for a flagged version that had none', ids);
    return sent;
  }
  const at = now.toISOString();
  if (!(await store.claimReviewResend(record, record.reviewEnqueuedAt, at))) return false;
  await reviews.send(buildReviewMessage({ ...record, reviewEnqueuedAt: at }, deps.tableName), record, at);
  deps.log.info('Review message sent again: the one sent before is gone', {
    ...ids,
    previouslySentAt: record.reviewEnqueuedAt,
  });
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// (b) Draft objects

export interface DraftsReport {
  checked: number;
  resent: number;
  /** Where the next run goes on, when this one stopped before the end of the listing. */
  nextCursor?: DraftsCursor;
}

/** A position in the listing of drafts/: the key (and version, on a versioned bucket) to go on after. */
export interface DraftsCursor {
  key: string;
  versionId?: string;
}

interface ListedObject {
  key: string;
  versionId?: string;
  eTag: string;
  size: number;
  lastModified: Date;
}

interface ListedPage {
  objects: ListedObject[];
  next?: DraftsCursor;
}

/** One page of current objects under drafts/ (the latest version of each key, delete markers left out). */
async function listPage(deps: ReconcileDeps, after: DraftsCursor | undefined): Promise<ListedPage> {
  const unquote = (eTag: string | undefined) => (eTag ?? '').replace(/"/g, '');
  if (!deps.bucketVersioned) {
    const page = await deps.s3.send(
      new ListObjectsV2Command({
        Bucket: deps.bucket,
        Prefix: PREFIXES.drafts,
        ...(after !== undefined && { StartAfter: after.key }),
      }),
    );
    const objects = (page.Contents ?? []).map((entry) => ({
      key: entry.Key ?? '',
      eTag: unquote(entry.ETag),
      size: entry.Size ?? 0,
      lastModified: entry.LastModified ?? new Date(0),
    }));
    const last = objects.at(-1);
    return { objects, ...(page.IsTruncated === true && last !== undefined && { next: { key: last.key } }) };
  }
  const page = await deps.s3.send(
    new ListObjectVersionsCommand({
      Bucket: deps.bucket,
      Prefix: PREFIXES.drafts,
      ...(after !== undefined && { KeyMarker: after.key, VersionIdMarker: after.versionId }),
    }),
  );
  const objects = (page.Versions ?? [])
    .filter((entry) => entry.IsLatest === true)
    .map((entry) => ({
      key: entry.Key ?? '',
      ...(entry.VersionId !== undefined && { versionId: entry.VersionId }),
      eTag: unquote(entry.ETag),
      size: entry.Size ?? 0,
      lastModified: entry.LastModified ?? new Date(0),
    }));
  const next =
    page.IsTruncated === true && page.NextKeyMarker !== undefined
      ? {
          key: page.NextKeyMarker,
          ...(page.NextVersionIdMarker !== undefined && { versionId: page.NextVersionIdMarker }),
        }
      : undefined;
  return { objects, ...(next !== undefined && { next }) };
}

/** The marker a resend leaves in the draft's partition, so that the next run does not send it again. */
export const resentSk = (version: string) => `RESENT#${version}`;

/**
 * Sends the upload event again for every current object under drafts/ that has no result: one whose upload
 * predates the ingest queue (its event cannot be there), or older than the grace period. An object is looked up
 * in its publisher's byPublisher rows first (small rows, read once per publisher), and only when its version is
 * not there (a failed `not_found`, the same bytes uploaded again, or not recorded at all) in the table. Pages
 * through the listing until `timeLeftMs` says to stop, and answers where to go on.
 */
export async function reconcileDrafts(
  deps: ReconcileDeps,
  options: { after?: DraftsCursor; timeLeftMs?: () => number } = {},
): Promise<DraftsReport> {
  const now = (deps.now ?? (() => new Date()))();
  const graceSeconds = deps.draftGraceSeconds ?? RECONCILER.draftGraceSeconds;
  const ingest = await queueState(deps.sqs, deps.ingestQueueUrl);
  const store = new ResultsStore(deps.db, deps.tableName);
  const report: DraftsReport = { checked: 0, resent: 0 };
  let recorded: { publisherId: string; versions: Set<string> } | undefined;
  let after = options.after;
  for (;;) {
    const page = await listPage(deps, after);
    report.checked += page.objects.length;
    const unsettled: Array<{ object: ListedObject; ref: DraftRef }> = [];
    for (const object of page.objects) {
      const uploaded = object.lastModified.getTime() / 1000;
      if (uploaded >= ingest.createdAt && uploaded >= now.getTime() / 1000 - graceSeconds) continue;
      const target = resolveDraft(S3EventRecord.parse(createdEvent(deps, object, '1').Records[0]));
      if (target.kind === 'ignored') continue;
      const { ref } = target;
      // Keys are listed in order, so each publisher's objects come together: its rows are read once.
      if (recorded?.publisherId !== ref.publisherId)
        recorded = { publisherId: ref.publisherId, versions: await recordedVersions(deps, ref.publisherId) };
      if (!recorded.versions.has(versionOf(ref.documentId, ref.version))) unsettled.push({ object, ref });
    }
    for (let i = 0; i < unsettled.length; i += RECONCILER.readConcurrency) {
      const sent = await Promise.all(
        unsettled
          .slice(i, i + RECONCILER.readConcurrency)
          .map(({ object, ref }) => resendIfMissing(deps, store, object, ref, now)),
      );
      report.resent += sent.filter(Boolean).length;
    }
    if (page.next === undefined) return report;
    after = page.next;
    if (options.timeLeftMs !== undefined && options.timeLeftMs() < RECONCILER.stopBeforeTimeoutSeconds * 1000)
      return { ...report, nextCursor: after };
  }
}

const versionOf = (documentId: string, version: string) => `${documentId}\n${version}`;

/** The versions a publisher has results for, but a failed `not_found` (its object may be back). */
async function recordedVersions(deps: ReconcileDeps, publisherId: string): Promise<Set<string>> {
  const versions = new Set<string>();
  for await (const item of indexRows(deps, 'byPublisher', publisherPk(publisherId))) {
    const row = IndexSummary.parse(item);
    if (row.failure?.code !== 'not_found') versions.add(versionOf(row.documentId, row.version));
  }
  return versions;
}

/** The notification S3 sent (or would have) for a listed object. */
function createdEvent(deps: ReconcileDeps, object: ListedObject, sequencer: string) {
  const created: CreatedObject = {
    region: deps.region,
    bucket: deps.bucket,
    key: object.key,
    size: object.size,
    eTag: object.eTag,
    ...(object.versionId !== undefined && { versionId: object.versionId }),
    sequencer,
    eventTime: object.lastModified.toISOString(),
    eventName: 'ObjectCreated:Put',
  };
  return s3Notification(created, { principalId: 'claimscan-reconciler', requestId: 'reconcile' });
}

async function resendIfMissing(
  deps: ReconcileDeps,
  store: ResultsStore,
  object: ListedObject,
  ref: DraftRef,
  now: Date,
): Promise<boolean> {
  const { pk } = recordKeys(ref);
  const latest = await store.latest(pk);
  if (latest !== undefined && hasResult(latest, object)) return false;
  if (!(await claimResend(deps, pk, ref.version, now))) return false;
  // After the latest result's event, so that "latest" is this upload's result once it is recorded.
  const sequencer =
    latest === undefined ? '1' : (BigInt(`0x${latest.sequencer}`) + 1n).toString(16).toUpperCase();
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.ingestQueueUrl,
      MessageBody: JSON.stringify(createdEvent(deps, object, sequencer)),
    }),
  );
  deps.log.info('Upload event sent again: the draft had no result', {
    key: object.key,
    version: ref.version,
  });
  return true;
}

/**
 * Whether the latest result covers this object: the same upload (isSameUpload, as the pipeline decides), or
 * the same version failed for a reason the same bytes would fail for again. A `not_found` result of a version
 * that is there now does not count: its upload was deleted and then made again.
 */
function hasResult(latest: ResultRecord, object: ListedObject): boolean {
  if (isSameUpload(latest, object)) return true;
  const sameVersion = latest.version === (object.versionId ?? object.eTag);
  return sameVersion && latest.failure?.code !== 'not_found';
}

/** One resend per version per grace period (the stack's, always), whichever run or process gets there first. */
async function claimResend(deps: ReconcileDeps, pk: string, version: string, now: Date): Promise<boolean> {
  const graceSeconds = RECONCILER.draftGraceSeconds;
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: { [TABLE.partitionKey]: pk, [TABLE.sortKey]: resentSk(version), resentAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(#pk) OR resentAt < :before',
        ExpressionAttributeNames: { '#pk': KEY_NAMES['#pk'] },
        ExpressionAttributeValues: {
          ':before': new Date(now.getTime() - graceSeconds * 1000).toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Where an unfinished sweep of drafts/ stopped: one item, outside every draft's partition. */
const CURSOR_KEY = { [TABLE.partitionKey]: 'RECONCILE#drafts', [TABLE.sortKey]: 'CURSOR' };

export async function loadDraftsCursor(deps: ReconcileDeps): Promise<DraftsCursor | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: CURSOR_KEY, ConsistentRead: true }),
  );
  return typeof Item?.key === 'string'
    ? { key: Item.key, ...(typeof Item.versionId === 'string' && { versionId: Item.versionId }) }
    : undefined;
}

/** Saves where to go on, or clears it when the sweep reached the end (the next run starts from the top). */
export async function saveDraftsCursor(deps: ReconcileDeps, cursor: DraftsCursor | undefined): Promise<void> {
  if (cursor === undefined)
    await deps.db.send(new DeleteCommand({ TableName: deps.tableName, Key: CURSOR_KEY }));
  else await deps.db.send(new PutCommand({ TableName: deps.tableName, Item: { ...CURSOR_KEY, ...cursor } }));
}
