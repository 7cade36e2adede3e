// SQS's queue counts as AWS gives them, in front of local-aws-sqs: AWS's ApproximateNumberOfMessages counts the
// messages available to receive, and ApproximateNumberOfMessagesNotVisible those in flight. local-aws-sqs 2.0.2
// counts every message that is not delayed in the first, in-flight ones included, so a leased review message
// counted twice in a queue's total (the reconciler's and the dashboard's reading). JSON protocol only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, replay } from './sqs-fifo-dedup.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const AVAILABLE = 'ApproximateNumberOfMessages';
const IN_FLIGHT = 'ApproximateNumberOfMessagesNotVisible';

export function withAwsQueueCounts(handler: Handler): Handler {
  return async (req, res) => {
    if (req.headers['x-amz-target'] !== 'AmazonSQS.GetQueueAttributes') return handler(req, res);
    const body = await readBody(req);
    let input: { AttributeNames?: string[] };
    try {
      input = JSON.parse(body.toString('utf8')) as typeof input;
    } catch {
      return handler(replay(req, body), res);
    }
    const names = input.AttributeNames ?? [];
    // The in-flight count is needed to correct the other: asked for here, and left out of the answer.
    const askedInFlight = names.includes('All') || names.includes(IN_FLIGHT);
    if (!names.includes('All') && !names.includes(AVAILABLE)) return handler(replay(req, body), res);
    const asked = askedInFlight ? input : { ...input, AttributeNames: [...names, IN_FLIGHT] };
    const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
    res.end = ((chunk?: unknown) =>
      end(res.statusCode === 200 ? availableOnly(chunk, askedInFlight) : chunk)) as typeof res.end;
    await handler(replay(req, Buffer.from(JSON.stringify(asked))), res);
  };
}

function availableOnly(chunk: unknown, keepInFlight: boolean): unknown {
  if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return chunk;
  const response = JSON.parse(chunk.toString()) as { Attributes?: Record<string, string> };
  const counts = response.Attributes;
  if (counts?.[AVAILABLE] === undefined || counts[IN_FLIGHT] === undefined) return chunk;
  counts[AVAILABLE] = String(Math.max(0, Number(counts[AVAILABLE]) - Number(counts[IN_FLIGHT])));
  if (!keepInFlight) delete counts[IN_FLIGHT];
  return JSON.stringify(response);
}
