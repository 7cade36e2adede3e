// The whole pipeline in one process: emulators, the stack's resources, the S3 notification, the function
// and its event source mapping. `npm start`, the integration tests and the e2e bench all start it here.
import type { AwsClients } from '../shared/pipeline/config.js';
import { createAwsClients } from '../shared/pipeline/config.js';
import { MODERATE_FUNCTION } from '../shared/pipeline/resources.js';
import { startEmulators } from './emulators.js';
import type { Emulators, LocalTarget } from './emulators.js';
import { SqsEventSource } from './event-source.js';
import { LambdaRuntime } from './lambda-runtime.js';
import type { LambdaRuntimeOptions, RuntimeStats } from './lambda-runtime.js';
import { createLocalResources, localNames } from './resources.js';
import type { LocalResources, ResourceOverrides } from './resources.js';
import { S3EventBridge } from './s3-bridge.js';

export interface LocalPipelineOptions extends ResourceOverrides {
  /** Persist S3 and DynamoDB here; in memory when absent. */
  dataDir?: string;
  appName?: string;
  ports?: { s3?: number; dynamodb?: number; sqs?: number };
  /** Defaults: the stack's batch size and batching window. */
  batchSize?: number;
  maxBatchingWindowMs?: number;
  /**
   * Batches in flight, each in its own execution environment (a worker thread). The stack allows
   * MODERATE_FUNCTION.maxConcurrency; locally every environment shares this machine's cores, so fewer.
   */
  concurrency?: number;
  /** The stack's timeout and memory when absent (the bench also runs the settings they replaced). */
  functionTimeoutSeconds?: number;
  functionMemoryMiB?: number;
  logLevel?: LambdaRuntimeOptions['logLevel'];
  onFunctionLog?: (line: string) => void;
  onError?: (error: unknown) => void;
}

export interface LocalPipeline extends LocalResources {
  target: LocalTarget;
  clients: AwsClients;
  eventSource: SqsEventSource;
  bridge: S3EventBridge;
  functionStats: RuntimeStats;
  stop(): Promise<void>;
}

export const LOCAL_CONCURRENCY = 2;

export async function startLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const names = localNames(options.appName);
  const emulators: Emulators = await startEmulators({
    // Created by s3rver itself, so it gets the CORS rule the local pages need.
    buckets: [names.bucket],
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    ...(options.ports !== undefined && { ports: options.ports }),
  });
  let runtime: LambdaRuntime | undefined;
  try {
    const clients = createAwsClients(emulators.target);
    const resources = await createLocalResources(clients, names, options);
    const bridge = new S3EventBridge({
      s3: clients.s3,
      sqs: clients.sqs,
      region: emulators.target.region,
      bucket: resources.names.bucket,
      queueUrl: resources.queues.ingest,
      onError,
    });
    emulators.onObjectEvent(bridge.onObjectEvent);
    const concurrency = options.concurrency ?? LOCAL_CONCURRENCY;
    runtime = await LambdaRuntime.create({
      target: emulators.target,
      resources,
      concurrency,
      ...(options.functionTimeoutSeconds !== undefined && { timeoutSeconds: options.functionTimeoutSeconds }),
      ...(options.functionMemoryMiB !== undefined && { memoryMiB: options.functionMemoryMiB }),
      ...(options.logLevel !== undefined && { logLevel: options.logLevel }),
      ...(options.onFunctionLog !== undefined && { onLog: options.onFunctionLog }),
    });
    const lambda = runtime;
    const eventSource = new SqsEventSource({
      sqs: clients.sqs,
      queueUrl: resources.queues.ingest,
      queueArn: resources.ingestQueueArn,
      region: emulators.target.region,
      batchSize: options.batchSize ?? MODERATE_FUNCTION.batchSize,
      maxBatchingWindowMs: options.maxBatchingWindowMs ?? MODERATE_FUNCTION.maxBatchingWindowSeconds * 1000,
      concurrency,
      invoke: (event) => lambda.invoke(event),
      onError,
    });
    eventSource.start();
    return {
      ...resources,
      target: emulators.target,
      clients,
      eventSource,
      bridge,
      functionStats: lambda.stats,
      async stop() {
        // Producers first, then consumers, then the services they talk to.
        await bridge.flush();
        await eventSource.stop();
        await lambda.stop();
        for (const client of Object.values(clients)) client.destroy();
        await emulators.stop();
      },
    };
  } catch (error) {
    await runtime?.stop();
    await emulators.stop();
    throw error;
  }
}
