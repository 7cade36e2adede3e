// SQS FIFO deduplication as AWS does it, in front of local-aws-sqs.
// AWS drops a SendMessage whose MessageDeduplicationId it accepted in the last 5 minutes, even when that
// message was already received and deleted, and answers as if it had been sent. local-aws-sqs 2.0.2 only
// compares with messages still in the queue, so a review message sent, consumed and sent again (a retried
// ingest message) would reach reviewers twice. This wrapper keeps the window for SendMessage requests in
// the JSON protocol (the SDK v3 and AWS CLI v2 use it) that carry an explicit MessageDeduplicationId, with
// the default deduplication scope (the queue). Not covered, and not used by the pipeline: SendMessageBatch,
// the query protocol and content-based deduplication (those fall back to local-aws-sqs' own check).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { FIFO_DEDUPLICATION_WINDOW_SECONDS } from '../shared/pipeline/resources.js';

interface Accepted {
  response: string;
  expiresAt: number;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The request again, for the emulator to read: it reads the body from the stream and nothing else from the socket. */
export function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  return Object.assign(Readable.from([body]), {
    headers: req.headers,
    url: req.url,
    method: req.method,
  }) as unknown as IncomingMessage;
}

function fifoSendKey(req: IncomingMessage, body: Buffer): string | undefined {
  if (req.headers['x-amz-target'] !== 'AmazonSQS.SendMessage') return undefined;
  try {
    const input = JSON.parse(body.toString('utf8')) as {
      QueueUrl?: unknown;
      MessageDeduplicationId?: unknown;
    };
    if (typeof input.QueueUrl !== 'string' || typeof input.MessageDeduplicationId !== 'string')
      return undefined;
    const queue = input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1);
    return queue.endsWith('.fifo') ? `${queue}\n${input.MessageDeduplicationId}` : undefined;
  } catch {
    return undefined;
  }
}

export function withFifoDeduplication(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  now: () => number = Date.now,
): RequestListener {
  const accepted = new Map<string, Accepted>();
  // Sends of one id that arrive together (two deliveries of one ingest message) are answered one after the other.
  const inFlight = new Map<string, Promise<void>>();
  return (req, res) => {
    void (async () => {
      const body = await readBody(req);
      const key = fifoSendKey(req, body);
      while (key !== undefined && inFlight.has(key)) await inFlight.get(key);
      if (key !== undefined) {
        const done = new Promise<void>((resolve) => res.once('close', resolve));
        inFlight.set(key, done);
        void done.then(() => inFlight.delete(key));
      }
      for (const [entry, { expiresAt }] of accepted) if (expiresAt <= now()) accepted.delete(entry);
      const earlier = key === undefined ? undefined : accepted.get(key);
      if (earlier !== undefined) {
        // What AWS does with a duplicate: success, the first message's id, nothing enqueued.
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(earlier.response);
        return;
      }
      if (key !== undefined) {
        const chunks: Buffer[] = [];
        const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
        res.end = ((chunk?: unknown) => {
          if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
          if (res.statusCode === 200)
            accepted.set(key, {
              response: Buffer.concat(chunks).toString('utf8'),
              expiresAt: now() + FIFO_DEDUPLICATION_WINDOW_SECONDS * 1000,
            });
          return end(chunk);
        }) as typeof res.end;
      }
      await handler(replay(req, body), res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  };
}
