// The review queue (SQS FIFO): one message per flagged draft version.
import { createHash } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RecordKey } from './store.js';
import { ReviewMessage } from './record.js';

// FIFO ids allow at most 128 ASCII punctuation/alphanumerics; publisher and document ids may hold anything.
const fifoId = (value: string) => createHash('sha256').update(value).digest('hex');

export class ReviewQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Same version, same deduplication id: SQS drops a resend within its deduplication window. A message the
   * reconciler sends again because the first was lost (`resentAt`) gets a new id, or SQS would drop it too.
   */
  async send(message: ReviewMessage, key: RecordKey, resentAt?: string): Promise<void> {
    const version = `${key.pk}\n${key.sk}`;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(ReviewMessage.parse(message)),
        // One group per document keeps its versions in order without serialising unrelated documents.
        MessageGroupId: fifoId(key.pk),
        MessageDeduplicationId: fifoId(resentAt === undefined ? version : `${version}\n${resentAt}`),
      }),
    );
  }
}
