// End-to-end bench: a burst of drafts uploaded to the local pipeline (local/pipeline.ts: the emulators in
// memory on free ports, the S3 notification bridge, the bundled function behind its event source mapping),
// each result observed in DynamoDB through the "latest result" access pattern, as a dashboard reads it.
//
// The emulators, the bridge and the event source share the main thread, which is what limits the local
// pipeline. The client side (uploads, the SDK work of every observing Query, the clock) runs in a worker thread
// of its own, as a publisher and a dashboard would run elsewhere; only the emulators' share of its requests
// lands on the pipeline's thread. This module is that worker's entry point too (see the end of the file).
//
// The batching window only matters for a batch that is not full. Locally a receive itself waits up to the event
// source's 1 s poll for a full batch (local-aws-sqs returns early only with MaxNumberOfMessages), so a window
// of 0 is not quite "no wait" here, as it would be on AWS.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { uploadDraft } from '../local/drafts.js';
import type { Uploaded } from '../local/drafts.js';
import type { LocalTarget } from '../local/emulators.js';
import { LOCAL_CONCURRENCY, startLocalPipeline } from '../local/pipeline.js';
import type { AwsClients } from '../shared/pipeline/config.js';
import { createAwsClients } from '../shared/pipeline/config.js';
import { draftPk } from '../shared/pipeline/record.js';
import { MODERATE_FUNCTION } from '../shared/pipeline/resources.js';
import { ResultsStore } from '../shared/pipeline/store.js';

/** Where the drafts come from: every .txt, .md and .html file there, cycled until there are enough. */
const DRAFT_DIRS = ['samples', 'test/fixtures/drafts'] as const;
const DRAFT_EXTENSIONS = new Set(['.txt', '.md', '.html']);

export const E2E_DEFAULTS = {
  drafts: 200,
  /** Uploads in flight at once: a burst, as a publisher's sync job would send it. */
  uploadConcurrency: 4,
  /** A pending draft is queried at most once per interval... */
  pollIntervalMs: 100,
  /** ...with at most this many queries in flight, so that observing does not load the emulators much. */
  pollConcurrency: 2,
  /** The run fails (rather than hangs) when the results are not all there by then. */
  timeoutMs: 60_000,
} as const;

export interface E2eOptions {
  /** The repository root (drafts are read from DRAFT_DIRS under it). */
  root: string;
  drafts?: number;
  /** The event source's batching window; the stack's (MODERATE_FUNCTION.maxBatchingWindowSeconds) when absent. */
  batchingWindowSeconds?: number;
  pollIntervalMs?: number;
  pollConcurrency?: number;
  timeoutMs?: number;
}

export interface E2eResult {
  drafts: number;
  /** From the first PutObject call to the last result read back. */
  seconds: number;
  draftsPerSecond: number;
  /** From each PutObject call returning to the Query that first returned its result record. */
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  settings: {
    batchSize: number;
    batchingWindowSeconds: number;
    /** Execution environments (worker threads), i.e. batches in flight. */
    concurrency: number;
    pollIntervalMs: number;
    pollConcurrency: number;
    uploadConcurrency: number;
  };
  /**
   * How precisely each record's arrival is known: from sending the last Query that did not find it to the one
   * that did returning. Each latency above is an upper bound, high by at most this.
   */
  observationWindowMs: { mean: number; p50: number; max: number };
  /** From the first PutObject call to the last one returning. */
  uploadSeconds: number;
  formats: Record<string, number>;
  statuses: Record<string, number>;
  /** Queries the observer sent, and per second of the run: the load observing added to DynamoDB. */
  queries: number;
  queriesPerSecond: number;
  /** Function invocations, the records they carried on average, and records reported failed (retried later). */
  batches: number;
  averageBatchSize: number;
  failedRecords: number;
  /** Errors from the local runner (bridge, event source) and ERROR lines the function logged. */
  errors: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Client side (the worker thread): uploads and observation.

interface ClientDraft {
  publisherId: string;
  documentId: string;
  path: string;
}

interface ClientInput {
  claimscanE2eClient: true;
  target: LocalTarget;
  bucket: string;
  table: string;
  drafts: ClientDraft[];
  pollIntervalMs: number;
  pollConcurrency: number;
  uploadConcurrency: number;
  timeoutMs: number;
}

interface ClientOutput {
  /** Milliseconds from the first PutObject call. */
  finishedMs: number;
  uploadsDoneMs: number;
  latenciesMs: number[];
  observationWindowsMs: number[];
  statuses: string[];
  queries: number;
}

interface Watch {
  upload: Uploaded;
  /** When its PutObject call returned (performance.now()). */
  putAt: number;
  nextPollAt: number;
  /** When the last Query that did not find the record was sent (the put, before the first one). */
  lastMissSentAt: number;
  inFlight: boolean;
  foundAt?: number;
  status?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The "latest result" access pattern (README, Results table), as the results store runs it. */
async function latestResult(clients: AwsClients, table: string, upload: Uploaded) {
  const record = await new ResultsStore(clients.db, table).latest(
    draftPk(upload.publisherId, upload.documentId),
  );
  if (record === undefined) return undefined;
  // Only the result of this very upload counts.
  return record.eTag === upload.eTag ? record : undefined;
}

/**
 * Uploads every draft (`uploadConcurrency` at a time, as fast as the bucket takes them) and, meanwhile, queries
 * each pending draft's latest result until it is there. Queries go to the oldest upload first among the drafts
 * not queried in the last `pollIntervalMs`: with more drafts pending than queries fit in an interval, they go
 * where results are due. A found result makes the next pending draft in upload order due at once, since the
 * function works through a batch of consecutive uploads.
 */
async function runClient(input: ClientInput): Promise<ClientOutput> {
  const { bucket, table, pollIntervalMs } = input;
  const clients = createAwsClients(input.target);
  const bodies = new Map<string, Buffer>();
  for (const { path } of input.drafts) if (!bodies.has(path)) bodies.set(path, await readFile(path));
  const watches: Watch[] = [];
  let queries = 0;
  let found = 0;
  let uploading = true;
  let failed = false;
  const started = performance.now();
  const deadline = started + input.timeoutMs;
  try {
    let next = 0;
    const uploads = Promise.all(
      Array.from({ length: input.uploadConcurrency }, async () => {
        while (next < input.drafts.length && !failed) {
          const draft = input.drafts[next++]!;
          const body = bodies.get(draft.path)!;
          const upload = await uploadDraft(clients, bucket, draft.documentId, body, draft.publisherId);
          const putAt = performance.now();
          watches.push({
            upload,
            putAt,
            nextPollAt: putAt + pollIntervalMs,
            lastMissSentAt: putAt,
            inFlight: false,
          });
        }
      }),
    ).finally(() => {
      uploading = false;
    });

    const observe = async () => {
      while ((uploading || found < watches.length) && !failed) {
        if (performance.now() > deadline)
          throw new Error(`${found} of ${input.drafts.length} results after ${input.timeoutMs / 1000} s`);
        const now = performance.now();
        let due: Watch | undefined;
        let soonest = Infinity;
        // Upload order: the first pending draft that is due is the oldest one.
        for (const watch of watches) {
          if (watch.foundAt !== undefined || watch.inFlight) continue;
          if (watch.nextPollAt <= now) {
            due = watch;
            break;
          }
          soonest = Math.min(soonest, watch.nextPollAt);
        }
        if (due === undefined) {
          // Nothing due: wait for the soonest (a later upload is never due sooner than pollIntervalMs).
          await sleep(Math.max(1, Math.min(soonest - now, pollIntervalMs)));
          continue;
        }
        due.inFlight = true;
        const sentAt = performance.now();
        queries++;
        const record = await latestResult(clients, table, due.upload).finally(() => {
          due.inFlight = false;
        });
        if (record === undefined) {
          due.lastMissSentAt = sentAt;
          due.nextPollAt = sentAt + pollIntervalMs;
          continue;
        }
        due.foundAt = performance.now();
        due.status = record.status;
        found++;
        const following = watches
          .slice(watches.indexOf(due) + 1)
          .find((watch) => watch.foundAt === undefined);
        if (following !== undefined) following.nextPollAt = Math.min(following.nextPollAt, due.foundAt);
      }
    };
    const [uploadsDone] = await Promise.all([
      uploads.then(() => performance.now()),
      ...Array.from({ length: input.pollConcurrency }, observe),
    ]).catch((error: unknown) => {
      failed = true;
      throw error;
    });
    const finished = Math.max(...watches.map((watch) => watch.foundAt!));
    return {
      finishedMs: finished - started,
      uploadsDoneMs: uploadsDone - started,
      latenciesMs: watches.map((watch) => watch.foundAt! - watch.putAt),
      observationWindowsMs: watches.map((watch) => watch.foundAt! - watch.lastMissSentAt),
      statuses: watches.map((watch) => watch.status!),
      queries,
    };
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pipeline side (the main thread).

async function draftFiles(root: string): Promise<string[]> {
  const paths: string[] = [];
  for (const dir of DRAFT_DIRS) {
    const names = (await readdir(join(root, dir))).sort();
    paths.push(
      ...names.filter((name) => DRAFT_EXTENSIONS.has(extname(name))).map((name) => join(root, dir, name)),
    );
  }
  if (paths.length === 0) throw new Error(`no drafts in ${DRAFT_DIRS.join(', ')}`);
  return paths;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const tally = (values: readonly string[]) => {
  const counts: Record<string, number> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

/** Runs the client in a worker thread; resolves with its figures, rejects when it fails or exits early. */
function runClientWorker(input: ClientInput): {
  result: Promise<ClientOutput>;
  terminate: () => Promise<number>;
} {
  // Workers do not inherit tsx's loader on Node 20: the worker registers it, then imports this module.
  const bootstrap = [
    `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});`,
    'register();',
    `await import(${JSON.stringify(import.meta.url)});`,
  ].join('\n');
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData: input,
    // Its stderr is kept for a failure report; the SDK's Node-version notice is printed once already.
    stderr: true,
  });
  let stderr = '';
  worker.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const result = new Promise<ClientOutput>((resolve, reject) => {
    worker.once('message', (message: { output?: ClientOutput; error?: string }) => {
      if (message.output !== undefined) resolve(message.output);
      else reject(new Error(`e2e client failed: ${message.error ?? 'unknown error'}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`e2e client exited (${code}) early\n${stderr.trim()}`)));
  });
  return { result, terminate: () => worker.terminate() };
}

/** Starts a local pipeline, sends `drafts` drafts through it, stops everything and returns the figures. */
export async function measureEndToEnd(options: E2eOptions): Promise<E2eResult> {
  const count = options.drafts ?? E2E_DEFAULTS.drafts;
  const pollIntervalMs = options.pollIntervalMs ?? E2E_DEFAULTS.pollIntervalMs;
  const pollConcurrency = options.pollConcurrency ?? E2E_DEFAULTS.pollConcurrency;
  const timeoutMs = options.timeoutMs ?? E2E_DEFAULTS.timeoutMs;
  const { uploadConcurrency } = E2E_DEFAULTS;
  const batchingWindowSeconds = options.batchingWindowSeconds ?? MODERATE_FUNCTION.maxBatchingWindowSeconds;
  const files = await draftFiles(options.root);
  // Unique keys drafts/bench-<n>/<name>: every upload is a new draft, none a new version of another.
  const drafts = Array.from({ length: count }, (_, n) => {
    const path = files[n % files.length]!;
    return { publisherId: `bench-${n}`, documentId: path.slice(path.lastIndexOf('/') + 1), path };
  });

  let errors = 0;
  let firstError: string | undefined;
  const onError = (error: unknown) => {
    errors++;
    firstError ??= String(error);
  };
  const pipeline = await startLocalPipeline({
    appName: 'claimscan-bench',
    batchSize: MODERATE_FUNCTION.batchSize,
    maxBatchingWindowMs: batchingWindowSeconds * 1000,
    concurrency: LOCAL_CONCURRENCY,
    logLevel: 'ERROR',
    // With ERROR, the function's JSON lines are errors; other lines are Node's warnings (the SDK's notice).
    onFunctionLog: (line) => {
      if (line.startsWith('{')) onError(line);
    },
    onError,
  });
  let client: ReturnType<typeof runClientWorker> | undefined;
  try {
    client = runClientWorker({
      claimscanE2eClient: true,
      target: pipeline.target,
      bucket: pipeline.names.bucket,
      table: pipeline.names.table,
      drafts,
      pollIntervalMs,
      pollConcurrency,
      uploadConcurrency,
      timeoutMs,
    });
    const output = await client.result;
    const seconds = output.finishedMs / 1000;
    const latencies = [...output.latenciesMs].sort((a, b) => a - b);
    const windows = [...output.observationWindowsMs].sort((a, b) => a - b);
    const { stats } = pipeline.eventSource;
    const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    return {
      drafts: count,
      seconds: round(seconds),
      draftsPerSecond: round(count / seconds, 1),
      latencyMs: {
        p50: Math.round(percentile(latencies, 50)),
        p99: Math.round(percentile(latencies, 99)),
        max: Math.round(latencies.at(-1)!),
        mean: Math.round(mean(latencies)),
      },
      settings: {
        batchSize: MODERATE_FUNCTION.batchSize,
        batchingWindowSeconds,
        concurrency: LOCAL_CONCURRENCY,
        pollIntervalMs,
        pollConcurrency,
        uploadConcurrency,
      },
      observationWindowMs: {
        mean: Math.round(mean(windows)),
        p50: Math.round(percentile(windows, 50)),
        max: Math.round(windows.at(-1)!),
      },
      uploadSeconds: round(output.uploadsDoneMs / 1000),
      formats: tally(drafts.map(({ path }) => extname(path).slice(1))),
      statuses: tally(output.statuses),
      queries: output.queries,
      queriesPerSecond: round(output.queries / seconds, 1),
      batches: stats.invocations,
      averageBatchSize: round(stats.records / Math.max(1, stats.invocations), 1),
      failedRecords: stats.failedRecords,
      errors,
    };
  } finally {
    // The client first (its sockets to the emulators), then the poller, workers, clients and servers.
    await client?.terminate();
    await pipeline.stop();
    if (errors > 0)
      console.warn(`e2e: the local pipeline reported ${errors} error(s), the first: ${firstError}`);
  }
}

// The worker's entry: runs the client and reports back.
const input = workerData as Partial<ClientInput> | null;
if (!isMainThread && parentPort !== null && input?.claimscanE2eClient === true) {
  const port = parentPort;
  runClient(input as ClientInput).then(
    (output) => port.postMessage({ output }),
    (error: unknown) =>
      port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}
