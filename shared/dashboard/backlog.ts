// Drafts pending review, each counted once. The dashboard's backlog, the review page's queue line and `npm start`
// read the same numbers from here.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { statusPk } from '../pipeline/record.js';
import { TABLE } from '../pipeline/resources.js';

export interface PendingReviewDeps {
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableName: string;
  reviewQueueUrl: string;
}

export interface PendingReviews {
  /** Drafts no reviewer holds. */
  waiting: number;
  /** Drafts a reviewer holds: the review queue's messages in flight, at most the drafts pending. */
  inReview: number;
}

const { byStatus } = TABLE.indexes;

/** The byStatus partition of the versions pending review. */
export const pendingPartition = (tableName: string) => ({
  TableName: tableName,
  IndexName: byStatus.name,
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': byStatus.partitionKey },
  ExpressionAttributeValues: { ':pk': statusPk('pending_review') },
});

/**
 * The versions pending review (a COUNT over their byStatus partition), of which as many as the review queue has
 * in flight are in review. SQS counts messages, not drafts: a message delivered twice or left from a decision
 * would count twice, and a lost one not at all.
 */
export async function pendingReviews(deps: PendingReviewDeps): Promise<PendingReviews> {
  const [{ Attributes = {} }, pending] = await Promise.all([
    deps.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: deps.reviewQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
      }),
    ),
    countPending(deps),
  ]);
  const inReview = Math.min(pending, Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0));
  return { waiting: pending - inReview, inReview };
}

/** Index rows are small (the summary attributes): 10,000 pending drafts are about 3 MB, three pages. */
async function countPending(deps: PendingReviewDeps): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        ...pendingPartition(deps.tableName),
        Select: 'COUNT',
        ...(start !== undefined && { ExclusiveStartKey: start }),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
}
