// The review queue (SQS FIFO): one message per flagged draft version.
import { createHash } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { RecordKey, ResultsStore } from './store.js';
import { buildReviewMessage, ReviewMessage, type ResultRecord } from './record.js';
import { REVIEW_RENEW_AT_RECEIVES } from './resources.js';

// FIFO ids allow at most 128 ASCII punctuation/alphanumerics; publisher and document ids may hold anything.
const fifoId = (value: string) => createHash('sha256').update(value).digest('hex');

/** A review message as received: its body read, and whether it was renewed (then this one is deleted). */
export interface ReceivedReview {
  messageId: string;
  receiptHandle: string;
  body: string | undefined;
  /** The body as a review message; undefined when it is not one (`invalid` says why). */
  review?: ReviewMessage;
  invalid?: 'not JSON' | 'not a review message';
  renewed: boolean;
}

export interface ReviewQueueLog {
  warn(message: string, ...extra: unknown[]): void;
}

export class ReviewQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Same version, same deduplication id: SQS drops a resend within its deduplication window. A message sent
   * again on purpose (`resend`: the reconciler's, a renewal) gets an id of its own, or SQS would drop it too.
   */
  async send(message: ReviewMessage, key: RecordKey, resend?: string): Promise<void> {
    const version = `${key.pk}\n${key.sk}`;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(ReviewMessage.parse(message)),
        // One group per document keeps its versions in order without serialising unrelated documents.
        MessageGroupId: fifoId(key.pk),
        MessageDeduplicationId: fifoId(resend === undefined ? version : `${version}\n${resend}`),
      }),
    );
  }

  /**
   * Receives review messages, each hidden for `visibilitySeconds`. Every receive counts toward the queue's
   * maxReceiveCount, and so do leases and the reconciler's looks, which are not failures: a review message
   * received REVIEW_RENEW_AT_RECEIVES times is renewed, sent again as a new message (its count back to zero) and
   * this one deleted, so that SQS never dead-letters a draft that waits for review. Every receiver of the review
   * queue receives through here.
   */
  async receive(
    options: { maxMessages: number; visibilitySeconds: number; waitSeconds: number },
    log: ReviewQueueLog,
  ): Promise<ReceivedReview[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: options.maxMessages,
        VisibilityTimeout: options.visibilitySeconds,
        WaitTimeSeconds: options.waitSeconds,
        // For ApproximateReceiveCount. The older name of MessageSystemAttributeNames, which SQS still takes and
        // the local emulator reads (it knows no other), typed only for 'All'.
        AttributeNames: ['All'],
      }),
    );
    const received = Messages.filter(
      (message): message is Message & { MessageId: string; ReceiptHandle: string } =>
        message.MessageId !== undefined && message.ReceiptHandle !== undefined,
    );
    return Promise.all(received.map((message) => this.renewIfWorn(message, log)));
  }

  private async renewIfWorn(
    message: Message & { MessageId: string; ReceiptHandle: string },
    log: ReviewQueueLog,
  ): Promise<ReceivedReview> {
    const received: ReceivedReview = {
      messageId: message.MessageId,
      receiptHandle: message.ReceiptHandle,
      body: message.Body,
      ...readReview(message.Body),
      renewed: false,
    };
    const receives = Number(message.Attributes?.ApproximateReceiveCount ?? 0);
    // A message that is no review message is left as it is: `next` moves it to the DLQ.
    if (received.review === undefined || receives < REVIEW_RENEW_AT_RECEIVES) return received;
    try {
      // The copy first: a delete that fails leaves two messages of the version, which `next` takes in turn (one
      // FIFO group per document) and leases once; a send that fails leaves this one, renewed at its next receive.
      // Its id is this message's: a second renewal of this message inside the deduplication window adds nothing.
      await this.send(received.review, received.review.result, `renewed ${message.MessageId}`);
      await this.sqs.send(
        new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      return { ...received, renewed: true };
    } catch (error) {
      log.warn('Could not renew a review message near its receive limit', {
        messageId: message.MessageId,
        receives,
        error: String(error),
      });
      return received;
    }
  }
}

function readReview(body: string | undefined): Pick<ReceivedReview, 'review' | 'invalid'> {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return { invalid: 'not JSON' };
  }
  const parsed = ReviewMessage.safeParse(json);
  return parsed.success ? { review: parsed.data } : { invalid: 'not a review message' };
}

/**
 * Sends the review message unless the record says it went out; the FIFO deduplication id covers the race (a
 * redelivered event, or the reconciler finding a flagged version whose send never happened).
 */
export async function ensureReviewEnqueued(
  deps: {
    store: Pick<ResultsStore, 'tableName' | 'markReviewEnqueued'>;
    reviews: Pick<ReviewQueue, 'send'>;
    now: () => Date;
    logger: { info(message: string): void };
  },
  record: ResultRecord,
): Promise<boolean> {
  if (record.status !== 'pending_review' || record.reviewEnqueuedAt !== undefined) return false;
  await deps.reviews.send(buildReviewMessage(record, deps.store.tableName), record);
  await deps.store.markReviewEnqueued(record, deps.now().toISOString());
  deps.logger.info('Review message sent');
  return true;
}
