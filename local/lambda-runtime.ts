// The moderate function as Lambda runs it: the deployed bundle (infra/bundling.ts, built from the unchanged
// functions/moderate.ts), configured only by its environment, one invocation at a time per execution
// environment. Each environment is a worker thread with its own process.env, so the function's settings
// never leak into this process, and the CPU-bound engine does not stall the emulators on the main thread.
// The stack's settings hold here too: memory caps each environment's heap, and the timeout is scaled by the share
// of a core Lambda gives that memory, since a local core runs the engine as fast as a whole Lambda vCPU would.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { MODERATE_BUNDLE, moderateBuildOptions } from '../infra/bundling.js';
import { ENV, lambdaCpuShare, METRICS, MODERATE_FUNCTION } from '../shared/pipeline/resources.js';
import type { LocalTarget } from './emulators.js';
import type { LocalResources } from './resources.js';

// Runs inside each worker: imports the bundle once (a cold start), then serves invocations.
const BOOTSTRAP = `import { parentPort, workerData } from 'node:worker_threads';
const { handler } = await import(workerData.bundleUrl);
parentPort.on('message', async ({ id, event, context }) => {
  const lambdaContext = { ...context, getRemainingTimeInMillis: () => Math.max(0, context.deadline - Date.now()) };
  try {
    parentPort.postMessage({ id, response: await handler(event, lambdaContext) });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
parentPort.postMessage({ ready: true });
`;

export interface LambdaRuntimeOptions {
  target: LocalTarget;
  resources: LocalResources;
  /** Execution environments, i.e. how many batches run at once. */
  concurrency: number;
  /** The stack's (MODERATE_FUNCTION) when absent. */
  timeoutSeconds?: number;
  memoryMiB?: number;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Each line the function logs (Powertools JSON); dropped when absent. */
  onLog?: (line: string) => void;
}

type Reply = { id: number; response: SQSBatchResponse } | { id: number; error: string } | { ready: true };

export class FunctionTimeoutError extends Error {}

/** How long a local invocation may run: the work Lambda's share of a core gets done within the timeout. */
export const localTimeoutMs = (timeoutSeconds: number, memoryMiB: number) =>
  Math.round(timeoutSeconds * 1000 * lambdaCpuShare(memoryMiB));

/** What the runner and the bench read: invocations, how many timed out, the longest that finished. */
export interface RuntimeStats {
  invocations: number;
  timeouts: number;
  crashes: number;
  longestMs: number;
}

class ExecutionEnvironment {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (r: SQSBatchResponse) => void; reject: (e: Error) => void }
  >();

  constructor(
    bundleUrl: string,
    bootstrap: string,
    env: Record<string, string>,
    memoryMiB: number,
    onLog?: (line: string) => void,
  ) {
    this.worker = new Worker(bootstrap, {
      workerData: { bundleUrl },
      env,
      stdout: true,
      stderr: true,
      // The heap is most of a function's memory; running out ends the environment, as Lambda's does.
      resourceLimits: { maxOldGenerationSizeMb: memoryMiB },
    });
    for (const stream of [this.worker.stdout, this.worker.stderr]) {
      const lines = createInterface({ input: stream });
      lines.on('line', (line) => {
        if (line.trim() !== '') onLog?.(line);
      });
    }
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: Reply) => {
        if ('ready' in reply) return resolve();
        const call = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if ('error' in reply) call?.reject(new Error(reply.error));
        else call?.resolve(reply.response);
      });
      const fail = (error: Error) => {
        reject(error);
        for (const call of this.waiting.values()) call.reject(error);
        this.waiting.clear();
      };
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`execution environment exited (${code})`)));
    });
  }

  async invoke(event: SQSEvent, context: Record<string, unknown>): Promise<SQSBatchResponse> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, event, context });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

export class LambdaRuntime {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly timeoutMs: number;
  private readonly memoryMiB: number;
  readonly stats: RuntimeStats = { invocations: 0, timeouts: 0, crashes: 0, longestMs: 0 };

  private constructor(
    private readonly dir: string,
    private readonly env: Record<string, string>,
    private readonly options: LambdaRuntimeOptions,
  ) {
    this.memoryMiB = options.memoryMiB ?? MODERATE_FUNCTION.memoryMiB;
    this.timeoutMs = localTimeoutMs(
      options.timeoutSeconds ?? MODERATE_FUNCTION.timeoutSeconds,
      this.memoryMiB,
    );
  }

  /** Bundles the function (about a second) and prepares the environments' settings. */
  static async create(options: LambdaRuntimeOptions): Promise<LambdaRuntime> {
    const dir = await mkdtemp(join(tmpdir(), 'claimscan-function-'));
    try {
      await build(moderateBuildOptions(join(dir, MODERATE_BUNDLE.outfile)));
      await writeFile(join(dir, 'bootstrap.mjs'), BOOTSTRAP);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const { target, resources } = options;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: target.region,
      AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_S3: target.endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: target.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: target.endpoints.sqs,
      // Nothing from this machine's AWS configuration.
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_LAMBDA_FUNCTION_NAME: resources.names.moderateFunction,
      [ENV.stage]: 'dev',
      [ENV.tableName]: resources.names.table,
      [ENV.reviewQueueUrl]: resources.queues.review,
      [ENV.serviceName]: METRICS.service,
      [ENV.metricsNamespace]: METRICS.namespace,
      [ENV.logLevel]: options.logLevel ?? 'WARN',
      // There is no CloudWatch locally; the metric lines would only clutter the logs.
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    return new LambdaRuntime(dir, env, options);
  }

  private environment(): ExecutionEnvironment {
    const reused = this.idle.pop();
    if (reused !== undefined) return reused;
    const created = new ExecutionEnvironment(
      pathToFileURL(join(this.dir, MODERATE_BUNDLE.outfile)).href,
      join(this.dir, 'bootstrap.mjs'),
      this.env,
      this.memoryMiB,
      this.options.onLog,
    );
    this.all.add(created);
    return created;
  }

  /** One invocation. Rejects on a function error or timeout, as Lambda reports the whole batch failed. */
  async invoke(event: SQSEvent): Promise<SQSBatchResponse> {
    const environment = this.environment();
    const deadline = Date.now() + this.timeoutMs;
    const context = {
      functionName: this.options.resources.names.moderateFunction,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.options.target.region}:000000000000:function:${this.options.resources.names.moderateFunction}`,
      memoryLimitInMB: String(this.memoryMiB),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${this.options.resources.names.moderateFunction}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      deadline,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    const started = Date.now();
    this.stats.invocations++;
    try {
      const response = await Promise.race([environment.invoke(event, context), timeout]);
      this.stats.longestMs = Math.max(this.stats.longestMs, Date.now() - started);
      this.idle.push(environment);
      return response;
    } catch (error) {
      if (error instanceof FunctionTimeoutError) this.stats.timeouts++;
      else this.stats.crashes++;
      // A timed-out or crashed environment is not reused, as in Lambda.
      this.all.delete(environment);
      await environment.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.all].map((environment) => environment.terminate()));
    this.all.clear();
    this.idle.length = 0;
    await rm(this.dir, { recursive: true, force: true });
  }
}
