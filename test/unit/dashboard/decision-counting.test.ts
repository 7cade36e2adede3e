// Decisions reach the dashboard's counters exactly once: counted before the review message is deleted, and
// when counting fails the message is kept, so that `next` meets the decided version again and counts it then.
import 'aws-sdk-client-mock-vitest/extend';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildModeratedRecord, buildReviewMessage } from '../../../shared/pipeline/record.js';
import type { ResultRecord } from '../../../shared/pipeline/record.js';
import { encodeLease } from '../../../shared/review/lease.js';
import { ReviewService } from '../../../shared/review/service.js';
import { draftRef, moderationResult } from '../pipeline/fixtures.js';

const db = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const NOW = new Date('2026-05-04T10:30:00.000Z');
const TABLE_NAME = 'claimscan-test-results';
const errors: unknown[] = [];

const service = () =>
  new ReviewService({
    db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    sqs: new SQSClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    tableName: TABLE_NAME,
    reviewQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/claimscan-test-review.fifo',
    leaseSeconds: 900,
    log: { warn: () => {}, error: (...args) => errors.push(args) },
    now: () => NOW,
  });

const pending = (): ResultRecord => ({
  ...buildModeratedRecord(draftRef(), moderationResult(), '2026-05-04T10:00:01.000Z').record,
  reviewEnqueuedAt: '2026-05-04T10:00:02.000Z',
  countedAt: '2026-05-04T10:00:02.000Z',
});

const decided = (): ResultRecord => ({
  ...pending(),
  byStatusPk: 'STATUS#approved',
  status: 'approved',
  decidedBy: 'local-reviewer',
  // 25 minutes after the upload (2026-05-04T10:00:00.000Z).
  decidedAt: '2026-05-04T10:25:00.000Z',
  decisionNote: '',
});

const adds = () =>
  db
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.UpdateExpression?.startsWith('ADD '));

beforeEach(() => {
  db.reset();
  sqs.reset();
  errors.length = 0;
  sqs.on(DeleteMessageCommand).resolves({});
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
  // The queue's counts: no draft pending (shared/dashboard/backlog.ts).
  db.on(QueryCommand).resolves({ Count: 0 });
  db.on(PutCommand).resolves({});
});

describe('decision counters', () => {
  const record = pending();
  const leaseId = encodeLease({
    id: 'lease-1',
    messageId: 'message-1',
    receiptHandle: 'receipt-1',
    pk: record.pk,
    sk: record.sk,
  });
  const decide = () =>
    service().decide(
      { subject: 'local-reviewer', role: 'reviewer' },
      { documentId: record.documentId, version: record.version },
      { leaseId, decision: 'approve', note: '' },
    );

  it('adds the decision and its duration bucket to both scopes, marks the record, then deletes the message', async () => {
    db.on(UpdateCommand).resolvesOnce({ Attributes: decided() }).resolves({});

    await decide();

    expect(adds().map((input) => [input.Key?.pk, input.Key?.sk])).toEqual([
      ['STATS#ALL', 'DAY#2026-05-04'],
      ['STATS#PUB#acme', 'DAY#2026-05-04'],
    ]);
    expect(Object.values(adds()[0]?.ExpressionAttributeNames ?? {}).sort()).toEqual([
      'decision#approve',
      'dur#1500',
    ]);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET decisionCountedAt = :at',
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(decisionCountedAt)',
    });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { ReceiptHandle: 'receipt-1' });
  });

  it('keeps the message when counting fails; the decision still stands', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    db.on(UpdateCommand).resolvesOnce({ Attributes: decided() }).rejects(throttled);

    const response = await decide();

    expect(response.draft.status).toBe('approved');
    expect(sqs).toHaveReceivedCommandTimes(DeleteMessageCommand, 0);
    expect(errors).toHaveLength(1);
  });

  it('counts a decided version that `next` meets again, then drops its message', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'message-1',
            ReceiptHandle: 'receipt-2',
            Body: JSON.stringify(buildReviewMessage(record, TABLE_NAME)),
          },
        ],
      })
      .resolves({});
    db.on(UpdateCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'not pending', $metadata: {} }))
      .resolves({});
    db.on(GetCommand).resolves({ Item: decided() });

    expect(await service().next({ subject: 'local-reviewer2', role: 'reviewer' })).toMatchObject({
      empty: true,
    });

    expect(adds()).toHaveLength(2);
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { ReceiptHandle: 'receipt-2' });
  });

  it('does not count a decision twice', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'message-1',
            ReceiptHandle: 'receipt-2',
            Body: JSON.stringify(buildReviewMessage(record, TABLE_NAME)),
          },
        ],
      })
      .resolves({});
    db.on(UpdateCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    db.on(GetCommand).resolves({ Item: { ...decided(), decisionCountedAt: '2026-05-04T10:25:01.000Z' } });

    await service().next({ subject: 'local-reviewer2', role: 'reviewer' });

    expect(adds()).toEqual([]);
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, { ReceiptHandle: 'receipt-2' });
  });
});
