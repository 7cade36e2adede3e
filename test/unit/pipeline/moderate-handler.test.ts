// The Lambda handler end to end, with the real engine and mocked AWS clients.
import 'aws-sdk-client-mock-vitest/extend';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buildFailedRecord,
  buildModeratedRecord,
  estimateItemBytes,
  ReviewMessage,
} from '../../../shared/pipeline/record.js';
import { ENV, MAX_DRAFT_BYTES, TABLE } from '../../../shared/pipeline/resources.js';
import { DraftError } from '../../../shared/errors.js';
import {
  BUCKET,
  CLEAN_TEXT,
  draftRef,
  FakeTable,
  lambdaContext,
  moderationResult,
  objectBody,
  PNG_BYTES,
  RISKY_TEXT,
  S3_TEST_EVENT,
  sqsEvent,
  sqsRecord,
  uploadMessage,
} from './fixtures.js';
import type { Upload } from './fixtures.js';

const REVIEW_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/claimscan-test-review.fifo';
const s3 = mockClient(S3Client);
const db = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let table: FakeTable;
let handler: (typeof import('../../../functions/moderate.js'))['handler'];

/** Objects in the bucket by `key@versionId`. */
let objects: Map<string, string | Uint8Array>;

function upload(draft: Upload, content: string | Uint8Array): Upload {
  objects.set(`${draft.key}@${draft.versionId ?? 'v1'}`, content);
  return {
    ...draft,
    size: draft.size ?? (typeof content === 'string' ? Buffer.byteLength(content) : content.length),
  };
}

const run = (...records: ReturnType<typeof sqsRecord>[]) => handler(sqsEvent(...records), lambdaContext);
const recordFor = (documentId: string) => table.records().find((record) => record.documentId === documentId);
const sentReviews = () =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((call) => ReviewMessage.parse(JSON.parse(call.args[0].input.MessageBody ?? '')));

beforeAll(async () => {
  vi.stubEnv(ENV.stage, 'dev');
  vi.stubEnv(ENV.tableName, 'claimscan-test-results');
  vi.stubEnv(ENV.reviewQueueUrl, REVIEW_QUEUE_URL);
  vi.stubEnv(ENV.logLevel, 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  ({ handler } = await import('../../../functions/moderate.js'));
});

beforeEach(() => {
  s3.reset();
  db.reset();
  sqs.reset();
  table = new FakeTable();
  objects = new Map();
  const stored = (input: { Key?: string; VersionId?: string }) => {
    const content = objects.get(`${input.Key}@${input.VersionId}`);
    if (content === undefined) throw new Error(`test bug: no object ${input.Key}@${input.VersionId}`);
    return content;
  };
  s3.on(HeadObjectCommand).callsFake((input) => {
    const content = stored(input);
    return {
      ContentLength: typeof content === 'string' ? Buffer.byteLength(content) : content.length,
      ContentType: 'binary/octet-stream',
    };
  });
  s3.on(GetObjectCommand).callsFake((input) => ({ Body: objectBody(stored(input)) }));
  db.on(GetCommand).callsFake(table.get);
  db.on(PutCommand).callsFake(table.put);
  db.on(UpdateCommand).callsFake(table.update);
  db.on(QueryCommand).callsFake(table.query);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'review-1' });
});

describe('moderate handler', () => {
  it('moderates a normal batch: one record per draft, one review message for the flagged one', async () => {
    const risky = upload({ key: 'drafts/acme/magnesium.txt', versionId: 'm1' }, RISKY_TEXT);
    const clean = upload({ key: 'drafts/acme/spinach.txt', versionId: 's1' }, CLEAN_TEXT);

    const response = await run(uploadMessage(risky), uploadMessage(clean));

    expect(response.batchItemFailures).toEqual([]);
    expect(recordFor('magnesium.txt')).toMatchObject({
      publisherId: 'acme',
      status: 'pending_review',
      verdict: 'review',
      versionId: 'm1',
      byStatusPk: 'STATUS#pending_review',
      byPublisherPk: 'PUB#acme',
      reviewEnqueuedAt: expect.any(String),
    });
    expect(recordFor('spinach.txt')).toMatchObject({ status: 'passed', verdict: 'pass' });
    expect(recordFor('spinach.txt')?.reviewEnqueuedAt).toBeUndefined();
    expect(db).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(#pk)' });

    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: REVIEW_QUEUE_URL,
      MessageGroupId: expect.stringMatching(/^[0-9a-f]{64}$/),
      MessageDeduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const [message] = sentReviews();
    expect(message).toMatchObject({
      publisherId: 'acme',
      documentId: 'magnesium.txt',
      version: 'm1',
      result: { table: 'claimscan-test-results', pk: 'DOC#acme#magnesium.txt' },
    });
    expect(message?.riskScore).toBeGreaterThan(0);
  });

  it('writes the claims to reports/ before an item that would pass the size limit, and points to them', async () => {
    s3.on(PutObjectCommand).resolves({});
    const sentences = Array.from(
      { length: 4_000 },
      (_, i) => `Magnesium cures depression in ${i} days and enhances SSRIs.`,
    );
    const draft = upload({ key: 'drafts/acme/long.txt', versionId: 'L1' }, sentences.join(' '));

    const response = await run(uploadMessage(draft));

    expect(response.batchItemFailures).toEqual([]);
    const record = recordFor('long.txt');
    expect(record?.reportKey).toBe('reports/acme/long.txt/L1.json');
    expect(record?.result).not.toHaveProperty('claims');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'reports/acme/long.txt/L1.json',
    });
    const [reportWrite, digestWrite] = s3.commandCalls(PutObjectCommand);
    const [itemWrite] = db.commandCalls(PutCommand);
    if (reportWrite === undefined || digestWrite === undefined || itemWrite === undefined)
      throw new Error('expected a report, its digest and an item write');
    expect(digestWrite.args[0].input.Key).toBe('reports/acme/long.txt/L1.review.json');
    expect(reportWrite.calledBefore(digestWrite)).toBe(true);
    expect(digestWrite.calledBefore(itemWrite)).toBe(true);
    expect(estimateItemBytes(itemWrite.args[0].input.Item)).toBeLessThanOrEqual(TABLE.itemOverflowBytes);
    expect(sentReviews()[0]?.result.report).toBe(`s3://${BUCKET}/reports/acme/long.txt/L1.json`);
  });

  it.each([
    ['a space', 'drafts/acme/my draft.txt'],
    ['a plus sign', 'drafts/acme/a+b=c.md'],
    ['unicode', 'drafts/acme/café/ümlaut ✓ 草稿.md'],
    ['a percent sign', 'drafts/acme/100% natural (new).html'],
  ])('reads and records a key with %s under its decoded name', async (_case, key) => {
    const draft = upload({ key, versionId: 'k1' }, CLEAN_TEXT);

    const response = await run(uploadMessage(draft));

    expect(response.batchItemFailures).toEqual([]);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: BUCKET, Key: key, VersionId: 'k1' });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: key, VersionId: 'k1' });
    expect(table.records()).toEqual([
      expect.objectContaining({ key, documentId: key.slice('drafts/acme/'.length), status: 'passed' }),
    ]);
  });

  it('skips the s3:TestEvent S3 sends when notifications are configured', async () => {
    const response = await run(sqsRecord(S3_TEST_EVENT));

    expect(response.batchItemFailures).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
    expect(db).toHaveReceivedCommandTimes(GetCommand, 0);
  });

  it('treats a redelivered event as done: no download, no second write, no second review message', async () => {
    const ref = draftRef();
    const { record } = buildModeratedRecord(ref, moderationResult(), '2026-05-04T10:00:01.000Z');
    table.seed({
      ...record,
      reviewEnqueuedAt: '2026-05-04T10:00:02.000Z',
      countedAt: '2026-05-04T10:00:02.000Z',
    });

    const response = await run(uploadMessage({ key: ref.key }));

    expect(response.batchItemFailures).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
    expect(db).toHaveReceivedCommandTimes(PutCommand, 0);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
    expect(table.counters.size).toBe(0);
  });

  it('processes the same event twice in a row exactly once in effect', async () => {
    const draft = upload({ key: 'drafts/acme/magnesium.txt' }, RISKY_TEXT);

    await run(uploadMessage(draft));
    const again = await run(uploadMessage(draft));

    expect(again.batchItemFailures).toEqual([]);
    expect(table.records()).toHaveLength(1);
    expect(db).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('accepts losing a race to a concurrent delivery of the same event (conditional check failed)', async () => {
    const ref = draftRef({ size: MAX_DRAFT_BYTES + 1 });
    const winner = buildFailedRecord(
      ref,
      new DraftError('too_large', 'too large'),
      '2026-05-04T10:00:01.000Z',
    );
    // The reads before the put see nothing; the concurrent delivery writes right after them, and is counting it.
    const claimed = { ...winner, countingUntil: new Date(Date.now() + 30_000).toISOString() };
    db.on(QueryCommand)
      .callsFakeOnce((input: QueryCommandInput) => {
        const before = table.query(input);
        table.seed(claimed);
        return before;
      })
      .callsFake(table.query);

    const response = await run(uploadMessage({ key: ref.key, size: MAX_DRAFT_BYTES + 1 }));

    expect(response.batchItemFailures).toEqual([]);
    expect(db).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(table.records()).toEqual([claimed]);
    // The winner's claim stands: this delivery adds nothing to the counters.
    expect(table.counters.size).toBe(0);
  });

  it('records an older version that arrives after a newer one without touching the newer result', async () => {
    const newer = upload(
      { key: 'drafts/acme/magnesium.txt', versionId: 'v2', sequencer: '0055AED6DCD90281F0' },
      RISKY_TEXT,
    );
    const older = upload(
      { key: 'drafts/acme/magnesium.txt', versionId: 'v1', sequencer: '0055AED6DCD90281E5' },
      CLEAN_TEXT,
    );

    await run(uploadMessage(newer));
    const newerItem = structuredClone(table.records()[0]);
    const updatesBefore = db.commandCalls(UpdateCommand).length;
    const response = await run(uploadMessage(older));

    expect(response.batchItemFailures).toEqual([]);
    // The older event read its own version, not whatever is current.
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Key: 'drafts/acme/magnesium.txt',
      VersionId: 'v1',
    });
    const records = table.records().sort((a, b) => (a.sk < b.sk ? 1 : -1));
    expect(records.map((record) => record.versionId)).toEqual(['v2', 'v1']);
    // "Latest" is the highest sort key: still the newer version, unchanged.
    expect(records[0]).toEqual(newerItem);
    const olderUpdates = db.commandCalls(UpdateCommand).slice(updatesBefore);
    expect(olderUpdates.filter((call) => call.args[0].input.Key?.sk === newerItem?.sk)).toEqual([]);
  });

  it('does not moderate or review again the same bytes uploaded as a new version', async () => {
    const first = upload(
      { key: 'drafts/acme/magnesium.txt', versionId: 'v1', eTag: 'same', sequencer: '0055AED6DCD90281E5' },
      RISKY_TEXT,
    );
    const again = upload(
      { key: 'drafts/acme/magnesium.txt', versionId: 'v2', eTag: 'same', sequencer: '0055AED6DCD90281F0' },
      RISKY_TEXT,
    );
    const edited = upload(
      { key: 'drafts/acme/magnesium.txt', versionId: 'v3', eTag: 'edited', sequencer: '0055AED6DCD9028200' },
      CLEAN_TEXT,
    );

    await run(uploadMessage(first));
    const response = await run(uploadMessage(again));

    expect(response.batchItemFailures).toEqual([]);
    expect(table.records().map((record) => record.versionId)).toEqual(['v1']);
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { VersionId: 'v2' });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);

    await run(uploadMessage(edited));
    expect(
      table
        .records()
        .map((record) => record.versionId)
        .sort(),
    ).toEqual(['v1', 'v3']);
  });

  it('moderates the same bytes again when the latest result failed (deleted before it was read)', async () => {
    const key = 'drafts/acme/magnesium.txt';
    const deletedFirst = { key, versionId: 'v1', eTag: 'same', sequencer: '0055AED6DCD90281E5' };
    s3.on(HeadObjectCommand, { VersionId: 'v1' }).rejects(
      new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }),
    );
    await run(uploadMessage({ ...deletedFirst, size: Buffer.byteLength(RISKY_TEXT) }));
    expect(table.records()).toEqual([
      expect.objectContaining({
        status: 'failed',
        versionId: 'v1',
        failure: expect.objectContaining({ code: 'not_found' }),
      }),
    ]);

    const again = upload({ key, versionId: 'v2', eTag: 'same', sequencer: '0055AED6DCD90281F0' }, RISKY_TEXT);
    const response = await run(uploadMessage(again));

    expect(response.batchItemFailures).toEqual([]);
    expect(recordFor('magnesium.txt')).toBeDefined();
    expect(
      table
        .records()
        .map(({ versionId, status }) => `${versionId}:${status}`)
        .sort(),
    ).toEqual(['v1:failed', 'v2:pending_review']);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('records an oversized draft as failed/too_large from the event size, without reading it', async () => {
    const response = await run(uploadMessage({ key: 'drafts/acme/huge.md', size: MAX_DRAFT_BYTES + 1 }));

    expect(response.batchItemFailures).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(recordFor('huge.md')).toMatchObject({
      status: 'failed',
      byStatusPk: 'STATUS#failed',
      failure: { code: 'too_large' },
    });
  });

  it('checks the size with HeadObject before downloading when the event understates it', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: MAX_DRAFT_BYTES + 1 });

    const response = await run(uploadMessage({ key: 'drafts/acme/grown.md', size: 10 }));

    expect(response.batchItemFailures).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(recordFor('grown.md')).toMatchObject({ status: 'failed', failure: { code: 'too_large' } });
  });

  it.each([
    ['an empty', 'empty.txt', '', 'empty'],
    ['a binary', 'image.txt', PNG_BYTES, 'binary'],
  ])('records %s object as failed once, and does not retry it', async (_case, name, content, code) => {
    const draft = upload({ key: `drafts/acme/${name}` }, content);

    const first = await run(uploadMessage(draft));
    const redelivered = await run(uploadMessage(draft));

    expect(first.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(table.records()).toEqual([
      expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ code }) }),
    ]);
    expect(db).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
  });

  it('retries a message when DynamoDB throttles the read', async () => {
    db.on(GetCommand).rejects(
      new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }),
    );
    const message = uploadMessage({ key: 'drafts/acme/article.md' });

    const response = await run(message);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: message.messageId }]);
    expect(table.records()).toEqual([]);
  });

  it('retries a message when DynamoDB throttles the write, and sends nothing for it', async () => {
    db.on(PutCommand).rejects(
      new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }),
    );
    const message = uploadMessage({ key: 'drafts/acme/huge.md', size: MAX_DRAFT_BYTES + 1 });

    const response = await run(message);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: message.messageId }]);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
  });

  it('keeps the result when the review send fails, and sends it on the retry', async () => {
    sqs.on(SendMessageCommand).rejectsOnce(new Error('socket hang up')).resolves({ MessageId: 'review-1' });
    const draft = upload({ key: 'drafts/acme/magnesium.txt' }, RISKY_TEXT);
    const message = uploadMessage(draft);

    const first = await run(message);

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: message.messageId }]);
    expect(recordFor('magnesium.txt')).toMatchObject({ status: 'pending_review' });
    expect(recordFor('magnesium.txt')?.reviewEnqueuedAt).toBeUndefined();

    const retried = await run(message);

    expect(retried.batchItemFailures).toEqual([]);
    expect(db).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 2);
    // Both attempts carry the same deduplication id, so SQS keeps one of them.
    const ids = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageDeduplicationId);
    expect(new Set(ids).size).toBe(1);
    expect(recordFor('magnesium.txt')?.reviewEnqueuedAt).toEqual(expect.any(String));
  });

  it('sends the review message owed by a stored flagged version on redelivery, then marks it', async () => {
    const ref = draftRef();
    table.seed(buildModeratedRecord(ref, moderationResult(), '2026-05-04T10:00:01.000Z').record);

    const response = await run(uploadMessage({ key: ref.key }));

    expect(response.batchItemFailures).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(sentReviews()).toEqual([
      expect.objectContaining({
        documentId: 'article.md',
        topClaims: [expect.objectContaining({ id: 'c1' })],
      }),
    ]);
    expect(db).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(reviewEnqueuedAt)',
    });
    expect(table.records()[0]?.reviewEnqueuedAt).toEqual(expect.any(String));
  });

  it("adds each result once to its day's counters, for everyone and for its publisher", async () => {
    const risky = upload({ key: 'drafts/acme/magnesium.txt', versionId: 'm1' }, RISKY_TEXT);
    const clean = upload({ key: 'drafts/acme/spinach.txt', versionId: 's1' }, CLEAN_TEXT);
    const huge = uploadMessage({ key: 'drafts/acme/huge.md', size: MAX_DRAFT_BYTES + 1 });

    await run(uploadMessage(risky), uploadMessage(clean), huge);
    // Every message delivered again: nothing is counted twice.
    await run(uploadMessage(risky), uploadMessage(clean), huge);

    const flagged = recordFor('magnesium.txt');
    const categories = flagged?.flaggedCategories ?? [];
    expect(categories.length).toBeGreaterThan(0);
    const missing = (flagged?.result?.disclaimers ?? []).filter((d) => d.required && d.status === 'missing');
    expect(missing.length).toBeGreaterThan(0);
    const day = flagged?.processedAt.slice(0, 10) ?? '';
    const expected = {
      processed: 3,
      passed: 1,
      flagged: 1,
      failed: 1,
      ...Object.fromEntries(categories.map((category) => [`cat#${category}`, 1])),
      ...Object.fromEntries(missing.map((disclaimer) => [`missing#${disclaimer.id}`, 1])),
    };
    expect(table.counter('STATS#ALL', day)).toEqual(expected);
    expect(table.counter('STATS#PUB#acme', day)).toEqual(expected);
    for (const record of table.records()) {
      expect(record.countedAt).toEqual(expect.any(String));
      expect(record.countingUntil).toBeUndefined();
    }
    // Each new record is written already claimed, so a concurrent delivery cannot count it too.
    const written = db.commandCalls(PutCommand).map((call) => call.args[0].input.Item ?? {});
    expect(written).toHaveLength(3);
    for (const item of written) expect(item.countingUntil).toEqual(expect.any(String));
  });

  it.each([
    ['no claim (the put succeeded, then the function crashed)', undefined],
    ['an expired claim (the function crashed while counting)', '2026-05-04T10:00:31.000Z'],
  ])('counts a stored result on redelivery when it has %s, then marks it', async (_case, countingUntil) => {
    const ref = draftRef();
    const { record } = buildModeratedRecord(ref, moderationResult(), '2026-05-04T10:00:01.000Z');
    table.seed({ ...record, ...(countingUntil !== undefined && { countingUntil }) });

    const response = await run(uploadMessage({ key: ref.key }));

    expect(response.batchItemFailures).toEqual([]);
    expect(table.counter('STATS#ALL', '2026-05-04')).toMatchObject({ processed: 1, flagged: 1 });
    expect(table.records()[0]).toMatchObject({ countedAt: expect.any(String) });
    expect(table.records()[0]?.countingUntil).toBeUndefined();
    // Counted before the review message went out.
    const [claim] = db.commandCalls(UpdateCommand);
    const [send] = sqs.commandCalls(SendMessageCommand);
    if (claim === undefined || send === undefined) throw new Error('expected a claim and a review send');
    expect(claim.calledBefore(send)).toBe(true);
  });

  it('retries a message whose counter updates fail, and counts it once on the retry', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    // The new record is written already claimed; both scopes' ADDs fail.
    db.on(UpdateCommand).rejectsOnce(throttled).rejectsOnce(throttled).callsFake(table.update);
    const message = uploadMessage({ key: 'drafts/acme/huge.md', size: MAX_DRAFT_BYTES + 1 });

    const first = await run(message);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: message.messageId }]);
    expect(recordFor('huge.md')?.countedAt).toBeUndefined();

    // The failed delivery's claim has to expire before the retry counts (SQS retries after the function's timeout).
    const claimed = recordFor('huge.md');
    if (claimed === undefined) throw new Error('expected the record');
    table.seed({ ...claimed, countingUntil: '2000-01-01T00:00:00.000Z' });
    const retried = await run(message);

    expect(retried.batchItemFailures).toEqual([]);
    const day = claimed.processedAt.slice(0, 10);
    expect(table.counter('STATS#PUB#acme', day)).toEqual({ processed: 1, failed: 1 });
    expect(recordFor('huge.md')?.countedAt).toEqual(expect.any(String));
  });

  it('reports only the failing message of a batch', async () => {
    const failing = uploadMessage({ key: 'drafts/other/article.md' });
    db.on(GetCommand).callsFake((input) => {
      if (input.Key?.pk === 'DOC#other#article.md')
        throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
      return table.get(input);
    });

    const response = await run(
      uploadMessage({ key: 'drafts/acme/huge.md', size: MAX_DRAFT_BYTES + 1 }),
      failing,
      sqsRecord(S3_TEST_EVENT),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
    expect(recordFor('huge.md')).toMatchObject({ status: 'failed' });
  });

  it('retries (and eventually dead-letters) a message that is not an S3 notification', async () => {
    const malformed = sqsRecord('{"Records": [{"eventSource": "aws:s3"}]}');
    const notJson = sqsRecord('not json');

    const response = await run(malformed, notJson);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: malformed.messageId },
      { itemIdentifier: notJson.messageId },
    ]);
  });

  it('ignores objects that are not drafts/<publisherId>/<name>', async () => {
    const response = await run(
      uploadMessage({ key: 'drafts/loose-file.md' }),
      uploadMessage({ key: 'drafts/acme/folder/' }),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(db).toHaveReceivedCommandTimes(GetCommand, 0);
  });
});
