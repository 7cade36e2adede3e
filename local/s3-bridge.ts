// The bucket's event notification (ObjectCreated:*, prefix drafts/ -> ingest queue), which s3rver cannot
// configure: its in-process events are rewritten into the message S3 sends to SQS and sent to the queue.
// Differences from s3rver's events, each fixed here:
// - the key is URL-encoded the S3 way (encodeS3EventKey); s3rver sends it raw;
// - the bucket ARN is `arn:aws:s3:::<bucket>` (s3rver writes "arn:aws:s3: : :<bucket>");
// - a completed multipart upload is `ObjectCreated:CompleteMultipartUpload` (s3rver says Post);
// - a copy carries the new object's eTag (s3rver leaves it out), read back with HeadObject;
// - the sequencer: s3rver uses Date.now() in hex, equal for two uploads in one millisecond. This bridge
//   synthesises a strictly increasing one (milliseconds * 2^16 + a counter, in hex), so S3's guarantee,
//   "a later event for a key has a greater sequencer", holds, also across restarts with a persisted bucket.
// The bucket is not versioned (s3rver has no versioning): events carry no versionId and the function pins
// the draft by ETag, as it does on an unversioned bucket in AWS.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { s3Notification } from '../shared/pipeline/events.js';
import { PREFIXES } from '../shared/pipeline/resources.js';
import type { S3Operation, S3rverEvent } from './s3-conformance.js';

export interface S3BridgeOptions {
  s3: S3Client;
  sqs: SQSClient;
  region: string;
  bucket: string;
  queueUrl: string;
  /** The notification's prefix filter, as in the stack. */
  prefix?: string;
  onError?: (error: unknown) => void;
}

/** S3-style sequencers: hex, strictly increasing for this process. */
export function sequencerClock(now: () => number = Date.now): () => string {
  let last = 0n;
  return () => {
    const fromClock = BigInt(now()) << 16n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString(16).toUpperCase();
  };
}

export class S3EventBridge {
  private readonly pending = new Set<Promise<void>>();
  private readonly nextSequencer = sequencerClock();
  /** How many notifications were sent; the local runner reports it. */
  sent = 0;

  constructor(private readonly options: S3BridgeOptions) {}

  /** The listener for Emulators.onObjectEvent; called synchronously inside s3rver's request. */
  readonly onObjectEvent = (event: S3rverEvent, operation: S3Operation): void => {
    const [record] = event.Records;
    const prefix = this.options.prefix ?? PREFIXES.drafts;
    if (record === undefined || operation === 'Delete') return;
    if (record.s3.bucket.name !== this.options.bucket || !record.s3.object.key.startsWith(prefix)) return;
    // Taken now, in upload order: the send below is asynchronous and may finish in another order.
    const sequencer = this.nextSequencer();
    const send = this.send(record, operation, sequencer).catch((error: unknown) =>
      this.options.onError?.(error),
    );
    this.pending.add(send);
    void send.finally(() => this.pending.delete(send));
  };

  private async send(record: S3rverEvent['Records'][number], operation: S3Operation, sequencer: string) {
    const { bucket, region, s3, sqs, queueUrl } = this.options;
    const { key } = record.s3.object;
    let { eTag, size } = record.s3.object;
    if (eTag === undefined) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      eTag = head.ETag?.replace(/"/g, '');
      size = head.ContentLength;
    }
    const message = s3Notification(
      {
        region,
        bucket,
        key,
        ...(size !== undefined && { size }),
        ...(eTag !== undefined && { eTag }),
        sequencer,
        eventTime: record.eventTime,
        eventName: `ObjectCreated:${operation}`,
      },
      { principalId: 'AWS:LOCAL', requestId: sequencer },
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    this.sent++;
  }

  /** Waits for the notifications already under way. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
