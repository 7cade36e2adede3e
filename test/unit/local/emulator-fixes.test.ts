import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueAttributeName } from '@aws-sdk/client-sqs';
import { createRequestHandler } from 'local-aws-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { sequencerClock } from '../../../local/s3-bridge.js';
import { withAwsQueueCounts } from '../../../local/sqs-counts.js';
import { withFifoDeduplication } from '../../../local/sqs-fifo-dedup.js';
import { FIFO_DEDUPLICATION_WINDOW_SECONDS } from '../../../shared/pipeline/resources.js';

describe('the bridge sequencer', () => {
  it('strictly increases, even for events in the same millisecond', () => {
    let clock = 1_700_000_000_000;
    const next = sequencerClock(() => clock);
    const seen = [next(), next(), next()];
    clock += 1;
    seen.push(next());
    clock -= 5; // a clock step backwards must not reorder events
    seen.push(next());
    for (let i = 1; i < seen.length; i++) {
      expect(BigInt(`0x${seen[i]}`) > BigInt(`0x${seen[i - 1]}`), seen.join(' ')).toBe(true);
    }
  });
});

describe('FIFO deduplication in front of the SQS emulator', () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  async function start(now: () => number) {
    let calls = 0;
    const listener = withFifoDeduplication(async (req, res) => {
      // The emulator reads the replayed body; so does this stand-in.
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toHaveProperty('MessageBody', 'x');
      calls++;
      // The emulator takes a moment to answer: long enough for a second send of the id to arrive meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 20));
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify({ MessageId: `m${calls}` }));
    }, now);
    server = http.createServer(listener);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const send = async (queue: string, deduplicationId: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({
          QueueUrl: `http://q/000/${queue}`,
          MessageBody: 'x',
          MessageDeduplicationId: deduplicationId,
        }),
      });
      return ((await response.json()) as { MessageId: string }).MessageId;
    };
    return { send, calls: () => calls };
  }

  it('answers a repeated deduplication id with the first message, within the window only', async () => {
    let clock = 0;
    const { send, calls } = await start(() => clock);
    expect(await send('review.fifo', 'a')).toBe('m1');
    expect(await send('review.fifo', 'a')).toBe('m1');
    expect(calls()).toBe(1);
    expect(await send('review.fifo', 'b')).toBe('m2');
    clock += FIFO_DEDUPLICATION_WINDOW_SECONDS * 1000;
    expect(await send('review.fifo', 'a')).toBe('m3');
    expect(calls()).toBe(3);
  });

  it('answers sends of one id that arrive together with one message (two deliveries of one event)', async () => {
    const { send, calls } = await start(() => 0);
    const ids = await Promise.all([
      send('review.fifo', 'a'),
      send('review.fifo', 'a'),
      send('review.fifo', 'a'),
    ]);
    expect(ids).toEqual(['m1', 'm1', 'm1']);
    expect(calls()).toBe(1);
  });

  it('leaves standard queues alone', async () => {
    const { send, calls } = await start(() => 0);
    await send('ingest', 'a');
    await send('ingest', 'a');
    expect(calls()).toBe(2);
  });
});

describe('queue counts in front of the SQS emulator', () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  it('counts only available messages in ApproximateNumberOfMessages, as AWS does', async () => {
    const emulator = createRequestHandler({
      port: 0,
      hostname: '127.0.0.1',
      emulateQueueCreationLifecycle: false,
    });
    server = http.createServer(withAwsQueueCounts(emulator.requestHandler));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    emulator.service.PORT = (server.address() as AddressInfo).port;
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${emulator.service.PORT}`,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'counts' }));
    for (const body of ['a', 'b']) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }));

    const counts = async (AttributeNames: QueueAttributeName[]) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames }))).Attributes;
    expect(await counts(['ApproximateNumberOfMessages'])).toEqual({ ApproximateNumberOfMessages: '1' });
    expect(await counts(['All'])).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    sqs.destroy();
  });
});
