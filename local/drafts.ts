// Uploading a draft to the local bucket and waiting for its result: shared by `npm start`, watch mode and the bench.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../shared/pipeline/config.js';
import { draftPk } from '../shared/pipeline/record.js';
import type { ResultRecord } from '../shared/pipeline/record.js';
import { PREFIXES } from '../shared/pipeline/resources.js';
import { ResultsStore } from '../shared/pipeline/store.js';

export const LOCAL_PUBLISHER = 'local';

export interface Uploaded {
  publisherId: string;
  documentId: string;
  key: string;
  eTag: string;
  uploadedAt: number;
}

export async function uploadDraft(
  clients: AwsClients,
  bucket: string,
  documentId: string,
  body: Uint8Array,
  publisherId: string = LOCAL_PUBLISHER,
): Promise<Uploaded> {
  const key = `${PREFIXES.drafts}${publisherId}/${documentId}`;
  const uploadedAt = Date.now();
  const put = await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return { publisherId, documentId, key, eTag: (put.ETag ?? '').replace(/"/g, ''), uploadedAt };
}

/** The stored result of exactly this upload (its ETag), once the pipeline has written it. */
export async function resultOf(
  clients: AwsClients,
  table: string,
  draft: Uploaded,
): Promise<ResultRecord | undefined> {
  const history = await new ResultsStore(clients.db, table).history(
    draftPk(draft.publisherId, draft.documentId),
  );
  const record = history.find((item) => item.eTag === draft.eTag);
  // A flagged draft is done once its review message went out too.
  if (record?.status === 'pending_review' && record.reviewEnqueuedAt === undefined) return undefined;
  return record;
}

export async function waitForResult(
  clients: AwsClients,
  table: string,
  draft: Uploaded,
  timeoutMs = 60_000,
): Promise<ResultRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await resultOf(clients, table, draft);
    if (record !== undefined) return record;
    if (Date.now() > deadline) throw new Error(`no result for ${draft.key} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function queueDepth(clients: AwsClients, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}
