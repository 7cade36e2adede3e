// Starts the whole local pipeline once for the integration tests (emulators on free ports, the stack's
// resources, the S3 notification bridge, the bundled function behind its event source mapping).
import type { TestProject } from 'vitest/node';
import { startLocalPipeline } from '../../local/pipeline.js';
import type { LocalTarget } from '../../local/emulators.js';
import type { LocalNames, QueueUrls } from '../../local/resources.js';

/** Retries every second rather than after the stack's 185 s, so a poison message reaches the DLQ in seconds. */
export const TEST_VISIBILITY_TIMEOUT_SECONDS = 1;

declare module 'vitest' {
  export interface ProvidedContext {
    localPipeline: { target: LocalTarget; names: LocalNames; queues: QueueUrls };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const errors: string[] = [];
  const pipeline = await startLocalPipeline({
    appName: 'claimscan-it',
    ingestVisibilityTimeoutSeconds: TEST_VISIBILITY_TIMEOUT_SECONDS,
    maxBatchingWindowMs: 100,
    onError: (error) => errors.push(String(error)),
  });
  project.provide('localPipeline', {
    target: pipeline.target,
    names: pipeline.names,
    queues: pipeline.queues,
  });
  return async () => {
    await pipeline.stop();
    if (errors.length > 0) console.warn(`local pipeline reported:\n${errors.join('\n')}`);
  };
}
