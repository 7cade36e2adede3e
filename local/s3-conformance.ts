// Where s3rver 3 differs from S3 in ways the pipeline depends on, fixed in front of it:
// - GET/HEAD with If-Match is not checked by s3rver; S3 answers 412 when the ETag differs. The function pins
//   the version it reads this way (the local bucket is unversioned: s3rver has no versioning).
// - Object events name no request; the listener gets the operation (a multipart completion is reported by
//   s3rver as ObjectCreated:Post) from the request the event was emitted in.
// - Presigned URLs (query-string SigV4): s3rver checks the access key and the expiry but never computes the
//   signature, so a PUT with another Content-Type or size than POST /uploads signed would be stored. S3 answers
//   403 SignatureDoesNotMatch; so does this.
// - s3rver stores each key segment as a file name (plus a suffix of up to 22 bytes), and its putObject leaves its
//   write stream's 'error' unhandled: a long name (ENAMETOOLONG) or a full disk killed the whole process. Keys
//   longer than S3 takes (1,024 bytes) or than a file name can hold are refused first with S3's 400
//   KeyTooLongError, and putObject is replaced by one that rejects (and replaces an object whole:
//   local/s3-atomic-put.ts), so any other file-system error is a 500.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { FilesystemStore } from './s3-atomic-put.js';
import { makePutsAtomic } from './s3-atomic-put.js';

/** The parts of s3rver's Koa context used here (s3rver and Koa ship no types). */
interface KoaContext {
  method: string;
  /** The request's path and query string as received. */
  url: string;
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
  store: FilesystemStore;
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

const SIGNATURE_DOES_NOT_MATCH =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
  '<Message>The request signature we calculated does not match the signature you provided. ' +
  'Check your key and signing method.</Message></Error>';

/** S3's limit for a whole key, in UTF-8 bytes. */
export const S3_MAX_KEY_BYTES = 1024;
/** NAME_MAX of Linux file systems, less s3rver's longest suffix (`._S3rver_metadata.json`). */
export const LOCAL_MAX_KEY_SEGMENT_BYTES = 255 - '._S3rver_metadata.json'.length;

/** Why the local S3 cannot store this key, or undefined when it can. */
export function keyTooLong(key: string): string | undefined {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > S3_MAX_KEY_BYTES)
    return `Your key is too long (${bytes} bytes; S3 allows ${S3_MAX_KEY_BYTES}).`;
  const segment = key
    .split('/')
    .find((part) => Buffer.byteLength(part, 'utf8') > LOCAL_MAX_KEY_SEGMENT_BYTES);
  if (segment === undefined) return undefined;
  return `Your key has a segment of ${Buffer.byteLength(segment, 'utf8')} bytes; the local S3 emulator stores each segment as a file name, at most ${LOCAL_MAX_KEY_SEGMENT_BYTES} bytes.`;
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Query-string SigV4 as S3 checks it (payload unsigned, path not encoded again); undefined when not presigned. */
export function presignedSignatureMatches(
  method: string,
  url: string,
  header: (name: string) => string,
  secretAccessKey: string,
): boolean | undefined {
  const [path = '', search = ''] = url.split('?', 2);
  const params = new URLSearchParams(search);
  if (params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return undefined;
  const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
  const canonicalRequest = [
    method,
    path,
    [...params]
      .filter(([name]) => name !== 'X-Amz-Signature')
      .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
      .sort()
      .join('&'),
    ...signedHeaders.map((name) => `${name}:${header(name).trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = (params.get('X-Amz-Credential') ?? '').split('/').slice(1);
  const [day = '', region = '', service = ''] = scope;
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    params.get('X-Amz-Date') ?? '',
    scope.join('/'),
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  return hmac(key, stringToSign).toString('hex') === params.get('X-Amz-Signature');
}

/** The object key of a path-style request, decoded; undefined for a bucket-level request or a bad escape. */
function objectKeyOf(url: string): string | undefined {
  const path = url.split('?', 1)[0] ?? '';
  const slash = path.indexOf('/', 1);
  if (slash < 0 || slash === path.length - 1) return undefined;
  try {
    return decodeURIComponent(path.slice(slash + 1));
  } catch {
    return undefined;
  }
}

const unquote = (etag: string) => etag.replace(/^W\//, '').replace(/"/g, '');

function etagMatches(ifMatch: string, etag: string): boolean {
  return ifMatch
    .split(',')
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === '*' || unquote(candidate) === unquote(etag));
}

export function installS3Conformance(
  s3rver: S3rverApp,
  /** The emulator's one secret key, which presigned URLs are signed with. */
  secretAccessKey: string,
): {
  onObjectEvent(listener: S3ObjectEventListener): void;
} {
  const request = new AsyncLocalStorage<{ method: string; multipart: boolean }>();
  makePutsAtomic(s3rver.store);
  const middleware: Middleware = async (ctx, next) => {
    // Path-style: /<bucket>/<key>. Refused before s3rver could try to store a name the disk cannot hold.
    const objectKey = objectKeyOf(ctx.url);
    const tooLong = objectKey === undefined ? undefined : keyTooLong(objectKey);
    if (tooLong !== undefined && (ctx.method === 'PUT' || ctx.method === 'POST')) {
      ctx.status = 400;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>KeyTooLongError</Code><Message>${xmlText(tooLong)}</Message></Error>`;
      return;
    }
    // A CORS preflight carries the URL but never a signature of its own: S3 answers it from the CORS rules.
    const preflight = ctx.method === 'OPTIONS';
    if (
      !preflight &&
      presignedSignatureMatches(ctx.method, ctx.url, (name) => ctx.get(name), secretAccessKey) === false
    ) {
      ctx.status = 403;
      ctx.type = 'application/xml';
      ctx.body = SIGNATURE_DOES_NOT_MATCH;
      return;
    }
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
