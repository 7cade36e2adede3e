// What the integration tests do with the local pipeline: only real SDK calls against the emulators.
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import type { LocalPrincipal, ReviewApiServer, ReviewApiServerOptions } from '../../local/review-api.js';
import { startReviewApiServer } from '../../local/review-api.js';
import { createAwsClients } from '../../shared/pipeline/config.js';
import { encodeS3EventKey } from '../../shared/pipeline/events.js';
import {
  draftPk,
  IndexSummary,
  ResultRecord,
  ReviewMessage,
  VERSION_SK_PREFIX,
} from '../../shared/pipeline/record.js';

export const pipeline = inject('localPipeline');
export const clients = createAwsClients(pipeline.target);
export const { names, queues } = pipeline;

/** Each test uses its own publisher, so tests sharing the table and queues never see each other's drafts. */
export const publisher = (label: string) => `it-${label}-${randomUUID().slice(0, 8)}`;

export async function upload(key: string, body: string | Uint8Array): Promise<string> {
  const put = await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: key, Body: body }));
  return (put.ETag ?? '').replace(/"/g, '');
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function items(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await clients.db.send(new QueryCommand({ TableName: names.table, ...input }));
  return Items;
}

export const query = async (input: Omit<QueryCommandInput, 'TableName'>): Promise<ResultRecord[]> =>
  (await items(input)).map((item) => ResultRecord.parse(item));

/** Items straight from an index, with every attribute they carry (to check the projection). */
export const queryIndex = async (input: Omit<QueryCommandInput, 'TableName'>) =>
  (await items(input)).map((item) => ({ summary: IndexSummary.parse(item), attributes: Object.keys(item) }));

/** A draft's history, newest first (the "history" access pattern). */
export const history = (publisherId: string, documentId: string) =>
  query({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ver)',
    ExpressionAttributeValues: { ':ver': VERSION_SK_PREFIX, ':pk': draftPk(publisherId, documentId) },
    ScanIndexForward: false,
    ConsistentRead: true,
  });

/** The "latest result" access pattern. */
export async function latest(publisherId: string, documentId: string): Promise<ResultRecord | undefined> {
  const [record] = await query({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ver)',
    ExpressionAttributeValues: { ':ver': VERSION_SK_PREFIX, ':pk': draftPk(publisherId, documentId) },
    ScanIndexForward: false,
    Limit: 1,
    ConsistentRead: true,
  });
  return record;
}

/** Waits until the draft has `count` results (and, for flagged ones, their review message went out). */
export function recorded(publisherId: string, documentId: string, count = 1): Promise<ResultRecord[]> {
  return until(`${count} result(s) for ${publisherId}/${documentId}`, async () => {
    const records = await history(publisherId, documentId);
    const settled = records.every((r) => r.status !== 'pending_review' || r.reviewEnqueuedAt !== undefined);
    return records.length >= count && settled ? records : undefined;
  });
}

export async function queueDepth(url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Waits until the function has nothing left to do on the ingest queue. */
export const ingestIdle = () =>
  until('an idle ingest queue', async () => {
    const depth = await queueDepth(queues.ingest);
    return depth.visible + depth.inFlight === 0 ? true : undefined;
  });

const reviews: ReviewMessage[] = [];

/** Every review message so far for this publisher: drains the shared review queue into a list kept per file. */
export async function reviewMessagesFor(publisherId: string): Promise<ReviewMessage[]> {
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.review, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      reviews.push(ReviewMessage.parse(JSON.parse(message.Body ?? '')));
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queues.review, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
  return reviews.filter((review) => review.publisherId === publisherId);
}

/** The S3 notification for a stored result, as S3 (here the bridge) sent it: to redeliver or forge events. */
export function notificationFor(
  record: Pick<ResultRecord, 'key' | 'size' | 'uploadedAt'> & { eTag: string; sequencer: string },
) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: pipeline.target.region,
        eventTime: record.uploadedAt,
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: names.bucket, arn: `arn:aws:s3:::${names.bucket}` },
          object: {
            key: encodeS3EventKey(record.key),
            ...(record.size !== undefined && { size: record.size }),
            eTag: record.eTag,
            sequencer: record.sequencer,
          },
        },
      },
    ],
  };
}

export async function sendToIngest(body: unknown): Promise<void> {
  await clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.ingest,
      MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

export async function readObject(key: string): Promise<string> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

export const RISKY_TEXT = 'Magnesium cures depression and enhances SSRIs.';
export const CLEAN_TEXT = 'Spinach is green and grows well in cool weather.';

/** Deletes every message on the review queue: a test that leases drafts starts from an empty queue. */
export async function drainReviewQueue(): Promise<void> {
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.review, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return;
    for (const { ReceiptHandle } of Messages)
      await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queues.review, ReceiptHandle }));
  }
}

/** The review/dashboard/upload API on loopback against this pipeline, with the given principals. */
export function startApi(
  principals: LocalPrincipal[],
  options: Partial<ReviewApiServerOptions> = {},
): Promise<ReviewApiServer> {
  return startReviewApiServer({
    clients,
    tableName: names.table,
    reviewQueueUrl: queues.review,
    reviewDlqUrl: queues.reviewDlq,
    bucket: names.bucket,
    principals,
    log: { warn: () => {}, error: (...args: unknown[]) => console.error(...args) },
    ...options,
  });
}

/** One request as a client sends it: JSON in (a string body goes as is) and out; no token sends none. */
export async function callApi(
  api: ReviewApiServer,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}
