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
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ModerationResult } from '../contract.js';
import { pendingReviews } from '../dashboard/backlog.js';
import { StatsCounters } from '../dashboard/store.js';
import { auditSk, auditSkPrefix, digestKey, draftPk, ResultRecord, statusPk } from '../pipeline/record.js';
import type { RecordStatus } from '../pipeline/resources.js';
import { REVIEW_API, TABLE } from '../pipeline/resources.js';
import { pinnedVersion, readIfPresent } from '../pipeline/s3.js';
import type { ReceivedReview } from '../pipeline/review-queue.js';
import { ReviewQueue } from '../pipeline/review-queue.js';
import type { RecordKey } from '../pipeline/store.js';
import { ResultsStore } from '../pipeline/store.js';
import { readablePublisher, requireReviewer } from './auth.js';
import { boundedReport } from './bounded.js';
import type { ReportTotals } from '../report/digest.js';
import { ReviewDigest, reviewDigest } from '../report/digest.js';
import { ReviewApiError } from './errors.js';
import type { LeaseToken } from './lease.js';
import { decodeLease, encodeLease } from './lease.js';
import type {
  AuditEntry,
  AuditResponse,
  DecisionRequest,
  DecisionResponse,
  DraftResponse,
  LeaseResponse,
  NextRequest,
  NextResponse,
  PresignedGet,
  Principal,
  QueueCounts,
  QueueResponse,
  ReleaseResponse,
  ReportResponse,
  VersionSummary,
} from './model.js';
import { AuditEntry as AuditEntrySchema, DECISION_STATUS } from './model.js';
import { Presigner, signingTime } from './presign.js';

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
  /** Where `next` moves a message no reviewer can use; without it such a message is left to SQS's redrive. */
  reviewDlqUrl?: string;
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
const EMPTY_LISTS = { claims: [], citations: [], references: [] };
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

/** A publisher reads what was decided about its draft, not which reviewer (a user pool subject) decided it. */
function forCaller(principal: Principal, summary: VersionSummary): VersionSummary {
  if (principal.role !== 'publisher') return summary;
  const shown = { ...summary };
  delete shown.decidedBy;
  return shown;
}

/** `DOC#<publisherId>#<documentId>`: publisher ids never contain `#`. */
function parseDraftPk(pk: string): { publisherId: string; documentId: string } | undefined {
  const match = /^DOC#([^#]+)#(.+)$/s.exec(pk);
  return match === null ? undefined : { publisherId: match[1] ?? '', documentId: match[2] ?? '' };
}

/**
 * Each reviewer's latest lease token, in an item of its own (the version item cannot be found by holder): a
 * reload finds the lease it holds. It is only a pointer; the version item says whether the lease is live.
 */
const reviewerLeaseKey = (subject: string) => ({
  [TABLE.partitionKey]: `REVIEWER#${subject}`,
  [TABLE.sortKey]: 'LEASE',
});

type Leased = Extract<NextResponse, { empty: false }>;

export class ReviewService {
  private readonly store: ResultsStore;
  private readonly counters: StatsCounters;
  private readonly reviews: ReviewQueue;
  private readonly presigner: Presigner;
  private readonly now: () => Date;

  constructor(private readonly deps: ReviewDeps) {
    this.store = new ResultsStore(deps.db, deps.tableName);
    this.counters = new StatsCounters(deps.db, deps.tableName);
    this.reviews = new ReviewQueue(deps.sqs, deps.reviewQueueUrl);
    this.presigner = new Presigner(deps.s3);
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * The draft the caller already holds a live lease on (a reload), else the next flagged draft no one holds,
   * leased to the caller; `{ empty: true }` when there is none. `skip` hands that lease back once another
   * draft is leased (or none is left), so the skipped draft is not the one received again.
   */
  async next(principal: Principal, request: NextRequest = {}): Promise<NextResponse> {
    requireReviewer(principal);
    const skipping = request.skip === undefined ? undefined : decodeLease(request.skip);
    const held = skipping === undefined ? await this.heldLease(principal) : undefined;
    const leased =
      held !== undefined
        ? await this.view(held.record, held.token, held.expiresAt, true)
        : await this.receiveAndLease(principal);
    if (skipping !== undefined) await this.release(principal, request.skip ?? '').catch(this.ignoreConflict);
    const queue = await this.queueCounts(leased !== undefined);
    return leased === undefined ? { empty: true, queue } : { ...leased, queue };
  }

  private async receiveAndLease(principal: Principal): Promise<Omit<Leased, 'queue'> | undefined> {
    for (let seen = 0; seen < REVIEW_API.maxMessagesPerNext; seen++) {
      // Taken before the receive, so the table's lease always ends no later than the message's invisibility.
      const now = this.now();
      const [message] = await this.reviews.receive(
        { maxMessages: 1, visibilitySeconds: this.deps.leaseSeconds, waitSeconds: 0 },
        this.deps.log,
      );
      if (message === undefined) return undefined;
      // A renewed message is gone: its copy waits in the queue, behind any other of its document.
      if (message.renewed) continue;
      const leased = await this.lease(principal, now, message);
      if (leased !== undefined) return leased;
    }
    return undefined;
  }

  private async lease(
    principal: Principal,
    now: Date,
    { messageId, receiptHandle, body, review, invalid }: ReceivedReview,
  ): Promise<Omit<Leased, 'queue'> | undefined> {
    if (review === undefined) {
      await this.deadLetter(messageId, receiptHandle, body, `invalid review message (${invalid})`);
      return undefined;
    }
    const key: RecordKey = { pk: review.result.pk, sk: review.result.sk };
    const leaseId = randomUUID();
    const expiresAt = new Date(now.getTime() + this.deps.leaseSeconds * 1000).toISOString();
    const record = await this.updateVersion(key, {
      UpdateExpression:
        'SET leaseId = :id, leaseHolder = :holder, leaseExpiresAt = :expires, leaseMessageId = :message',
      ConditionExpression:
        'attribute_exists(#pk) AND #status = :pending AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt <= :now)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#status': 'status' },
      ExpressionAttributeValues: {
        ':id': leaseId,
        ':message': messageId,
        ':holder': principal.subject,
        ':expires': expiresAt,
        ':pending': PENDING,
        ':now': now.toISOString(),
      },
    });
    if (record === undefined) {
      const current = await this.store.get(key);
      if (current === undefined) {
        await this.deadLetter(messageId, receiptHandle, body, 'no result for the version it names');
      } else if (current.status !== PENDING) {
        // Decided already (its delete failed or was skipped, or a duplicate message): nothing left to review,
        // but the decision may still be owed to the dashboard's counters.
        await this.counters.countDecision(current, now);
        await this.deleteMessage(receiptHandle, messageId);
      } else if (current.leaseMessageId !== undefined && current.leaseMessageId !== messageId) {
        // The version is leased with another of its messages (this one a reconciler's resend or a renewal whose
        // first turned out to be there): one message is enough, the lease's, which comes back if it is abandoned.
        this.deps.log.warn('Duplicate review message dropped: its version is leased with another', {
          messageId,
          leaseMessageId: current.leaseMessageId,
        });
        await this.deleteMessage(receiptHandle, messageId);
      }
      // Otherwise this message's own lease is live (its invisibility ended early): leave it hidden.
      return undefined;
    }
    const token = encodeLease({ id: leaseId, messageId, receiptHandle, pk: key.pk, sk: key.sk });
    await this.rememberLease(principal, token);
    return this.view(record, token, expiresAt, false);
  }

  /** The version's text and result, bounded, for the reviewer holding `token`. */
  private async view(
    record: ResultRecord,
    token: string,
    expiresAt: string,
    resumed: boolean,
  ): Promise<Omit<Leased, 'queue'>> {
    const bounded = await this.bounded(record);
    if (bounded === undefined) throw new Error(`pending version without a result: ${record.pk} ${record.sk}`);
    const { claims, ...view } = bounded;
    return {
      empty: false,
      resumed,
      leaseId: token,
      leaseExpiresAt: expiresAt,
      ...view,
      flaggedClaims: claims,
    };
  }

  private async rememberLease(principal: Principal, token: string): Promise<void> {
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: reviewerLeaseKey(principal.subject),
          UpdateExpression: 'SET leaseToken = :token',
          ExpressionAttributeValues: { ':token': token },
        }),
      );
    } catch (error) {
      // The lease stands; only a reload will not find it (it expires as an abandoned one does).
      this.deps.log.warn('Could not remember the lease for a reload', { error: String(error) });
    }
  }

  /** The caller's live lease, when its pointer names one the version item still records as the caller's. */
  private async heldLease(
    principal: Principal,
  ): Promise<{ record: ResultRecord; token: string; expiresAt: string } | undefined> {
    const { Item } = await this.deps.db.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: reviewerLeaseKey(principal.subject),
        ConsistentRead: true,
      }),
    );
    const token = typeof Item?.leaseToken === 'string' ? Item.leaseToken : undefined;
    if (token === undefined) return undefined;
    let lease: LeaseToken;
    try {
      lease = decodeLease(token);
    } catch {
      return undefined;
    }
    const record = await this.store.get({ pk: lease.pk, sk: lease.sk });
    const live =
      record?.status === PENDING &&
      record.leaseId === lease.id &&
      record.leaseHolder === principal.subject &&
      record.leaseExpiresAt !== undefined &&
      record.leaseExpiresAt > this.now().toISOString();
    return live ? { record, token, expiresAt: record.leaseExpiresAt ?? '' } : undefined;
  }

  /** The queue's counts and the draft the caller holds, for the page to show before taking one. */
  async queue(principal: Principal): Promise<QueueResponse> {
    requireReviewer(principal);
    const held = await this.heldLease(principal);
    return {
      queue: await this.queueCounts(held !== undefined),
      held: held === undefined ? null : { leaseExpiresAt: held.expiresAt, draft: summarize(held.record) },
    };
  }

  /** Drafts waiting and in review, each counted once, as the dashboard counts them; one of them the caller's. */
  private async queueCounts(callerHoldsOne: boolean): Promise<QueueCounts> {
    const { waiting, inReview } = await pendingReviews(this.deps);
    return { waiting, inReviewByOthers: Math.max(0, inReview - (callerHoldsOne ? 1 : 0)) };
  }

  /**
   * Hands a lease back: the version item first (so whoever receives the message next can lease it), then the
   * message is made visible now rather than at the lease's end. 409 when the caller no longer holds it.
   */
  async release(principal: Principal, token: string): Promise<ReleaseResponse> {
    requireReviewer(principal);
    const lease = decodeLease(token);
    const record = await this.updateVersion(lease, {
      UpdateExpression: 'REMOVE leaseId, leaseHolder, leaseExpiresAt, leaseMessageId',
      ConditionExpression: this.liveLeaseCondition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: this.liveLeaseValues(principal, lease.id, this.now()),
    });
    if (record === undefined) throw await this.conflict(lease, 'the lease is no longer held by the caller');
    try {
      await this.deps.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.deps.reviewQueueUrl,
          ReceiptHandle: lease.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    } catch (error) {
      // Released in the table all the same: the message comes back when its visibility ends.
      this.deps.log.warn('Could not make a released review message visible', {
        messageId: lease.messageId,
        error: String(error),
      });
    }
    return { draft: summarize(record) };
  }

  /** A skipped lease that expired or was decided meanwhile has nothing left to hand back. */
  private readonly ignoreConflict = (error: unknown) => {
    if (!(error instanceof ReviewApiError && (error.code === 'conflict' || error.code === 'not_found')))
      throw error;
  };

  /**
   * A message no reviewer can ever use (no valid body, or no result for the version it names) goes to the DLQ
   * at once, where its alarm fires; leases, which SQS also counts as receives, never send one there.
   */
  private async deadLetter(messageId: string, receiptHandle: string, body: string | undefined, why: string) {
    this.deps.log.error('Review message moved to the DLQ', { messageId, why });
    if (this.deps.reviewDlqUrl === undefined) return;
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.deps.reviewDlqUrl,
        MessageBody: body === undefined || body === '' ? '(empty)' : body,
        MessageGroupId: 'unusable',
        MessageDeduplicationId: messageId.replace(/[^\w-]/g, '').slice(0, 128) || 'unusable',
        MessageAttributes: { reason: { DataType: 'String', StringValue: why.slice(0, 1000) } },
      }),
    );
    await this.deleteMessage(receiptHandle, messageId);
  }

  /** Restarts the lease from now; 409 when the caller no longer holds it. */
  async extend(principal: Principal, token: string): Promise<LeaseResponse> {
    requireReviewer(principal);
    const lease = decodeLease(token);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.deps.leaseSeconds * 1000).toISOString();
    const extended = await this.updateVersion(lease, {
      UpdateExpression: 'SET leaseExpiresAt = :expires',
      ConditionExpression: this.liveLeaseCondition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ...this.liveLeaseValues(principal, lease.id, now), ':expires': expiresAt },
    });
    if (extended === undefined) throw await this.conflict(lease, 'the lease is no longer held by the caller');
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
    const record = await this.updateVersion(lease, {
      UpdateExpression:
        'SET #status = :status, #byStatusPk = :statusPk, decidedBy = :by, decidedAt = :at, decisionNote = :note REMOVE leaseId, leaseHolder, leaseExpiresAt, leaseMessageId',
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
    });
    if (record === undefined)
      throw await this.conflict(lease, 'the version is not pending review under this lease');
    const auditId = randomUUID();
    const entry: AuditEntry = AuditEntrySchema.parse({
      publisherId: record.publisherId,
      documentId: record.documentId,
      version: record.version,
      auditId,
      at,
      by: principal.subject,
      ...(principal.name !== undefined && { byName: principal.name }),
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
    const shown = (record: ResultRecord) => forCaller(principal, summarize(record));
    return { latest: shown(latest), history: history.map(shown) };
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
    const draft = forCaller(principal, summarize(record));
    const bounded = await this.bounded(record);
    return bounded === undefined ? { draft, text: null, result: null, claims: [] } : { ...bounded, draft };
  }

  /**
   * The version's text and result within REVIEW_API.responseBudget: a text too large to send becomes a presigned
   * GET, and when lists were cut and the full result is in `reports/`, a presigned GET of it too. Undefined for a
   * version without a result (it failed).
   */
  private async bounded(
    record: ResultRecord,
  ): Promise<(ReportResponse & { result: ModerationResult; totals: ReportTotals }) | undefined> {
    if (record.result === undefined) return undefined;
    const [text, { summary, digest }] = await Promise.all([
      this.readDraftText(record),
      this.readDigest(record),
    ]);
    const bounded = boundedReport(text, summary, digest, REVIEW_API.responseBudget, REVIEW_API.contextChars);
    const [textUrl, resultUrl] = await Promise.all([
      bounded.textTooLarge ? this.draftUrl(record) : undefined,
      bounded.cut && record.reportKey !== undefined
        ? this.objectUrl(new GetObjectCommand({ Bucket: record.bucket, Key: record.reportKey }))
        : undefined,
    ]);
    return {
      draft: summarize(record),
      text: bounded.text,
      ...(textUrl !== undefined && { textUrl }),
      ...(resultUrl !== undefined && { resultUrl }),
      result: bounded.result,
      totals: bounded.totals,
      claims: bounded.claims,
    };
  }

  /** The version's own bytes: by version id, or on an unversioned bucket by ETag (a later upload gets 412). */
  private draftUrl(record: ResultRecord): Promise<PresignedGet> {
    const command = new GetObjectCommand(pinnedVersion(record));
    return this.objectUrl(command, record.versionId === undefined ? { 'if-match': `"${record.eTag}"` } : {});
  }

  private async objectUrl(
    command: GetObjectCommand,
    headers: Record<string, string> = {},
  ): Promise<PresignedGet> {
    const signedAt = signingTime(this.now());
    const seconds = REVIEW_API.downloadUrlSeconds;
    const url = await this.presigner.url(command, seconds, signedAt, new Set(Object.keys(headers)));
    return { url, headers, expiresAt: new Date(signedAt.getTime() + seconds * 1000).toISOString() };
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
    return {
      entries:
        principal.role === 'publisher'
          ? entries.map(({ by: _by, byName: _byName, ...entry }) => entry)
          : entries,
    };
  }

  /** One conditional UpdateItem on a version item: the item as it now is, or undefined when the condition failed. */
  private async updateVersion(
    key: RecordKey,
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<ResultRecord | undefined> {
    try {
      const { Attributes } = await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: { [TABLE.partitionKey]: key.pk, [TABLE.sortKey]: key.sk },
          ReturnValues: 'ALL_NEW',
          ...update,
        }),
      );
      return ResultRecord.parse(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
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
    // A byte-order mark stays, as the engine keeps it: the result's offsets count it.
    return bytes === undefined ? null : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  }

  /**
   * The result's summary and its digest (shared/report/digest.ts). A result in `reports/` can hold a hundred
   * thousand claims: its digest, written beside it, is read instead (the full report only for a result stored
   * before digests were); one in the item is small and digested here.
   */
  private async readDigest(
    record: ResultRecord,
  ): Promise<{ summary: ModerationResult; digest: ReviewDigest }> {
    if (record.reportKey === undefined) {
      const result = ModerationResult.parse(record.result);
      return { summary: result, digest: reviewDigest(result, REVIEW_API.responseBudget) };
    }
    const summary = ModerationResult.parse({ ...record.result, ...EMPTY_LISTS });
    const stored = await this.readJson(record.bucket, digestKey(record.reportKey));
    if (stored !== undefined) return { summary, digest: ReviewDigest.parse(stored) };
    const full = ModerationResult.parse(await this.readJson(record.bucket, record.reportKey));
    return { summary, digest: reviewDigest(full, REVIEW_API.responseBudget) };
  }

  /**
   * An object's JSON, or undefined when there is no such object. Listing is scoped to a prefix (`s3:prefix`), so S3
   * answers a missing key with 403: readIfPresent lists that one key to tell it from a denied read.
   */
  private async readJson(bucket: string, key: string): Promise<unknown> {
    const object = await readIfPresent(this.deps.s3, { bucket, key }, () =>
      this.deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    return object === undefined ? undefined : JSON.parse((await object.Body?.transformToString()) ?? '');
  }
}
