// Issue 4, point 5: drafts that cannot be moderated are recorded once; a message that always fails ends in the DLQ.
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { MAX_DRAFT_BYTES, QUEUES } from '../../shared/pipeline/resources.js';
import { TEST_VISIBILITY_TIMEOUT_SECONDS } from './global-setup.js';
import {
  clients,
  ingestIdle,
  publisher,
  queues,
  queueDepth,
  recorded,
  sendToIngest,
  until,
  upload,
} from './support.js';

describe('drafts that cannot be moderated', () => {
  it('records empty, binary and oversized drafts as failed, each once, without retries', async () => {
    const pub = publisher('bad');
    await upload(`drafts/${pub}/empty.md`, '');
    await upload(
      `drafts/${pub}/image.txt`,
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]),
    );
    await upload(`drafts/${pub}/huge.txt`, new Uint8Array(MAX_DRAFT_BYTES + 1).fill(0x61));
    const expected = { 'empty.md': 'empty', 'image.txt': 'binary', 'huge.txt': 'too_large' };
    for (const [name, code] of Object.entries(expected)) {
      const [record] = await recorded(pub, name);
      expect(record).toMatchObject({ status: 'failed', failure: { code, message: expect.any(String) } });
    }
    // No retry storm: nothing left in flight or waiting, nothing dead-lettered, one item each.
    await ingestIdle();
    expect(await queueDepth(queues.ingestDlq)).toEqual({ visible: 0, inFlight: 0 });
    for (const name of Object.keys(expected)) expect(await recorded(pub, name)).toHaveLength(1);
  });

  it('moves a message that fails every time to the DLQ after the configured receive count', async () => {
    const poison = `not an S3 event ${publisher('poison')}`;
    const sentAt = Date.now();
    await sendToIngest(poison);
    const dead = await until(
      'the poison message in the DLQ',
      async () => {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queues.ingestDlq,
            MaxNumberOfMessages: 10,
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        return Messages.find((message) => message.Body === poison);
      },
      40_000,
    );
    expect(dead.Body).toBe(poison);
    // Retried, not dead-lettered at once: each of the first maxReceiveCount - 1 failures waited out a visibility timeout.
    const retries = QUEUES.ingest.maxReceiveCount - 1;
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(retries * TEST_VISIBILITY_TIMEOUT_SECONDS * 1000);
    await ingestIdle();
  }, 60_000);
});
