// The one definition of the pipeline's names and settings. The CDK stack (infra/) and the
// local runner both import it, so the two can never disagree.
import * as z from '../zod.js';
import { DEFAULT_MAX_BYTES } from '../read/decode.js';

export const APP_NAME = 'claimscan';

export const STAGES = ['dev', 'prod'] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

export const RECORD_STATUSES = [
  'pending_review',
  'passed',
  'approved',
  'rejected',
  'changes_requested',
  'failed',
] as const;
export const RecordStatus = z.enum(RECORD_STATUSES);
export type RecordStatus = z.infer<typeof RecordStatus>;

/** Where things live in the bucket. Nothing is ever written under `drafts/`, so the pipeline cannot trigger itself. */
export const PREFIXES = { drafts: 'drafts/', reports: 'reports/' } as const;

/** Drafts above this are recorded `failed`/`too_large` from their size alone, without downloading them. */
export const MAX_DRAFT_BYTES = DEFAULT_MAX_BYTES;

export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: {
    byStatus: { name: 'byStatus', partitionKey: 'byStatusPk', sortKey: 'byStatusSk' },
    byPublisher: { name: 'byPublisher', partitionKey: 'byPublisherPk', sortKey: 'byPublisherSk' },
  },
  /** Summary attributes copied into both indexes: enough to list drafts without a GetItem per row. */
  projectedAttributes: [
    'publisherId',
    'documentId',
    'version',
    'status',
    'verdict',
    'riskScore',
    'uploadedAt',
    'processedAt',
    'key',
    'failure',
  ],
  /** DynamoDB's item limit is 400 KB; above this estimate the result's large arrays move to `reports/`. */
  itemOverflowBytes: 350_000,
} as const;

/** SQS FIFO drops a repeated MessageDeduplicationId only within this window. */
export const FIFO_DEDUPLICATION_WINDOW_SECONDS = 300;

/**
 * Sizing of the moderate function (README, "Sizing"). One figure is measured, everything else follows from it:
 * `npm run bench` (section "Worst-case draft") times the slowest drafts of MAX_DRAFT_BYTES, engine and record, on
 * one core, and reports when one takes longer than `worstDraftSeconds`; then this figure is re-measured and the
 * batch size and timeout below change with it.
 */
export const MODERATE_SIZING = {
  /**
   * The slowest 5 MiB draft the engine handles, engine and record, on one core: 300,000 short claims, 13.9 s of CPU
   * on an idle bench machine and 16.8 s on a loaded one (2026-11-29), rounded up.
   */
  worstDraftSeconds: 18,
  /** Lambda gives a function one full vCPU at 1,769 MB, a share in proportion below it. Node runs the engine on one. */
  fullCoreMemoryMiB: 1769,
  /** For a Graviton core slower than the bench's, garbage collection and a slow neighbour: twice the measured time. */
  margin: 2,
  /** Reads, writes and the review send of a whole batch, each bounded by the SDK's timeouts. */
  ioSeconds: 5,
  maxBatchingWindowSeconds: 5,
} as const;

/** The share of one vCPU Lambda gives a function with this much memory. */
export const lambdaCpuShare = (memoryMiB: number) =>
  Math.min(1, memoryMiB / MODERATE_SIZING.fullCoreMemoryMiB);

/**
 * From the worst draft to the function's settings. Memory buys a whole core (more does not speed one thread up).
 * The ingest queue's visibility timeout must be at least six function timeouts plus the batching window (AWS's
 * rule for SQS event sources) and stay inside the FIFO deduplication window (see below): that caps the timeout,
 * and the batch is as large as fits under the cap. A batch that cannot hold one worst draft is a sizing error.
 */
export function moderateSizing(sizing: Record<keyof typeof MODERATE_SIZING, number> = MODERATE_SIZING) {
  const memoryMiB = sizing.fullCoreMemoryMiB;
  const secondsPerWorstDraft = (sizing.worstDraftSeconds / lambdaCpuShare(memoryMiB)) * sizing.margin;
  const maxTimeoutSeconds = Math.floor(
    (FIFO_DEDUPLICATION_WINDOW_SECONDS - sizing.maxBatchingWindowSeconds) / 6,
  );
  const batchSize = Math.min(10, Math.floor((maxTimeoutSeconds - sizing.ioSeconds) / secondsPerWorstDraft));
  if (batchSize < 1)
    throw new Error(
      `one worst draft needs ${secondsPerWorstDraft} s, more than the ${maxTimeoutSeconds} s timeout the queues allow`,
    );
  const timeoutSeconds = Math.ceil(batchSize * secondsPerWorstDraft + sizing.ioSeconds);
  return { memoryMiB, batchSize, timeoutSeconds, secondsPerWorstDraft, maxTimeoutSeconds };
}

const SIZED = moderateSizing();

export const MODERATE_FUNCTION = {
  /**
   * The engine allocates many short-lived objects per sentence; a young generation of 64 MB semi-spaces
   * (V8's default is 16 MB) halves the scavenges and speeds it up by about 15% (`npm run bench` runs with the
   * same flag). Source maps make a stack trace in the logs point at the TypeScript.
   */
  nodeOptions: '--enable-source-maps --max-semi-space-size=64',
  timeoutSeconds: SIZED.timeoutSeconds,
  memoryMiB: SIZED.memoryMiB,
  batchSize: SIZED.batchSize,
  maxBatchingWindowSeconds: MODERATE_SIZING.maxBatchingWindowSeconds,
  /** Caps the SQS poller instead of reserving concurrency, so a backlog never throttles the account. */
  maxConcurrency: 10,
  logRetentionDays: { dev: 14, prod: 90 },
} as const;

/**
 * AWS guidance for SQS event sources: at least six times the function timeout, plus the batching window.
 * It also stays inside the FIFO deduplication window, so a message retried after a review send
 * that succeeded but was not yet marked on the record is still deduplicated by the review queue.
 */
export const INGEST_VISIBILITY_TIMEOUT_SECONDS =
  6 * MODERATE_FUNCTION.timeoutSeconds + MODERATE_FUNCTION.maxBatchingWindowSeconds;

/** Every queue keeps messages for SQS's longest retention; what still expires, the reconciler re-sends. */
export const QUEUES = {
  ingest: { fifo: false, maxReceiveCount: 5, retentionDays: 14 },
  // Every lease is a receive, and so is every look the reviews reconciler takes: SQS would count an abandoned
  // lease or an inventory as a failure. Its redrive is only a backstop here (its maximum), and a message nears it
  // only to be renewed (REVIEW_RENEW_AT_RECEIVES); `next` moves a message it cannot use (no valid body, no
  // result) to the DLQ itself.
  review: { fifo: true, maxReceiveCount: 1000, retentionDays: 14 },
  deadLetterRetentionDays: 14,
} as const;

/**
 * A review message received this many times is sent again as a new message and the old one deleted, by whichever
 * receives it (shared/pipeline/review-queue.ts): receives are leases and looks, never failures, so none may take a
 * waiting draft to the DLQ. The margin below maxReceiveCount covers renewals that fail and are tried again.
 */
export const REVIEW_RENEW_AT_RECEIVES = QUEUES.review.maxReceiveCount - 100;

/**
 * The reconciler (README, "Nothing stranded"): a flagged version whose review message is gone, and a draft
 * object whose upload event is gone, are sent again, once.
 */
export const RECONCILER = {
  reviews: { everyMinutes: 15, timeoutSeconds: 300, memoryMiB: 512 },
  drafts: { everyDays: 1, timeoutSeconds: 900, memoryMiB: 1024 },
  /**
   * A review message sent this recently may not show in SQS's approximate counts or receives yet; within the
   * FIFO deduplication window, the pipeline's own resend is dropped by SQS anyway.
   */
  reviewGraceSeconds: FIFO_DEDUPLICATION_WINDOW_SECONDS,
  /** The table's lease ends before the message's invisibility; this long after, the message is visible again. */
  leaseGraceSeconds: 60,
  /** An upload this recent may still be waiting for, or going through, its retries: every receive and a batch. */
  draftGraceSeconds:
    QUEUES.ingest.maxReceiveCount * INGEST_VISIBILITY_TIMEOUT_SECONDS +
    MODERATE_FUNCTION.maxBatchingWindowSeconds,
  /** Messages the review inventory holds while it reads the queue, and for how long at most. */
  inventoryMaxMessages: 10_000,
  inventoryHoldSeconds: 120,
  /** A drafts sweep stops this long before its timeout, saves where it was, and goes on at its next run. */
  stopBeforeTimeoutSeconds: 60,
  /** Table reads in flight while a sweep checks a page of objects. */
  readConcurrency: 16,
} as const;

export const REVIEW_MESSAGE = { topClaims: 5, maxReasons: 10, maxTextChars: 280 } as const;

/** The review API (issue 5): leases on the review queue, roles, limits of what a reviewer may send. */
export const REVIEW_API = {
  /** A `next` call hides the message this long: the reviewer's lease. `extend` starts it again from now. */
  leaseSeconds: 15 * 60,
  /** SQS's limit for a message's visibility timeout. */
  maxLeaseSeconds: 12 * 60 * 60,
  /** How many messages one `next` call looks at before answering that there is nothing to review. */
  maxMessagesPerNext: 10,
  /** Characters of the draft shown either side of a flagged claim. */
  contextChars: 160,
  /**
   * What `next` and the report route send at most, in bytes of JSON, whatever the draft (Lambda's response limit
   * is 6 MB): the text inline (else a presigned GET), the claims with their context, citations, references.
   */
  responseBudget: { textBytes: 1024 * 1024, claimBytes: 1536 * 1024, listBytes: 256 * 1024 },
  /** How long a presigned GET of a draft's text or full result is valid. */
  downloadUrlSeconds: 5 * 60,
  maxNoteChars: 4_000,
  maxClaimNotes: 200,
  /** POST /uploads: how long the presigned PUT URL is valid (file names: shared/pipeline/names.ts). */
  uploadUrlSeconds: 5 * 60,
  /** Cognito groups (the `cognito:groups` claim) and the claims the handlers read. */
  groups: { reviewer: 'reviewers', viewer: 'viewers', publisher: 'publishers' },
  claims: {
    subject: 'sub',
    groups: 'cognito:groups',
    publisherId: 'custom:publisherId',
    /** What people read for "who decided": the user's e-mail, else the user name (the subject is an id). */
    email: 'email',
    username: 'cognito:username',
  },
  /** Each route's function: one S3 read or a few table calls per request, inside API Gateway's 30 s limit. */
  function: { memoryMiB: 512, timeoutSeconds: 10, logRetentionDays: MODERATE_FUNCTION.logRetentionDays },
  /**
   * Cognito tokens of the pages' app client. An ID token (what the API checks) lasts an hour, so a removed user or
   * group loses access within the hour; a refresh token lasts a working day, so a reviewer signs in once a day
   * (with MFA) rather than every hour, and a stolen one is worth a day at most.
   */
  tokens: { idTokenMinutes: 60, accessTokenMinutes: 60, refreshTokenHours: 12, signInSessionMinutes: 5 },
  /** The HTTP API stage's default throttling (requests per second, and the burst above it). */
  throttle: { rateLimit: 20, burstLimit: 40 },
  /** How long the API's access logs are kept, per stage. */
  accessLogRetentionDays: { dev: 14, prod: 365 },
} as const;

/** The built pages (web/), served from the site's root: the stack's sign-in callbacks and outputs name them. */
export const WEB = {
  pages: {
    review: 'review.html',
    dashboard: 'dashboard.html',
    publisher: 'publisher.html',
    draft: 'draft.html',
  },
} as const;

export const ENV = {
  stage: 'CLAIMSCAN_STAGE',
  tableName: 'CLAIMSCAN_TABLE_NAME',
  reviewQueueUrl: 'CLAIMSCAN_REVIEW_QUEUE_URL',
  /** The reconciler's: where lost upload events are sent again, and whether the bucket lists version ids. */
  ingestQueueUrl: 'CLAIMSCAN_INGEST_QUEUE_URL',
  bucketVersioned: 'CLAIMSCAN_BUCKET_VERSIONED',
  /** The review DLQ, for the `next` function only: where it moves a message no reviewer can use. */
  reviewDlqUrl: 'CLAIMSCAN_REVIEW_DLQ_URL',
  /** Optional for the review API's functions; REVIEW_API.leaseSeconds when absent. */
  reviewLeaseSeconds: 'CLAIMSCAN_REVIEW_LEASE_SECONDS',
  /** The drafts bucket, for the upload function and the reconcilers: the others read the bucket a record names. */
  bucketName: 'CLAIMSCAN_BUCKET_NAME',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
} as const;

export const METRICS = {
  namespace: 'Claimscan',
  service: 'moderate',
  /** Every metric also carries the `service` and `stage` dimensions. */
  names: {
    processed: 'DraftsProcessed',
    flagged: 'DraftsFlagged',
    failed: 'DraftsFailed',
    duplicates: 'DuplicateEvents',
    ignored: 'IgnoredObjects',
    reviewSent: 'ReviewMessagesSent',
  },
  /** The reconciler's metrics (service `reconcile`): what it found stranded and sent again. */
  reconcile: { service: 'reconcile', reviews: 'ReviewsReenqueued', drafts: 'DraftsResent' },
} as const;

export const ALARMS = {
  /** A review message older than this means reviewers are falling behind. */
  reviewMessageMaxAgeSeconds: 24 * 60 * 60,
  /** An upload still waiting this long is more than retries: the function is failing, throttled or stopped. */
  ingestMessageMaxAgeSeconds: 30 * 60,
  /** A moderate invocation this close to its timeout will soon be one that times out (a slower engine, larger drafts). */
  durationShareOfTimeout: 0.8,
} as const;

/** Physical names, per stage. Queues and the table are named so operators and the local runner can find them. */
export function resourceNames(stage: Stage, app: string = APP_NAME) {
  const base = `${app}-${stage}`;
  return {
    stack: base,
    table: `${base}-results`,
    ingestQueue: `${base}-ingest`,
    ingestDlq: `${base}-ingest-dlq`,
    reviewQueue: `${base}-review.fifo`,
    reviewDlq: `${base}-review-dlq.fifo`,
    moderateFunction: `${base}-moderate`,
    reconcileReviewsFunction: `${base}-reconcile-reviews`,
    reconcileDraftsFunction: `${base}-reconcile-drafts`,
    /** Followed by the route's name: `claimscan-dev-review-next`. */
    reviewFunctionPrefix: `${base}-review-`,
    reviewApi: `${base}-review-api`,
    userPool: `${base}-users`,
    dashboard: `${base}-pipeline`,
  };
}
export type ResourceNames = ReturnType<typeof resourceNames>;

/** The table's global secondary indexes, as the stack and the local runner create them. */
export function tableIndexes() {
  return Object.values(TABLE.indexes).map((index) => ({
    ...index,
    projection: { type: 'INCLUDE' as const, nonKeyAttributes: [...TABLE.projectedAttributes] },
  }));
}

export interface QueueDefinition {
  name: string;
  fifo: boolean;
  /** Only where it differs from SQS's default. */
  visibilityTimeoutSeconds?: number;
  contentBasedDeduplication?: boolean;
  retentionSeconds: number;
  maxReceiveCount: number;
  deadLetter: { name: string; retentionSeconds: number };
}

/** Each queue with its dead-letter queue, as the stack and the local runner create them. */
export function queueDefinitions(names: ResourceNames): Record<'ingest' | 'review', QueueDefinition> {
  const day = 24 * 60 * 60;
  const deadLetterRetentionSeconds = QUEUES.deadLetterRetentionDays * day;
  return {
    ingest: {
      name: names.ingestQueue,
      fifo: QUEUES.ingest.fifo,
      visibilityTimeoutSeconds: INGEST_VISIBILITY_TIMEOUT_SECONDS,
      retentionSeconds: QUEUES.ingest.retentionDays * day,
      maxReceiveCount: QUEUES.ingest.maxReceiveCount,
      deadLetter: { name: names.ingestDlq, retentionSeconds: deadLetterRetentionSeconds },
    },
    review: {
      name: names.reviewQueue,
      fifo: QUEUES.review.fifo,
      // The function supplies a deduplication id per draft version.
      contentBasedDeduplication: false,
      retentionSeconds: QUEUES.review.retentionDays * day,
      maxReceiveCount: QUEUES.review.maxReceiveCount,
      deadLetter: { name: names.reviewDlq, retentionSeconds: deadLetterRetentionSeconds },
    },
  };
}
