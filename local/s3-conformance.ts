// Where s3rver 3 differs from S3 in ways the pipeline depends on, fixed in front of it:
// - GET/HEAD with If-Match is not checked by s3rver; S3 answers 412 when the ETag differs. The function pins
//   the version it reads this way (the local bucket is unversioned: s3rver has no versioning).
// - Object events name no request; the listener gets the operation (a multipart completion is reported by
//   s3rver as ObjectCreated:Post) from the request the event was emitted in.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Server } from 'node:http';

/** The parts of s3rver's Koa context used here (s3rver and Koa ship no types). */
interface KoaContext {
  method: string;
  query: Record<string, unknown>;
  status: number;
  body: unknown;
  type: string;
  get(field: string): string;
  response: { get(field: string): string };
  remove(field: string): void;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** s3rver's event as it emits it: one record, key not URL-encoded, sequencer from Date.now(). */
export interface S3rverEvent {
  Records: Array<{
    eventName: string;
    eventTime: string;
    requestParameters: { sourceIPAddress: string };
    s3: {
      bucket: { name: string };
      object: { key: string; size?: number; eTag?: string; sequencer: string };
    };
  }>;
}

export interface S3rverApp {
  /** Koa's middleware list: composed when the server starts listening, so an entry put first runs first. */
  middleware: Middleware[];
  httpServer?: Server;
  run(): Promise<{ port: number }>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
}

/** The S3 operation that produced an object event. */
export type S3Operation = 'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload' | 'Delete';
export type S3ObjectEventListener = (event: S3rverEvent, operation: S3Operation) => void;

const PRECONDITION_FAILED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
  '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
  '<Condition>If-Match</Condition></Error>';

const unquote = (etag: string) => etag.replace(/^W\//, '').replace(/"/g, '');

function etagMatches(ifMatch: string, etag: string): boolean {
  return ifMatch
    .split(',')
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === '*' || unquote(candidate) === unquote(etag));
}

export function installS3Conformance(s3rver: S3rverApp): {
  onObjectEvent(listener: S3ObjectEventListener): void;
} {
  const request = new AsyncLocalStorage<{ method: string; multipart: boolean }>();
  const middleware: Middleware = async (ctx, next) => {
    // s3rver emits events synchronously inside the request, so the listener can see which request it was.
    await request.run({ method: ctx.method, multipart: 'uploadId' in ctx.query }, next);
    const ifMatch = ctx.get('if-match');
    const ok = ctx.status === 200 || ctx.status === 206;
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && ifMatch !== '' && ok) {
      const etag = ctx.response.get('etag');
      if (!etagMatches(ifMatch, etag)) {
        const stream = ctx.body as { destroy?: () => void } | undefined;
        stream?.destroy?.();
        for (const header of ['etag', 'last-modified', 'accept-ranges', 'content-range', 'content-length'])
          ctx.remove(header);
        ctx.status = 412;
        ctx.type = 'application/xml';
        ctx.body = ctx.method === 'HEAD' ? '' : PRECONDITION_FAILED;
      }
    }
  };
  s3rver.middleware.unshift(middleware);
  return {
    onObjectEvent(listener) {
      s3rver.on('event', (event) => {
        const context = request.getStore();
        const name = event.Records[0]?.eventName ?? '';
        const kind = name.slice(name.indexOf(':') + 1);
        let operation: S3Operation;
        if (kind === 'Post' && context?.multipart === true) operation = 'CompleteMultipartUpload';
        else if (kind === 'Put' || kind === 'Post' || kind === 'Copy') operation = kind;
        else operation = 'Delete';
        listener(event, operation);
      });
    },
  };
}
