// Wiring: the function's environment (validated) and the SDK clients the adapters run on.
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StatsCounters } from '../dashboard/store.js';
import * as z from '../zod.js';
import { ENV, MAX_DRAFT_BYTES, Stage } from './resources.js';
import { ReviewQueue } from './review-queue.js';
import { DraftBucket } from './s3.js';
import type { PipelineDeps } from './service.js';
import { ResultsStore } from './store.js';

export const PipelineConfig = z.pipe(
  z.object({
    [ENV.stage]: Stage,
    [ENV.tableName]: z.string().check(z.minLength(1)),
    [ENV.reviewQueueUrl]: z.url(),
  }),
  z.transform((env) => ({
    stage: env[ENV.stage],
    tableName: env[ENV.tableName],
    reviewQueueUrl: env[ENV.reviewQueueUrl],
  })),
);
export type PipelineConfig = z.output<typeof PipelineConfig>;

export function loadPipelineConfig(env: NodeJS.ProcessEnv): PipelineConfig {
  return PipelineConfig.parse(env);
}

/** The reconciler functions' environment: the pipeline's, plus the ingest queue and the bucket. */
export const ReconcileConfig = z.pipe(
  z.object({
    [ENV.stage]: Stage,
    [ENV.tableName]: z.string().check(z.minLength(1)),
    [ENV.reviewQueueUrl]: z.url(),
    [ENV.ingestQueueUrl]: z.url(),
    [ENV.bucketName]: z.string().check(z.minLength(1)),
    [ENV.bucketVersioned]: z.enum(['true', 'false']),
    AWS_REGION: z.string().check(z.minLength(1)),
  }),
  z.transform((env) => ({
    stage: env[ENV.stage],
    tableName: env[ENV.tableName],
    reviewQueueUrl: env[ENV.reviewQueueUrl],
    ingestQueueUrl: env[ENV.ingestQueueUrl],
    bucket: env[ENV.bucketName],
    bucketVersioned: env[ENV.bucketVersioned] === 'true',
    region: env.AWS_REGION,
  })),
);
export type ReconcileConfig = z.output<typeof ReconcileConfig>;

export interface AwsClients {
  s3: S3Client;
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
}

/** Bounded timeouts so a hung connection fails fast and is retried, instead of eating the function's timeout. */
export const SDK_CLIENT_DEFAULTS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
} as const;

/**
 * Where the clients send requests. Empty (the function in Lambda): the region and credentials come from the
 * environment. A local run sets endpoints (emulators) and static credentials instead; S3 is then addressed
 * path-style, as emulators expect.
 */
export interface AwsTarget {
  region?: string;
  endpoints?: { s3?: string; dynamodb?: string; sqs?: string };
  credentials?: AwsCredentials;
}
export type AwsCredentials = NonNullable<S3ClientConfig['credentials']>;

export function createAwsClients(target: AwsTarget = {}): AwsClients {
  const { region, endpoints = {}, credentials } = target;
  const shared = {
    ...SDK_CLIENT_DEFAULTS,
    ...(region !== undefined && { region }),
    ...(credentials !== undefined && { credentials }),
  };
  const at = (endpoint: string | undefined) => (endpoint === undefined ? {} : { endpoint });
  return {
    s3: new S3Client({
      ...shared,
      ...at(endpoints.s3),
      ...(endpoints.s3 !== undefined && { forcePathStyle: true }),
    }),
    db: DynamoDBDocumentClient.from(new DynamoDBClient({ ...shared, ...at(endpoints.dynamodb) }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sqs: new SQSClient({ ...shared, ...at(endpoints.sqs) }),
  };
}

export function createPipelineDeps(
  config: PipelineConfig,
  clients: AwsClients,
  logger: Logger,
): PipelineDeps {
  return {
    store: new ResultsStore(clients.db, config.tableName),
    drafts: new DraftBucket(clients.s3),
    reviews: new ReviewQueue(clients.sqs, config.reviewQueueUrl),
    counters: new StatsCounters(clients.db, config.tableName),
    logger,
    maxDraftBytes: MAX_DRAFT_BYTES,
    now: () => new Date(),
  };
}
