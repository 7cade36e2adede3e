// SQS's message counts as AWS gives them, in front of local-aws-sqs.
// AWS's ApproximateNumberOfMessages counts the messages available to receive; local-aws-sqs 2.0.2 counts every
// message that is not delayed, in flight too, so a leased review message counted as waiting as well as leased.
// This wrapper asks the emulator for ApproximateNumberOfMessagesNotVisible too and subtracts it, for
// GetQueueAttributes in the JSON protocol (what the SDK v3 and the AWS CLI v2 send).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

const AVAILABLE = 'ApproximateNumberOfMessages';
const IN_FLIGHT = 'ApproximateNumberOfMessagesNotVisible';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function asked(body: Buffer): string[] | undefined {
  try {
    const names = (JSON.parse(body.toString('utf8')) as { AttributeNames?: unknown }).AttributeNames;
    return Array.isArray(names) ? names.map(String) : undefined;
  } catch {
    return undefined;
  }
}

export function withVisibleCounts(handler: Handler): Handler {
  return async (req, res) => {
    if (req.headers['x-amz-target'] !== 'AmazonSQS.GetQueueAttributes') return handler(req, res);
    const body = await readBody(req);
    const names = asked(body);
    const counts = names !== undefined && (names.includes(AVAILABLE) || names.includes('All'));
    const input = counts
      ? { ...JSON.parse(body.toString('utf8')), AttributeNames: [...names, IN_FLIGHT] }
      : undefined;
    const replayed = Object.assign(Readable.from([input === undefined ? body : JSON.stringify(input)]), {
      headers: req.headers,
      url: req.url,
      method: req.method,
    }) as unknown as IncomingMessage;
    if (counts) {
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      res.end = ((chunk?: unknown) => {
        if (res.statusCode !== 200 || !(typeof chunk === 'string' || Buffer.isBuffer(chunk)))
          return end(chunk);
        const output = JSON.parse(String(chunk)) as { Attributes?: Record<string, string> };
        const attributes = output.Attributes ?? {};
        const inFlight = Number(attributes[IN_FLIGHT] ?? 0);
        attributes[AVAILABLE] = String(Math.max(0, Number(attributes[AVAILABLE] ?? 0) - inFlight));
        if (!names.includes(IN_FLIGHT) && !names.includes('All')) delete attributes[IN_FLIGHT];
        const text = JSON.stringify(output);
        if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(text));
        return end(text);
      }) as typeof res.end;
    }
    await handler(replayed, res);
  };
}
