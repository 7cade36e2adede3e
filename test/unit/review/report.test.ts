// The report route's lookup: a version by its id, or, given the upload's ETag, the latest version with the same
// bytes (a versioned bucket gives a re-upload a new version id that the pipeline never records); and its read of a
// report's digest under prefix-scoped listing.
import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DraftError } from '../../../shared/errors.js';
import { buildFailedRecord, digestKey } from '../../../shared/pipeline/record.js';
import type { ResultRecord, StoredResult } from '../../../shared/pipeline/record.js';
import { ReviewService } from '../../../shared/review/service.js';
import { accessDenied, draftRef, moderationResult, objectBody } from '../pipeline/fixtures.js';

const db = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const publisher = { subject: 'u1', role: 'publisher' as const, publisherId: 'acme' };

const service = new ReviewService({
  db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  sqs: new SQSClient({ region: 'us-east-1' }),
  s3: new S3Client({ region: 'us-east-1' }),
  tableName: 'claimscan-test-results',
  reviewQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/claimscan-test-review.fifo',
  leaseSeconds: 900,
  log: { warn: () => {}, error: () => {} },
});

// Failed records: their report needs no S3 read, so only the lookup is under test.
const version = (id: string, eTag: string, sequencer: string) =>
  buildFailedRecord(
    draftRef({ versionId: id, version: id, eTag, sequencer: sequencer.padStart(32, '0') }),
    new DraftError('empty', 'the draft is empty'),
    '2026-05-04T10:00:01.000Z',
  );

beforeEach(() => {
  db.reset();
  s3.reset();
  // Newest first, as the history Query returns them.
  db.on(QueryCommand).resolves({ Items: [version('v2', 'e2', '02'), version('v1', 'e1', '01')] });
});

const report = (ref: { version: string; eTag?: string }) =>
  service.report(publisher, { documentId: 'article.md', ...ref });

it('finds a version by its id', async () => {
  expect((await report({ version: 'v1' })).draft.version).toBe('v1');
  expect((await report({ version: 'v1', eTag: 'e2' })).draft.version).toBe('v1');
});

it("answers the latest version's report for an unrecorded version with the latest's ETag", async () => {
  expect((await report({ version: 'v3', eTag: 'e2' })).draft.version).toBe('v2');
});

it('is 404 for an unrecorded version whose bytes differ from the latest, even if an older version had them', async () => {
  for (const ref of [{ version: 'v3' }, { version: 'v3', eTag: 'e9' }, { version: 'v3', eTag: 'e1' }])
    await expect(report(ref)).rejects.toMatchObject({ code: 'not_found', status: 404 });
});

describe('a result in reports/ whose digest is missing (stored before digests were)', () => {
  // The roles list reports/ by prefix only, so S3 answers the missing digest with 403, not 404.
  const denied = accessDenied();
  const full = moderationResult();
  const reportKey = 'reports/acme/article.md/v1.json';
  const summary: StoredResult = { ...full };
  delete summary.claims;
  delete summary.citations;
  delete summary.references;
  const record: ResultRecord = {
    ...buildFailedRecord(draftRef(), new DraftError('empty', 'unused'), '2026-05-04T10:00:01.000Z'),
    status: 'pending_review',
    verdict: 'review',
    riskScore: full.riskScore,
    result: summary,
    reportKey,
  };
  delete record.failure;

  beforeEach(() => {
    db.on(QueryCommand).resolves({ Items: [record] });
    s3.on(GetObjectCommand, { Key: record.key }).resolves({
      Body: objectBody('Magnesium cures depression.'),
    });
    s3.on(GetObjectCommand, { Key: digestKey(reportKey) }).rejects(denied);
    s3.on(GetObjectCommand, { Key: reportKey }).callsFake(() => ({
      Body: { transformToString: async () => JSON.stringify(full) },
    }));
  });

  it('reads the full report when listing that one key under reports/ does not find the digest', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: reportKey }] });
    const answer = await report({ version: 'v1' });
    expect(answer.result?.claims.map((claim) => claim.id)).toEqual(['c1', 'c2']);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: digestKey(reportKey), MaxKeys: 1 });
  });

  it('lets the 403 through when the digest is listed: a real denial, not a missing digest', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: digestKey(reportKey) }] });
    await expect(report({ version: 'v1' })).rejects.toBe(denied);
  });
});
