// The bucket, table and queues of the stack, created in the emulators from shared/pipeline/resources.ts.
// Idempotent: a persisted data folder already has the bucket and table, and they are reused.
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../shared/pipeline/config.js';
import {
  APP_NAME,
  queueDefinitions,
  resourceNames,
  TABLE,
  tableIndexes,
} from '../shared/pipeline/resources.js';
import type { QueueDefinition, ResourceNames } from '../shared/pipeline/resources.js';
import { queueArn } from '../shared/pipeline/queue-admin.js';

/** The local stack is the `dev` stage of its own app name, so its names never equal a deployed stack's. */
export const LOCAL_APP_NAME = `${APP_NAME}-local`;

export interface LocalNames extends ResourceNames {
  /** CDK names the deployed bucket itself; the local one is named like the other resources. */
  bucket: string;
}

export function localNames(appName: string = LOCAL_APP_NAME): LocalNames {
  const names = resourceNames('dev', appName);
  return { ...names, bucket: `${names.stack}-drafts` };
}

export interface QueueUrls {
  ingest: string;
  ingestDlq: string;
  review: string;
  reviewDlq: string;
}

export interface LocalResources {
  names: LocalNames;
  queues: QueueUrls;
  /** The ingest queue's ARN: the event source of the records the function receives. */
  ingestQueueArn: string;
}

/** Settings a test may shorten so retries happen in seconds; everything else is the stack's. */
export interface ResourceOverrides {
  ingestVisibilityTimeoutSeconds?: number;
}

async function createBucket(clients: AwsClients, bucket: string): Promise<void> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

async function createTable(clients: AwsClients, tableName: string): Promise<void> {
  const describe = () => clients.db.send(new DescribeTableCommand({ TableName: tableName }));
  try {
    await describe();
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const key = (name: string, type: 'HASH' | 'RANGE') => ({ AttributeName: name, KeyType: type });
  const indexes = tableIndexes();
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const index of indexes) attributes.add(index.partitionKey).add(index.sortKey);
  await clients.db.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [key(TABLE.partitionKey, 'HASH'), key(TABLE.sortKey, 'RANGE')],
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [key(index.partitionKey, 'HASH'), key(index.sortKey, 'RANGE')],
        Projection: {
          ProjectionType: index.projection.type,
          NonKeyAttributes: index.projection.nonKeyAttributes,
        },
      })),
    }),
  );
  // dynalite reports CREATING for a moment even with createTableMs 0.
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await describe();
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

async function createQueue(
  clients: AwsClients,
  queue: QueueDefinition,
  visibilityTimeoutSeconds?: number,
): Promise<{ url: string; arn: string; dlqUrl: string }> {
  const create = async (name: string, attributes: Record<string, string>) => {
    const { QueueUrl } = await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { ...attributes, ...(queue.fifo && { FifoQueue: 'true' }) },
      }),
    );
    if (QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
    return QueueUrl;
  };
  const dlqUrl = await create(queue.deadLetter.name, {
    MessageRetentionPeriod: String(queue.deadLetter.retentionSeconds),
  });
  const timeout = visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds;
  const url = await create(queue.name, {
    MessageRetentionPeriod: String(queue.retentionSeconds),
    ...(timeout !== undefined && { VisibilityTimeout: String(timeout) }),
    ...(queue.contentBasedDeduplication !== undefined && {
      ContentBasedDeduplication: String(queue.contentBasedDeduplication),
    }),
    // SQS itself moves a message to the DLQ once it was received maxReceiveCount times (local-aws-sqs does too).
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: await queueArn(clients.sqs, dlqUrl),
      maxReceiveCount: queue.maxReceiveCount,
    }),
  });
  return { url, arn: await queueArn(clients.sqs, url), dlqUrl };
}

export async function createLocalResources(
  clients: AwsClients,
  names: LocalNames,
  overrides: ResourceOverrides = {},
): Promise<LocalResources> {
  const definitions = queueDefinitions(names);
  await createBucket(clients, names.bucket);
  await createTable(clients, names.table);
  const ingest = await createQueue(clients, definitions.ingest, overrides.ingestVisibilityTimeoutSeconds);
  const review = await createQueue(clients, definitions.review);
  return {
    names,
    queues: { ingest: ingest.url, ingestDlq: ingest.dlqUrl, review: review.url, reviewDlq: review.dlqUrl },
    ingestQueueArn: ingest.arn,
  };
}
