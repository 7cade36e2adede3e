// The review workflow on the results table, the review queue and the bucket (clients injected).
// Leases: SQS hides the message for the lease (its visibility timeout); the version item records the
// lease too (leaseId, leaseHolder, leaseExpiresAt), so a decision or an extension on a stale lease is refused
// by a DynamoDB condition rather than by whatever SQS says about an old receipt handle.
import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ModerationResult } from '../contract.js';
import { StatsCounters } from '../dashboard/store.js';
import {
  auditSk,
  auditSkPrefix,
  draftPk,
  ResultRecord,
  ReviewMessage,
  statusPk,
} from '../pipeline/record.js';
import type { RecordStatus } from '../pipeline/resources.js';
import { REVIEW_API, TABLE } from '../pipeline/resources.js';
import { pinnedVersion, readIfPresent } from '../pipeline/s3.js';
import type { RecordKey } from '../pipeline/store.js';
import { ResultsStore } from '../pipeline/store.js';
import { readablePublisher, requireReviewer } from './auth.js';
import { flaggedClaimsInContext } from './context.js';
import { ReviewApiError } from './errors.js';
import { decodeLease, encodeLease } from './lease.js';
import type {
  AuditEntry,
  AuditResponse,
  DecisionRequest,
  DecisionResponse,
  DraftResponse,
  LeaseResponse,
  NextResponse,
  Principal,
  ReportResponse,
  VersionSummary,
} from './model.js';
import { AuditEntry as AuditEntrySchema, DECISION_STATUS } from './model.js';

export interface ReviewLog {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface ReviewDeps {
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  s3: S3Client;
  tableName: string;
  reviewQueueUrl: string;
  /** The lease a `next` or an `extend` grants. */
  leaseSeconds: number;
  log: ReviewLog;
  now?: () => Date;
}

/** A draft version as the URL names it; the publisher comes from the token or `?publisherId=`. */
export interface VersionRef {
  documentId: string;
  version: string;
  publisherId?: string;
}

const PENDING: RecordStatus = 'pending_review';
const KEY_NAMES = { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey };

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

export function summarize(record: ResultRecord): VersionSummary {
  return {
    publisherId: record.publisherId,
    documentId: record.documentId,
    version: record.version,
    key: record.key,
    status: record.status,
    ...(record.verdict !== undefined && { verdict: record.verdict }),
    ...(record.riskScore !== undefined && { riskScore: record.riskScore }),
    ...(record.policyVersion !== undefined && { policyVersion: record.policyVersion }),
    uploadedAt: record.uploadedAt,
    processedAt: record.processedAt,
    ...(record.failure !== undefined && { failure: record.failure }),
    ...(record.leaseExpiresAt !== undefined && { leaseExpiresAt: record.leaseExpiresAt }),
    ...(record.decidedBy !== undefined && { decidedBy: record.decidedBy }),
    ...(record.decidedAt !== undefined && { decidedAt: record.decidedAt }),
    ...(record.decisionNote !== undefined && { decisionNote: record.decisionNote }),
  };
}

/** `DOC#<publisherId>#<documentId>`: publisher ids never contain `#`. */
function parseDraftPk(pk: string): { publisherId: string; documentId: string } | undefined {
  const match = /^DOC#([^#]+)#(.+)$/s.exec(pk);
  return match === null ? undefined : { publisherId: match[1] ?? '', documentId: match[2] ?? '' };
}

export class ReviewService {
  private readonly store: ResultsStore;
  private readonly counters: StatsCounters;
  private readonly now: () => Date;

  constructor(private readonly deps: ReviewDeps) {
    this.store = new ResultsStore(deps.db, deps.tableName);
    this.counters = new StatsCounters(deps.db, deps.tableName);
    this.now = deps.now ?? (() => new Date());
  }

  /** The next flagged draft no one holds, leased to the caller; `{ empty: true }` when there is none. */
  async next(principal: Principal): Promise<NextResponse> {
    requireReviewer(principal);
    for (let seen = 0; seen < REVIEW_API.maxMessagesPerNext; seen++) {
      // Taken before the receive, so the table's lease always ends no later than the message's invisibility.
      const now = this.now();
      const { Messages = [] } = await this.deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.deps.reviewQueueUrl,
          MaxNumberOfMessages: 1,
          VisibilityTimeout: this.deps.leaseSeconds,
          WaitTimeSeconds: 0,
        }),
      );
      const [message] = Messages;
      if (message?.ReceiptHandle === undefined || message.MessageId === undefined) return { empty: true };
      const leased = await this.lease(principal, now, message.MessageId, message.ReceiptHandle, message.Body);
      if (leased !== undefined) return leased;
    }
    return { empty: true };
  }

  private async lease(
    principal: Principal,
    now: Date,
    messageId: string,
    receiptHandle: string,
    body: string | undefined,
  ): Promise<NextResponse | undefined> {
    let review: ReviewMessage;
    try {
      review = ReviewMessage.parse(JSON.parse(body ?? ''));
    } catch (error) {
      // Left alone: after maxReceiveCount receives SQS moves it to the DLQ, where its alarm fires.
      this.deps.log.error('Invalid review message', { messageId, error: String(error) });
      return undefined;
    }
    const key: RecordKey = { pk: review.result.pk, sk: review.result.sk };
    const leaseId = randomUUID();
    const expiresAt = new Date(now.getTime() + this.deps.leaseSeconds * 1000).toISOString();
    let record: ResultRecord;
    try {
      const { Attributes } = await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: { [TABLE.partitionKey]: key.pk, [TABLE.sortKey]: key.sk },
          UpdateExpression: 'SET leaseId = :id, leaseHolder = :holder, leaseExpiresAt = :expires',
          ConditionExpression:
            'attribute_exists(#pk) AND #status = :pending AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt <= :now)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: {
            ':id': leaseId,
            ':holder': principal.subject,
            ':expires': expiresAt,
            ':pending': PENDING,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      record = ResultRecord.parse(Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.store.get(key);
      if (current !== undefined && current.status !== PENDING) {
        // Decided already (its delete failed or was skipped, or a duplicate message): nothing left to review,
        // but the decision may still be owed to the dashboard's counters.
        await this.counters.countDecision(current, now);
        await this.deleteMessage(receiptHandle, messageId);
      }
      // Otherwise someone else holds a live lease (a duplicate message) or the item is missing: leave it hidden.
      return undefined;
    }
    const [text, result] = await Promise.all([this.readDraftText(record), this.readResult(record)]);
    return {
      empty: false,
      leaseId: encodeLease({ id: leaseId, messageId, receiptHandle, pk: key.pk, sk: key.sk }),
      leaseExpiresAt: expiresAt,
      draft: summarize(record),
      text,
      result,
      flaggedClaims: flaggedClaimsInContext(text, result.claims, REVIEW_API.contextChars),
    };
  }

  /** Restarts the lease from now; 409 when the caller no longer holds it. */
  async extend(principal: Principal, token: string): Promise<LeaseResponse> {
    requireReviewer(principal);
    const lease = decodeLease(token);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.deps.leaseSeconds * 1000).toISOString();
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: { [TABLE.partitionKey]: lease.pk, [TABLE.sortKey]: lease.sk },
          UpdateExpression: 'SET leaseExpiresAt = :expires',
          ConditionExpression: this.liveLeaseCondition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...this.liveLeaseValues(principal, lease.id, now),
            ':expires': expiresAt,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw await this.conflict(lease, 'the lease is no longer held by the caller');
    }
    await this.deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.deps.reviewQueueUrl,
        ReceiptHandle: lease.receiptHandle,
        VisibilityTimeout: this.deps.leaseSeconds,
      }),
    );
    return { leaseId: token, leaseExpiresAt: expiresAt };
  }

  /**
   * The decision: one conditional UpdateItem (still pending, lease live and the caller's), then the audit
   * item (written once, never overwritten), then the dashboard's counters, then the message is deleted.
   */
  async decide(principal: Principal, ref: VersionRef, request: DecisionRequest): Promise<DecisionResponse> {
    requireReviewer(principal);
    const lease = decodeLease(request.leaseId);
    const owner = parseDraftPk(lease.pk);
    if (
      owner === undefined ||
      owner.documentId !== ref.documentId ||
      (ref.publisherId !== undefined && owner.publisherId !== ref.publisherId) ||
      !lease.sk.endsWith(`#${ref.version}`)
    )
      throw new ReviewApiError('bad_request', 'the lease is for another draft version');
    const now = this.now();
    const at = now.toISOString();
    const status = DECISION_STATUS[request.decision];
    let record: ResultRecord;
    try {
      const { Attributes } = await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: { [TABLE.partitionKey]: lease.pk, [TABLE.sortKey]: lease.sk },
          UpdateExpression:
            'SET #status = :status, #byStatusPk = :statusPk, decidedBy = :by, decidedAt = :at, decisionNote = :note REMOVE leaseId, leaseHolder, leaseExpiresAt',
          ConditionExpression: this.liveLeaseCondition,
          ExpressionAttributeNames: {
            '#status': 'status',
            '#byStatusPk': TABLE.indexes.byStatus.partitionKey,
          },
          ExpressionAttributeValues: {
            ...this.liveLeaseValues(principal, lease.id, now),
            ':status': status,
            ':statusPk': statusPk(status),
            ':by': principal.subject,
            ':at': at,
            ':note': request.note,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      record = ResultRecord.parse(Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw await this.conflict(lease, 'the version is not pending review under this lease');
    }
    const auditId = randomUUID();
    const entry: AuditEntry = AuditEntrySchema.parse({
      publisherId: record.publisherId,
      documentId: record.documentId,
      version: record.version,
      auditId,
      at,
      by: principal.subject,
      decision: request.decision,
      status,
      note: request.note,
      claimNotes: request.claimNotes ?? [],
      ...(record.policyVersion !== undefined && { policyVersion: record.policyVersion }),
      ...(record.riskScore !== undefined && { riskScore: record.riskScore }),
    });
    try {
      await this.deps.db.send(
        new PutCommand({
          TableName: this.deps.tableName,
          Item: { pk: record.pk, sk: auditSk(record.version, at, auditId), ...entry },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
    } catch (error) {
      // The decision stands on the version item (decidedBy, decidedAt, decisionNote); the entry goes to the log.
      this.deps.log.error('Decision recorded but its audit entry was not written', {
        entry,
        error: String(error),
      });
      throw error;
    }
    if (await this.countDecision(record, now)) await this.deleteMessage(lease.receiptHandle, lease.messageId);
    return { draft: summarize(record), audit: entry };
  }

  /** The draft's latest result and its history (version items only, newest first). */
  async draft(principal: Principal, documentId: string, publisherId?: string): Promise<DraftResponse> {
    const owner = readablePublisher(principal, publisherId);
    const history = await this.store.history(draftPk(owner, documentId));
    const [latest] = history;
    if (latest === undefined) throw new ReviewApiError('not_found', 'no such draft');
    return { latest: summarize(latest), history: history.map(summarize) };
  }

  /**
   * One version's full report, for its publisher (or a reviewer or viewer naming it). 404 until the pipeline
   * has recorded the version: clients poll. A failed version has no result, only the summary's failure.
   */
  async report(principal: Principal, ref: VersionRef & { eTag?: string }): Promise<ReportResponse> {
    const owner = readablePublisher(principal, ref.publisherId);
    const history = await this.store.history(draftPk(owner, ref.documentId));
    // Newest first: the same bytes uploaded again to an unversioned bucket keep their ETag, hence the version.
    // On a versioned bucket they get a new version id that the pipeline never records (it skips bytes equal to
    // the latest version's): given the upload's ETag, the latest version with it is that upload's report.
    const latest = history[0];
    const record =
      history.find((candidate) => candidate.version === ref.version) ??
      (ref.eTag !== undefined && latest?.eTag === ref.eTag ? latest : undefined);
    if (record === undefined) throw new ReviewApiError('not_found', 'no result for this draft version yet');
    if (record.result === undefined)
      return { draft: summarize(record), text: null, result: null, claims: [] };
    const [text, result] = await Promise.all([this.readDraftText(record), this.readResult(record)]);
    return {
      draft: summarize(record),
      text,
      result,
      claims: flaggedClaimsInContext(text, result.claims, REVIEW_API.contextChars),
    };
  }

  /** A version's audit entries, oldest first. */
  async audit(principal: Principal, ref: VersionRef): Promise<AuditResponse> {
    const owner = readablePublisher(principal, ref.publisherId);
    const pk = draftPk(owner, ref.documentId);
    const entries: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.deps.db.send(
        new QueryCommand({
          TableName: this.deps.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :audit)',
          ExpressionAttributeNames: KEY_NAMES,
          ExpressionAttributeValues: { ':pk': pk, ':audit': auditSkPrefix(ref.version) },
          ConsistentRead: true,
          ...(start !== undefined && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) entries.push(AuditEntrySchema.parse(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    if (entries.length === 0) {
      const history = await this.store.history(pk);
      if (!history.some((record) => record.version === ref.version))
        throw new ReviewApiError('not_found', 'no such draft version');
    }
    return { entries };
  }

  private readonly liveLeaseCondition =
    '#status = :pending AND leaseId = :leaseId AND leaseHolder = :holder AND leaseExpiresAt > :now';

  private liveLeaseValues(principal: Principal, leaseId: string, now: Date) {
    return {
      ':pending': PENDING,
      ':leaseId': leaseId,
      ':holder': principal.subject,
      ':now': now.toISOString(),
    };
  }

  /** 409 with the version's current state; nothing was written. */
  private async conflict(key: RecordKey, message: string): Promise<ReviewApiError> {
    const current = await this.store.get(key);
    if (current === undefined) return new ReviewApiError('not_found', 'no such draft version');
    return new ReviewApiError('conflict', message, { current: summarize(current) });
  }

  /** False when it failed: the message is then kept, so that `next` meets it again and counts the decision. */
  private async countDecision(record: ResultRecord, now: Date): Promise<boolean> {
    try {
      await this.counters.countDecision(record, now);
      return true;
    } catch (error) {
      this.deps.log.error('Decision recorded but not counted yet; its review message is kept to retry', {
        pk: record.pk,
        sk: record.sk,
        error: String(error),
      });
      return false;
    }
  }

  private async deleteMessage(receiptHandle: string, messageId: string): Promise<void> {
    try {
      await this.deps.sqs.send(
        new DeleteMessageCommand({ QueueUrl: this.deps.reviewQueueUrl, ReceiptHandle: receiptHandle }),
      );
    } catch (error) {
      // The decision stands; the message comes back and `next` deletes it then (its record is no longer pending).
      this.deps.log.warn('Could not delete the review message', { messageId, error: String(error) });
    }
  }

  private async readDraftText(record: ResultRecord): Promise<string | null> {
    // The draft may have been deleted since (or replaced, unversioned): then there is no text to show.
    const object = await readIfPresent(this.deps.s3, record, () =>
      this.deps.s3.send(new GetObjectCommand(pinnedVersion(record))),
    );
    const bytes = await object?.Body?.transformToByteArray();
    return bytes === undefined ? null : new TextDecoder('utf-8').decode(bytes);
  }

  private async readResult(record: ResultRecord): Promise<ModerationResult> {
    if (record.reportKey === undefined) return ModerationResult.parse(record.result);
    const object = await this.deps.s3.send(
      new GetObjectCommand({ Bucket: record.bucket, Key: record.reportKey }),
    );
    return ModerationResult.parse(JSON.parse((await object.Body?.transformToString()) ?? ''));
  }
}
