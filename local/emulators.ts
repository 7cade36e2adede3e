// S3 (s3rver), DynamoDB (dynalite) and SQS (local-aws-sqs) in this Node process, on loopback ports.
// Used by `npm start`, the integration tests' global setup, the bundled-handler test and the e2e bench.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequestHandler } from 'local-aws-sqs';
import type { AwsTarget } from '../shared/pipeline/config.js';
import { installS3Conformance } from './s3-conformance.js';
import type { S3ObjectEventListener, S3rverApp } from './s3-conformance.js';
import { withAwsQueueCounts } from './sqs-counts.js';
import { withFifoDeduplication } from './sqs-fifo-dedup.js';

const require = createRequire(import.meta.url);
type S3rverClass = new (options: Record<string, unknown>) => S3rverApp;
// dynalite ships no types; this is the part used here.
type Dynalite = (options: { createTableMs: number; path?: string }) => Server;
const S3rver = require('s3rver') as S3rverClass;
const dynalite = require('dynalite') as Dynalite;

export const LOCAL_HOST = '127.0.0.1';
export const LOCAL_REGION = 'us-east-1';
/** s3rver checks request signatures against this key pair; the other two emulators accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
/** The account id local-aws-sqs puts in queue URLs and ARNs. */
export const LOCAL_ACCOUNT_ID = '123456789012';

/**
 * The local pages are served from the local API server (http://127.0.0.1:<its port>) and PUT drafts straight to
 * s3rver, another port, so another origin. Any 127.0.0.1 port: the API's port is chosen at start. The page
 * reads the version from the response, so ETag and x-amz-version-id are exposed. A draft too large for the
 * review API's answer is read with a presigned GET (pinned to its version with If-Match).
 */
export const LOCAL_BUCKET_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>http://${LOCAL_HOST}:*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>content-type</AllowedHeader>
    <AllowedHeader>if-match</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-amz-version-id</ExposeHeader>
    <MaxAgeSeconds>300</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface EmulatorOptions {
  /** Persist S3 objects and DynamoDB items under this folder; without it, everything is gone after stop(). */
  dataDir?: string;
  /** Fixed ports (0, the default, picks a free one). */
  ports?: { s3?: number; dynamodb?: number; sqs?: number };
  /** Buckets to create (with LOCAL_BUCKET_CORS) before S3 accepts requests. */
  buckets?: readonly string[];
}

/** Where the local services are: an AwsTarget for createAwsClients, with everything filled in. */
export interface LocalTarget extends AwsTarget {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { s3: string; dynamodb: string; sqs: string };
}

export interface Emulators {
  target: LocalTarget;
  /** S3 object events, in-process only (s3rver has no notification configuration). */
  onObjectEvent(listener: S3ObjectEventListener): void;
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOCAL_HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes a server and any keep-alive or long-poll connection, so no port or socket outlives stop(). */
export function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const { dataDir, ports = {}, buckets = [] } = options;
  // s3rver always stores on disk: in-memory mode gives it a temporary folder that stop() deletes.
  const scratch = dataDir === undefined ? await mkdtemp(join(tmpdir(), 'claimscan-local-')) : undefined;
  const s3Dir = join(dataDir ?? scratch ?? '', 's3');
  await mkdir(s3Dir, { recursive: true });
  const dynamoDir = dataDir === undefined ? undefined : join(dataDir, 'dynamodb');
  if (dynamoDir !== undefined) await mkdir(dynamoDir, { recursive: true });

  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    // Reverse order of start; every step runs even when one fails.
    const errors: unknown[] = [];
    for (const step of stops.reverse()) await step().catch((error: unknown) => errors.push(error));
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the emulators failed');
  };
  try {
    const s3rver = new S3rver({
      address: LOCAL_HOST,
      port: ports.s3 ?? 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: buckets.map((name) => ({ name, configs: [LOCAL_BUCKET_CORS] })),
      // Only path-style requests: with vhost buckets on, s3rver would read "127" as a bucket in some hosts.
      vhostBuckets: false,
    });
    const s3 = installS3Conformance(s3rver, LOCAL_CREDENTIALS.secretAccessKey);
    const s3Port = (await s3rver.run()).port;
    stops.push(() => closeServer(s3rver.httpServer));

    const dynamo = dynalite({ createTableMs: 0, ...(dynamoDir !== undefined && { path: dynamoDir }) });
    // dynalite's close() also closes its LevelDB store, so the folder can be reopened by the next run.
    const dynamoPort = await listen(dynamo, ports.dynamodb ?? 0);
    stops.push(() => closeServer(dynamo));

    // local-aws-sqs keeps queues in memory only: queue contents do not survive a restart (README, Local mode).
    const sqs = createRequestHandler({
      port: 0,
      hostname: LOCAL_HOST,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      emulateQueueCreationLifecycle: false,
    });
    const sqsServer = createServer(withFifoDeduplication(withAwsQueueCounts(sqs.requestHandler)));
    const sqsPort = await listen(sqsServer, ports.sqs ?? 0);
    // Queue URLs are built from this; createSqsServer sets it the same way once it listens.
    sqs.service.PORT = sqsPort;
    stops.push(() => closeServer(sqsServer));

    return {
      target: {
        region: LOCAL_REGION,
        credentials: { ...LOCAL_CREDENTIALS },
        endpoints: {
          s3: `http://${LOCAL_HOST}:${s3Port}`,
          dynamodb: `http://${LOCAL_HOST}:${dynamoPort}`,
          sqs: `http://${LOCAL_HOST}:${sqsPort}`,
        },
      },
      onObjectEvent: s3.onObjectEvent,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
