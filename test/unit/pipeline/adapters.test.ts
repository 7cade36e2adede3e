// The AWS adapters on their own: what they send, and how they classify errors.
import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DraftError } from '../../../shared/errors.js';
import { buildModeratedRecord, buildReviewMessage } from '../../../shared/pipeline/record.js';
import { QUEUES, REVIEW_RENEW_AT_RECEIVES } from '../../../shared/pipeline/resources.js';
import { ReviewQueue } from '../../../shared/pipeline/review-queue.js';
import { DraftBucket } from '../../../shared/pipeline/s3.js';
import { ResultsStore } from '../../../shared/pipeline/store.js';
import { accessDenied, draftRef, moderationResult, objectBody } from './fixtures.js';

const s3 = mockClient(S3Client);
const db = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

beforeEach(() => {
  s3.reset();
  db.reset();
  sqs.reset();
});

describe('DraftBucket', () => {
  const drafts = new DraftBucket(new S3Client({ region: 'us-east-1' }));

  it('pins the eTag with If-Match when the bucket gives no version id', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 5, ContentType: 'text/markdown' });
    s3.on(GetObjectCommand).resolves({ Body: objectBody('hello') });
    const ref = draftRef({ version: 'etag-1', eTag: 'etag-1' });
    delete ref.versionId;

    const draft = await drafts.readDraft(ref, 100);

    expect(new TextDecoder().decode(draft.bytes)).toBe('hello');
    expect(draft.contentType).toBe('text/markdown');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { IfMatch: '"etag-1"' });
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.VersionId).toBeUndefined();
  });

  it.each([
    ['a deleted version (404)', new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } })],
    [
      'an object replaced since the event (412)',
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        message: 'At least one of the pre-conditions you specified did not hold',
        $metadata: { httpStatusCode: 412 },
      }),
    ],
  ])('reports %s as not_found', async (_case, error) => {
    s3.on(HeadObjectCommand).rejects(error);
    await expect(drafts.readDraft(draftRef(), 100)).rejects.toMatchObject({
      name: 'DraftError',
      code: 'not_found',
    });
  });

  describe('with s3:ListBucket limited to drafts/, where S3 answers a missing key with 403', () => {
    const denied = accessDenied();
    const ref = draftRef({ key: 'drafts/acme/a.md', versionId: 'v2' });

    it('reports a version its prefix no longer lists as not_found, asking by that prefix only', async () => {
      s3.on(HeadObjectCommand).rejects(denied);
      s3.on(ListObjectVersionsCommand).resolves({
        // The prefix also matches longer keys, and other versions of this one.
        Versions: [
          { Key: 'drafts/acme/a.md', VersionId: 'v1' },
          { Key: 'drafts/acme/a.md.bak', VersionId: 'v2' },
        ],
        IsTruncated: false,
      });
      await expect(drafts.readDraft(ref, 100)).rejects.toMatchObject({ code: 'not_found' });
      expect(s3).toHaveReceivedCommandWith(ListObjectVersionsCommand, { Prefix: 'drafts/acme/a.md' });
    });

    it('lets a 403 through when the version is listed: a real denial, retried and alarmed on', async () => {
      s3.on(HeadObjectCommand).rejects(denied);
      s3.on(ListObjectVersionsCommand).resolves({
        Versions: [{ Key: 'drafts/acme/a.md', VersionId: 'v2' }],
        IsTruncated: false,
      });
      await expect(drafts.readDraft(ref, 100)).rejects.toBe(denied);
    });
  });

  it('lets other S3 errors through, to be retried', async () => {
    const throttled = new S3ServiceException({
      name: 'SlowDown',
      $fault: 'server',
      message: 'Please reduce your request rate.',
      $metadata: { httpStatusCode: 503 },
    });
    s3.on(HeadObjectCommand).rejects(throttled);
    const error = await drafts.readDraft(draftRef(), 100).catch((caught: unknown) => caught);
    expect(error).toBe(throttled);
    expect(error).not.toBeInstanceOf(DraftError);
  });

  it('writes reports under reports/ only', async () => {
    s3.on(PutObjectCommand).resolves({});
    await drafts.writeReport('b', 'reports/acme/a.md/v1.json', '{}');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: 'reports/acme/a.md/v1.json' });
    await expect(drafts.writeReport('b', 'drafts/acme/loop.md', '{}')).rejects.toThrow(/reports\//);
  });
});

describe('ResultsStore', () => {
  const store = new ResultsStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    'results',
  );
  const { record } = buildModeratedRecord(draftRef(), moderationResult(), '2026-05-04T10:00:01.000Z');
  const conditionFailed = new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

  it('never overwrites an existing version', async () => {
    db.on(PutCommand).rejects(conditionFailed);
    await expect(store.putNew(record)).resolves.toBe(false);
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'results',
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
  });

  it('treats an already marked review as done', async () => {
    db.on(UpdateCommand).rejects(conditionFailed);
    await expect(store.markReviewEnqueued(record, '2026-05-04T10:00:02.000Z')).resolves.toBeUndefined();
  });
});

describe('ReviewQueue', () => {
  it('uses FIFO-safe ids for any publisher or document id', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const ref = draftRef({ publisherId: 'ácme', documentId: `${'ünïcødé folder/'.repeat(20)}draft ✓.md` });
    const { record } = buildModeratedRecord(ref, moderationResult(), '2026-05-04T10:00:01.000Z');

    await new ReviewQueue(new SQSClient({ region: 'us-east-1' }), 'https://queue').send(
      buildReviewMessage(record, 'results'),
      record,
    );

    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    for (const id of [input?.MessageGroupId, input?.MessageDeduplicationId]) {
      expect(id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  describe('receiving, with SQS counting every receive (leases, the reconciler) toward maxReceiveCount', () => {
    const { record } = buildModeratedRecord(draftRef(), moderationResult(), '2026-05-04T10:00:01.000Z');
    const body = JSON.stringify(buildReviewMessage(record, 'results'));
    const queue = new ReviewQueue(new SQSClient({ region: 'us-east-1' }), 'https://queue');
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => warnings.push(args) };
    const receive = (receives: number, messageBody = body) => {
      sqs.on(ReceiveMessageCommand).resolves({
        Messages: [
          {
            MessageId: 'm1',
            ReceiptHandle: 'h1',
            Body: messageBody,
            Attributes: { ApproximateReceiveCount: String(receives) },
          },
        ],
      });
      return queue.receive({ maxMessages: 1, visibilitySeconds: 60, waitSeconds: 0 }, log);
    };

    it('leaves a message alone below the renewal count, and asks SQS for the receive count', async () => {
      expect(REVIEW_RENEW_AT_RECEIVES).toBeLessThan(QUEUES.review.maxReceiveCount);
      const [received] = await receive(REVIEW_RENEW_AT_RECEIVES - 1);
      expect(received).toMatchObject({ messageId: 'm1', receiptHandle: 'h1', renewed: false });
      expect(received?.review?.result).toMatchObject({ pk: record.pk, sk: record.sk });
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
      expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
      expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.AttributeNames).toEqual(['All']);
    });

    it('renews a message near maxReceiveCount: the same body sent again in its group, then the old one deleted', async () => {
      sqs.on(SendMessageCommand).resolves({});
      sqs.on(DeleteMessageCommand).resolves({});
      const [received] = await receive(REVIEW_RENEW_AT_RECEIVES);
      expect(received?.renewed).toBe(true);
      const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
      expect(JSON.parse(sent?.MessageBody ?? '')).toEqual(JSON.parse(body));
      // Its document's group, and a deduplication id of its own (the pipeline's send would be dropped as a duplicate).
      await queue.send(buildReviewMessage(record, 'results'), record);
      const first = sqs.commandCalls(SendMessageCommand)[1]?.args[0].input;
      expect(sent?.MessageGroupId).toBe(first?.MessageGroupId);
      expect(sent?.MessageDeduplicationId).not.toBe(first?.MessageDeduplicationId);
      expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input.ReceiptHandle).toBe('h1');
    });

    it('keeps the message when the renewal fails, says so, and leaves a body that is no review message to next', async () => {
      sqs.on(SendMessageCommand).rejects(new Error('throttled'));
      const [kept] = await receive(QUEUES.review.maxReceiveCount - 1);
      expect(kept?.renewed).toBe(false);
      expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
      expect(warnings).toHaveLength(1);
      const [invalid] = await receive(REVIEW_RENEW_AT_RECEIVES, '{"not":"a review"}');
      expect(invalid).toMatchObject({ renewed: false, invalid: 'not a review message' });
      expect((await receive(1, 'garbage'))[0]).toMatchObject({ invalid: 'not JSON' });
    });
  });
});
