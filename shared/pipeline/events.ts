// The ingest queue's messages: S3 event notifications (and S3's test event) inside SQS records.
import * as z from '../zod.js';
import { publisherIdProblem } from './names.js';
import { PREFIXES } from './resources.js';
import { JSONStringified, SqsRecordSchema } from './sqs.js';

const SEQUENCER_WIDTH = 32;

// Powertools' S3 record schema is not used: it requires fields the pipeline never reads and rejects IPv6
// source addresses (dual-stack uploads), which would send valid drafts to the DLQ. This keeps what we use.
export const S3EventRecord = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string().check(z.minLength(1)),
  eventTime: z.iso.datetime(),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.number().check(z.int(), z.nonnegative())),
      eTag: z.optional(z.string().check(z.minLength(1))),
      versionId: z.optional(z.string().check(z.minLength(1))),
      sequencer: z.optional(z.string().check(z.regex(new RegExp(`^[0-9A-Fa-f]{1,${SEQUENCER_WIDTH}}$`)))),
    }),
  }),
});
export type S3EventRecord = z.infer<typeof S3EventRecord>;

/** What S3 sends once when a notification configuration is created or changed. */
export const S3TestEvent = z.object({ Service: z.string(), Event: z.literal('s3:TestEvent') });

export const S3Notification = z.object({ Records: z.array(S3EventRecord).check(z.minLength(1)) });

export const IngestMessage = z.extend(SqsRecordSchema, {
  body: JSONStringified(z.union([S3TestEvent, S3Notification])),
});
export type IngestMessage = z.infer<typeof IngestMessage>;

export function isTestEvent(body: IngestMessage['body']): body is z.infer<typeof S3TestEvent> {
  return 'Event' in body;
}

/** Keys in S3 events are form-encoded: `+` is a space, everything else non-ASCII or reserved is percent-escaped. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The inverse of decodeS3EventKey, as S3 encodes (slashes kept): for tests and the local runner. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/gi, '/');
}

/** An object as S3 describes it in an ObjectCreated notification. */
export interface CreatedObject {
  region: string;
  bucket: string;
  /** The decoded key. */
  key: string;
  size?: number;
  eTag?: string;
  versionId?: string;
  sequencer: string;
  eventTime: string;
  eventName: `ObjectCreated:${string}`;
}

/**
 * The message S3 sends to a queue for one created object (the parts the pipeline reads, and the usual others):
 * the local S3 bridge sends it for every upload, the reconciler for an upload whose own message was lost.
 */
export function s3Notification(object: CreatedObject, extra: { principalId: string; requestId: string }) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: object.region,
        eventTime: object.eventTime,
        eventName: object.eventName,
        userIdentity: { principalId: extra.principalId },
        responseElements: { 'x-amz-request-id': extra.requestId, 'x-amz-id-2': extra.requestId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'drafts',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: extra.principalId },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeS3EventKey(object.key),
            ...(object.size !== undefined && { size: object.size }),
            ...(object.eTag !== undefined && { eTag: object.eTag }),
            ...(object.versionId !== undefined && { versionId: object.versionId }),
            sequencer: object.sequencer,
          },
        },
      },
    ],
  };
}

/** One draft version, as named by an S3 event: everything downstream is keyed on this. */
export interface DraftRef {
  bucket: string;
  /** The decoded object key. */
  key: string;
  publisherId: string;
  documentId: string;
  versionId?: string;
  eTag?: string;
  /** versionId when the bucket is versioned, else eTag. */
  version: string;
  /** S3's per-key event order, zero-padded so that string order is event order. */
  sequencer: string;
  /** Size from the event, when S3 included it. */
  size?: number;
  uploadedAt: string;
}

export type DraftTarget = { kind: 'draft'; ref: DraftRef } | { kind: 'ignored'; key: string; reason: string };

/** Maps an S3 event record to the draft version it names, or says why it is not a draft. */
export function resolveDraft(record: S3EventRecord): DraftTarget {
  const { bucket, object } = record.s3;
  let key: string;
  try {
    key = decodeS3EventKey(object.key);
  } catch {
    throw new Error(`S3 event key is not valid percent-encoding: ${object.key}`);
  }
  const ignored = (reason: string): DraftTarget => ({ kind: 'ignored', key, reason });
  if (!record.eventName.startsWith('ObjectCreated:'))
    return ignored(`event ${record.eventName} is not an upload`);
  if (!key.startsWith(PREFIXES.drafts)) return ignored(`key is outside ${PREFIXES.drafts}`);
  const rest = key.slice(PREFIXES.drafts.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return ignored(`key is not ${PREFIXES.drafts}<publisherId>/<name>`);
  const publisherId = rest.slice(0, slash);
  const documentId = rest.slice(slash + 1);
  const publisherProblem = publisherIdProblem(publisherId);
  if (publisherProblem !== undefined) return ignored(publisherProblem);
  if (documentId === '' || documentId.endsWith('/')) return ignored('key is a folder placeholder');
  const version = object.versionId ?? object.eTag;
  // S3 always sends these for uploads; without them a version cannot be ordered or pinned, so fail loudly (DLQ).
  if (object.sequencer === undefined || version === undefined)
    throw new Error(`ObjectCreated event for ${key} has no sequencer or no versionId/eTag`);
  const sequencer = object.sequencer.toUpperCase().padStart(SEQUENCER_WIDTH, '0');
  return {
    kind: 'draft',
    ref: {
      bucket: bucket.name,
      key,
      publisherId,
      documentId,
      ...(object.versionId !== undefined && { versionId: object.versionId }),
      ...(object.eTag !== undefined && { eTag: object.eTag }),
      version,
      sequencer,
      ...(object.size !== undefined && { size: object.size }),
      uploadedAt: record.eventTime,
    },
  };
}
