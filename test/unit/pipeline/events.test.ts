import { describe, expect, it } from 'vitest';
import {
  decodeS3EventKey,
  encodeS3EventKey,
  IngestMessage,
  isTestEvent,
  resolveDraft,
  S3EventRecord,
} from '../../../shared/pipeline/events.js';
import { S3_TEST_EVENT, s3Record, sqsRecord, uploadMessage } from './fixtures.js';

const record = (upload: Parameters<typeof s3Record>[0]) => S3EventRecord.parse(s3Record(upload));

function recordWithout(field: 'versionId' | 'sequencer') {
  const raw = s3Record({ key: 'drafts/acme/a.md', eTag: 'etag-1' });
  const object: Partial<typeof raw.s3.object> = { ...raw.s3.object };
  delete object[field];
  return S3EventRecord.parse({ ...raw, s3: { ...raw.s3, object } });
}

describe('S3 event keys', () => {
  // Encoded forms as S3 writes them into event notifications.
  it.each([
    ['drafts/acme/my+draft.txt', 'drafts/acme/my draft.txt'],
    ['drafts/acme/a%2Bb.md', 'drafts/acme/a+b.md'],
    ['drafts/acme/caf%C3%A9+%E8%8D%89%E7%A8%BF.md', 'drafts/acme/café 草稿.md'],
    ['drafts/acme/100%25+natural.html', 'drafts/acme/100% natural.html'],
    ['drafts/acme/sub/dir/x.txt', 'drafts/acme/sub/dir/x.txt'],
  ])('decodes %s', (encoded, decoded) => {
    expect(decodeS3EventKey(encoded)).toBe(decoded);
  });

  it.each(['drafts/acme/my draft.txt', 'drafts/a+b/100% (new) ✓ ünïcødé.md', "drafts/x/it's=~!*@.html"])(
    'round-trips %s',
    (key) => {
      expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
    },
  );

  it('rejects a key that is not valid percent-encoding', () => {
    const raw = s3Record({ key: 'drafts/acme/a.md' });
    raw.s3.object.key = 'drafts/acme/%E0%A4%A';
    expect(() => resolveDraft(S3EventRecord.parse(raw))).toThrow(/percent-encoding/);
  });
});

describe('ingest messages', () => {
  it('parses an S3 notification inside an SQS record', () => {
    const parsed = IngestMessage.parse(uploadMessage({ key: 'drafts/acme/a.md' }));
    expect(isTestEvent(parsed.body)).toBe(false);
  });

  it('recognises the s3:TestEvent', () => {
    const parsed = IngestMessage.parse(sqsRecord(S3_TEST_EVENT));
    expect(isTestEvent(parsed.body)).toBe(true);
  });

  it('rejects a body that is neither', () => {
    expect(IngestMessage.safeParse(sqsRecord({ hello: 'world' })).success).toBe(false);
    expect(IngestMessage.safeParse(sqsRecord('not json')).success).toBe(false);
  });

  it('reports a body that is not JSON as one issue', () => {
    const parsed = IngestMessage.safeParse(sqsRecord('not json'));
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['body'],
        message: expect.stringMatching(/^Invalid JSON - /),
      }),
    ]);
  });

  it('accepts the optional attributes SQS sets on FIFO, traced and redriven messages', () => {
    const message = uploadMessage({ key: 'drafts/acme/a.md' });
    const attributes = {
      ...message.attributes,
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
      SequenceNumber: '1',
      AWSTraceHeader: 'Root=1-0-0',
      DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:123456789012:claimscan-test-ingest-dlq',
    };
    const messageAttributes = { trace: { dataType: 'String', stringValue: 'x', binaryValue: null } };
    expect(IngestMessage.safeParse({ ...message, attributes, messageAttributes }).success).toBe(true);
  });

  // The envelope is checked as strictly as Powertools' SqsRecordSchema, which it replaces.
  it.each([
    ['another event source', { eventSource: 'aws:sns' }],
    ['no attributes', { attributes: {} }],
    ['a message attribute without a data type', { messageAttributes: { a: { stringValue: 'x' } } }],
    ['a non-string md5 of the attributes', { md5OfMessageAttributes: 1 }],
    ['a body that is not a string', { body: 42 }],
  ])('rejects a record with %s', (_, change) => {
    const message = { ...uploadMessage({ key: 'drafts/acme/a.md' }), ...change };
    expect(IngestMessage.safeParse(message).success).toBe(false);
  });
});

describe('resolveDraft', () => {
  it('names the draft version: publisher, document, version and a fixed-width sequencer', () => {
    const target = resolveDraft(
      record({ key: 'drafts/acme/health/magnesium.md', versionId: 'v9', sequencer: 'abc' }),
    );
    expect(target).toEqual({
      kind: 'draft',
      ref: expect.objectContaining({
        key: 'drafts/acme/health/magnesium.md',
        publisherId: 'acme',
        documentId: 'health/magnesium.md',
        version: 'v9',
        versionId: 'v9',
        sequencer: `${'0'.repeat(29)}ABC`,
      }),
    });
  });

  it('falls back to the eTag when the bucket is not versioned', () => {
    const target = resolveDraft(recordWithout('versionId'));
    expect(target).toMatchObject({ kind: 'draft', ref: { version: 'etag-1', eTag: 'etag-1' } });
    expect(target).not.toHaveProperty('ref.versionId');
  });

  it('orders sequencers of different lengths as S3 documents: pad, then compare', () => {
    const sequencerOf = (sequencer: string) => {
      const target = resolveDraft(record({ key: 'drafts/acme/a.md', sequencer }));
      return target.kind === 'draft' ? target.ref.sequencer : '';
    };
    expect(sequencerOf('FF') < sequencerOf('100')).toBe(true);
    expect(sequencerOf('0055AED6DCD90281E5') < sequencerOf('0055AED6DCD90281F0')).toBe(true);
  });

  it.each([
    ['drafts/loose.md', 'not drafts/<publisherId>/<name>'],
    ['drafts/acme/folder/', 'folder placeholder'],
    ['reports/acme/a.json', 'outside drafts/'],
    ['drafts/ac#me/a.md', 'publisher id'],
  ])('ignores %s', (key, reason) => {
    expect(resolveDraft(record({ key }))).toMatchObject({
      kind: 'ignored',
      key,
      reason: expect.stringContaining(reason),
    });
  });

  it('ignores events other than uploads', () => {
    expect(
      resolveDraft(record({ key: 'drafts/acme/a.md', eventName: 'ObjectRemoved:Delete' })),
    ).toMatchObject({
      kind: 'ignored',
    });
  });

  it('fails loudly on an upload without a sequencer rather than guess its order', () => {
    expect(() => resolveDraft(recordWithout('sequencer'))).toThrow(/sequencer/);
  });
});
