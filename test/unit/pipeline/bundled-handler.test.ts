// The deployed artifact, run for real: the handler bundled as the stack bundles it (esbuild, then terser; SDK,
// credential shim and event-stream shim inside) against local S3, DynamoDB and SQS emulators. The mocked-client
// tests never serialise a request; this one sends every call the pipeline makes over HTTP, signed with credentials
// taken from the environment, as in Lambda. The setup uses createAwsClients' local mode (endpoints + keys).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModerateBundle } from '../../../infra/bundling.js';
import { startEmulators } from '../../../local/emulators.js';
import type { Emulators, LocalTarget } from '../../../local/emulators.js';
import { ModerationResult } from '../../../shared/contract.js';
import { createAwsClients } from '../../../shared/pipeline/config.js';
import type { AwsClients } from '../../../shared/pipeline/config.js';
import { ResultRecord, ReviewMessage } from '../../../shared/pipeline/record.js';
import { ENV, TABLE } from '../../../shared/pipeline/resources.js';
import { BUCKET, CLEAN_TEXT, lambdaContext, RISKY_TEXT, s3Record, sqsEvent, sqsRecord } from './fixtures.js';

const run = promisify(execFile);

const TABLE_NAME = 'claimscan-local-results';
const REVIEW_QUEUE = 'claimscan-local-review.fifo';
const RESULT_MARK = '@@handler-result ';

let dir: string;
let bundle: string;
let emulators: Emulators | undefined;
let target: LocalTarget;
let clients: AwsClients;
let reviewQueueUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'claimscan-bundled-'));
  ({ outfile: bundle } = await buildModerateBundle(dir));

  emulators = await startEmulators({ buckets: [BUCKET] });
  ({ target } = emulators);
  clients = createAwsClients(target);
  const keySchema = [
    { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
  ];
  await new DynamoDBClient({ ...target, endpoint: target.endpoints.dynamodb }).send(
    new CreateTableCommand({
      TableName: TABLE_NAME,
      KeySchema: keySchema,
      AttributeDefinitions: keySchema.map(({ AttributeName }) => ({ AttributeName, AttributeType: 'S' })),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const queue = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: REVIEW_QUEUE, Attributes: { FifoQueue: 'true' } }),
  );
  reviewQueueUrl = queue.QueueUrl ?? '';
});

afterAll(async () => {
  await emulators?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Uploads a draft and returns the SQS record of its S3 notification (unversioned bucket: pinned by ETag). */
async function upload(key: string, body: string, sequencer: string) {
  const put = await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return notification(key, {
    eTag: (put.ETag ?? '').replaceAll('"', ''),
    size: Buffer.byteLength(body),
    sequencer,
  });
}

function notification(key: string, object: { eTag: string; size: number; sequencer: string }) {
  const record = s3Record({ key, ...object });
  delete (record.s3.object as { versionId?: string }).versionId;
  return sqsRecord({ Records: [record] });
}

/** Runs the bundle's handler in a fresh `node`, configured as Lambda configures it: by environment. */
async function invokeBundle(records: ReturnType<typeof sqsRecord>[]): Promise<SQSBatchResponse> {
  const script = [
    `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
    `const context = { ...${JSON.stringify(lambdaContext)}, getRemainingTimeInMillis: () => 30000 };`,
    'const result = await handler(JSON.parse(process.env.TEST_EVENT), context);',
    `process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify(result));`,
  ].join('\n');
  const env = {
    PATH: process.env.PATH ?? '',
    // Nothing from this machine's AWS configuration.
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_REGION: target.region,
    AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: 'session-token',
    AWS_ENDPOINT_URL_S3: target.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: target.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: target.endpoints.sqs,
    [ENV.stage]: 'dev',
    [ENV.tableName]: TABLE_NAME,
    [ENV.reviewQueueUrl]: reviewQueueUrl,
    [ENV.logLevel]: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    TEST_EVENT: JSON.stringify(sqsEvent(...records)),
  };
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '--eval', script], { env });
  const at = stdout.lastIndexOf(RESULT_MARK);
  if (at < 0) throw new Error(`the handler printed no result\n${stdout}\n${stderr}`);
  // A failed record is logged at ERROR (on stderr); show why, rather than only that something failed.
  const logs = `${stdout.slice(0, at)}\n${stderr}`.split('\n');
  expect(logs.filter((line) => line.includes('"level":"ERROR"'))).toEqual([]);
  return JSON.parse(stdout.slice(at + RESULT_MARK.length)) as SQSBatchResponse;
}

/** The version items (the dashboard's counter items share the table). */
async function storedRecords(): Promise<ResultRecord[]> {
  const { Items = [] } = await clients.db.send(new ScanCommand({ TableName: TABLE_NAME }));
  return Items.filter((item) => String(item.pk).startsWith('DOC#')).map((item) => ResultRecord.parse(item));
}

describe('the bundled handler against S3, DynamoDB and SQS emulators', () => {
  it('reads drafts, records results, overflows to reports/ and sends review messages', async () => {
    const risky = await upload('drafts/acme/risky.md', RISKY_TEXT, '0055AED6DCD90281E5');
    const clean = await upload('drafts/acme/clean.md', CLEAN_TEXT, '0055AED6DCD90281E6');
    // Enough claims that the result is too large for an item: its claims go to reports/ (PutObject).
    const longText = Array.from({ length: 1_000 }, (_, i) => `Magnesium cures depression in ${i} days.`).join(
      ' ',
    );
    const long = await upload('drafts/acme/long.md', longText, '0055AED6DCD90281E7');
    // Never uploaded: S3 answers 404, which the client must deserialise into an error with that status.
    const gone = notification('drafts/acme/gone.md', {
      eTag: 'abc',
      size: 10,
      sequencer: '0055AED6DCD90281E8',
    });
    // The same notification twice in a batch: one item, the second delivery a duplicate (conditional put).
    const again = { ...risky, messageId: 'risky-again' };

    expect(await invokeBundle([risky, clean, long, gone, again])).toEqual({ batchItemFailures: [] });

    const records = new Map((await storedRecords()).map((record) => [record.documentId, record]));
    expect([...records.keys()].sort()).toEqual(['clean.md', 'gone.md', 'long.md', 'risky.md']);
    expect(records.get('clean.md')).toMatchObject({ status: 'passed', verdict: 'pass' });
    expect(records.get('gone.md')).toMatchObject({ status: 'failed', failure: { code: 'not_found' } });
    for (const flagged of ['risky.md', 'long.md']) {
      expect(records.get(flagged)).toMatchObject({
        status: 'pending_review',
        reviewEnqueuedAt: expect.any(String),
      });
    }

    const reportKey = records.get('long.md')?.reportKey;
    expect(reportKey).toMatch(/^reports\/acme\/long\.md\//);
    const report = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: reportKey }));
    const full = ModerationResult.parse(JSON.parse((await report.Body?.transformToString()) ?? ''));
    expect(full.claims).toHaveLength(1_000);

    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: reviewQueueUrl, MaxNumberOfMessages: 10 }),
    );
    const reviews = Messages.map((message) => ReviewMessage.parse(JSON.parse(message.Body ?? '')));
    expect(reviews.map((review) => review.documentId).sort()).toEqual(['long.md', 'risky.md']);
    expect(reviews.find((review) => review.documentId === 'long.md')?.result.report).toBe(
      `s3://${BUCKET}/${reportKey}`,
    );
  });
});
