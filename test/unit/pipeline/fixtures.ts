import { createHash } from 'node:crypto';
// Builders for the pipeline tests: S3 events inside SQS messages, S3 bodies, and an in-memory results table.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type {
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ModerationResult } from '../../../shared/contract.js';
import { encodeS3EventKey } from '../../../shared/pipeline/events.js';
import type { DraftRef } from '../../../shared/pipeline/events.js';
import { ResultRecord } from '../../../shared/pipeline/record.js';

export const BUCKET = 'claimscan-test-drafts';
export const RISKY_TEXT = 'Magnesium cures depression and enhances SSRIs.';
export const CLEAN_TEXT = 'Spinach is green.';
/** A PNG header: NUL bytes and all. */
export const PNG_BYTES = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

export interface Upload {
  /** The object key as the publisher named it (decoded). */
  key: string;
  versionId?: string;
  eTag?: string;
  sequencer?: string;
  size?: number;
  eventTime?: string;
  eventName?: string;
}

/** One S3 event record, shaped as S3 sends it (the key form-encoded). */
export function s3Record(upload: Upload) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: upload.eventTime ?? '2026-05-04T10:00:00.000Z',
    eventName: upload.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    // An IPv6 uploader: valid, and one reason the pipeline does not use Powertools' stricter S3 schema.
    requestParameters: { sourceIPAddress: '2001:db8::1' },
    responseElements: {
      'x-amz-request-id': 'C3D13FE58DE4C810',
      'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'drafts',
      bucket: {
        name: BUCKET,
        ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
        arn: `arn:aws:s3:::${BUCKET}`,
      },
      object: {
        key: encodeS3EventKey(upload.key),
        size: upload.size ?? 100,
        // Each version its own content unless a test says otherwise.
        eTag:
          upload.eTag ??
          createHash('md5')
            .update(`${upload.key}@${upload.versionId ?? 'v1'}`)
            .digest('hex'),
        versionId: upload.versionId ?? 'v1',
        sequencer: upload.sequencer ?? '0055AED6DCD90281E5',
      },
    },
  };
}

export const S3_TEST_EVENT = {
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2026-05-04T09:00:00.000Z',
  Bucket: BUCKET,
  RequestId: '5582815E1AEA5ADF',
  HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
};

let messageCounter = 0;

export function sqsRecord(body: unknown, messageId = `message-${++messageCounter}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1777888800000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1777888800001',
    },
    messageAttributes: {},
    md5OfBody: '7b270e59b47ff90a553787216d55d91d',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:claimscan-test-ingest',
    awsRegion: 'us-east-1',
  };
}

/** An SQS message carrying S3's notification for one upload. */
export const uploadMessage = (upload: Upload, messageId?: string) =>
  sqsRecord({ Records: [s3Record(upload)] }, messageId);

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export const lambdaContext = {
  functionName: 'claimscan-test-moderate',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:claimscan-test-moderate',
  memoryLimitInMB: '1024',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

/** S3's answer to a read the caller may not make, or of a missing key when the caller may not list the bucket. */
export const accessDenied = () =>
  new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'Access Denied',
    $metadata: { httpStatusCode: 403 },
  });

/** What GetObject resolves with: only the method the pipeline calls is real. */
export function objectBody(content: string | Uint8Array) {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { transformToByteArray: async () => bytes } as unknown as GetObjectCommandOutput['Body'];
}

export function draftRef(overrides: Partial<DraftRef> = {}): DraftRef {
  return {
    bucket: BUCKET,
    key: 'drafts/acme/article.md',
    publisherId: 'acme',
    documentId: 'article.md',
    versionId: 'v1',
    eTag: 'd41d8cd98f00b204e9800998ecf8427e',
    version: 'v1',
    sequencer: '0055AED6DCD90281E5'.padStart(32, '0'),
    size: 100,
    uploadedAt: '2026-05-04T10:00:00.000Z',
    ...overrides,
  };
}

/** A contract-valid result, for tests of the record logic that should not depend on the engine's judgement. */
export function moderationResult(overrides: Partial<ModerationResult> = {}): ModerationResult {
  return {
    source: `s3://${BUCKET}/drafts/acme/article.md`,
    documentId: 'article.md',
    policyVersion: 'test-1',
    format: 'markdown',
    verdict: 'review',
    riskScore: 82,
    reasons: [{ code: 'high_risk_claim', detail: 'A claim that magnesium cures depression.' }],
    disclaimers: [],
    claims: [
      {
        id: 'c1',
        text: 'Magnesium cures depression.',
        start: 0,
        end: 27,
        categories: ['disease_claim'],
        riskScore: 90,
        riskLevel: 'high',
        factors: [{ code: 'cure_verb', detail: 'cures', weight: 40 }],
      },
      {
        id: 'c2',
        text: 'Spinach is green.',
        start: 28,
        end: 45,
        categories: ['general_health'],
        riskScore: 5,
        riskLevel: 'low',
        factors: [],
      },
    ],
    citations: [],
    references: [],
    stats: { characters: 45, sentences: 2, claims: 2, ms: 1 },
    ...overrides,
  };
}

const itemKey = (key: Record<string, unknown> | undefined) => `${String(key?.pk)}|${String(key?.sk)}`;
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/**
 * The results table in memory, implementing the two conditions the store uses. Tests still assert the
 * condition expressions actually sent, so this fake cannot hide a missing condition.
 */
export class FakeTable {
  readonly items = new Map<string, Record<string, unknown>>();

  seed(record: ResultRecord): void {
    this.items.set(itemKey(record), structuredClone(record));
  }

  records(): ResultRecord[] {
    return [...this.items.values()].map((item) => ResultRecord.parse(item));
  }

  get = (input: GetCommandInput) => {
    const item = this.items.get(itemKey(input.Key));
    return item === undefined ? {} : { Item: structuredClone(item) };
  };

  put = (input: PutCommandInput) => {
    const key = itemKey(input.Item);
    if (input.ConditionExpression?.includes('attribute_not_exists(#pk)') && this.items.has(key))
      throw conditionFailed();
    this.items.set(key, structuredClone(input.Item ?? {}));
    return {};
  };

  /** The newest items of one partition, as Query with ScanIndexForward=false returns them. */
  query = (input: QueryCommandInput) => {
    const pk = input.ExpressionAttributeValues?.[':pk'];
    const items = [...this.items.values()]
      .filter((item) => item.pk === pk)
      .sort((a, b) => (String(a.sk) < String(b.sk) ? 1 : -1))
      .slice(0, input.Limit ?? Infinity);
    return { Items: structuredClone(items) };
  };

  /** The dashboard's counter items (`ADD` updates), by `pk|sk`. */
  readonly counters = new Map<string, Record<string, number>>();

  update = (input: UpdateCommandInput) => {
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    const expression = input.UpdateExpression ?? '';
    if (expression.startsWith('ADD ')) {
      const key = itemKey(input.Key);
      const counters = this.counters.get(key) ?? {};
      for (const [name = '', value = ''] of expression
        .slice('ADD '.length)
        .split(', ')
        .map((part) => part.split(' '))) {
        const attribute = names[name] ?? name;
        counters[attribute] = (counters[attribute] ?? 0) + Number(values[value]);
      }
      this.counters.set(key, counters);
      return {};
    }
    // The claim and the markers: `SET <name> = <value>` (REMOVE <claim>), on an existing item, once.
    const set = /^SET (\w+) = (:\w+)(?: REMOVE (\w+))?$/.exec(expression);
    if (set === null) throw new Error(`test bug: unexpected update ${expression}`);
    const [, name = '', value = '', removed] = set;
    const item = this.items.get(itemKey(input.Key));
    if (item === undefined) throw conditionFailed();
    // A claim holds while it has not expired; a marker is set once.
    const allowed =
      name === 'countingUntil'
        ? item.countedAt === undefined &&
          (item.countingUntil === undefined || String(item.countingUntil) < String(values[':now']))
        : item[name] === undefined;
    if (!allowed) throw conditionFailed();
    item[name] = values[value];
    if (removed !== undefined) delete item[removed];
    return {};
  };

  /** The day item of `STATS#ALL` or `STATS#PUB#<id>`. */
  counter(pk: string, day: string): Record<string, number> | undefined {
    return this.counters.get(`${pk}|DAY#${day}`);
  }
}
