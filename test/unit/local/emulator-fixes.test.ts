import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sequencerClock } from '../../../local/s3-bridge.js';
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

  it('leaves standard queues alone', async () => {
    const { send, calls } = await start(() => 0);
    await send('ingest', 'a');
    await send('ingest', 'a');
    expect(calls()).toBe(2);
  });
});
