// Lambda entry point: consumes the ingest queue in batches; the logic lives in shared/pipeline/service.ts.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../shared/zod.js';
import { createAwsClients, createPipelineDeps, loadPipelineConfig } from '../shared/pipeline/config.js';
import { IngestMessage, isTestEvent } from '../shared/pipeline/events.js';
import { METRICS } from '../shared/pipeline/resources.js';
import type { DraftOutcome } from '../shared/pipeline/service.js';
import { processDraftRecord } from '../shared/pipeline/service.js';

const config = loadPipelineConfig(process.env);
const logger = new Logger({ serviceName: METRICS.service });
const metrics = new Metrics({
  namespace: METRICS.namespace,
  serviceName: METRICS.service,
  defaultDimensions: { stage: config.stage },
});
const deps = createPipelineDeps(config, createAwsClients(), logger);
const processor = new BatchProcessor(EventType.SQS);

function count(outcome: DraftOutcome): void {
  const add = (name: string) => void metrics.addMetric(name, MetricUnit.Count, 1);
  if (outcome.kind === 'ignored') return add(METRICS.names.ignored);
  if (outcome.kind === 'duplicate') add(METRICS.names.duplicates);
  else {
    add(METRICS.names.processed);
    if (outcome.status === 'pending_review') add(METRICS.names.flagged);
    if (outcome.status === 'failed') add(METRICS.names.failed);
  }
  if (outcome.reviewSent) add(METRICS.names.reviewSent);
}

async function handleMessage(record: SQSRecord): Promise<void> {
  // Records run concurrently, so each gets its own logger rather than sharing appended keys.
  const messageLogger = logger.createChild({ persistentKeys: { messageId: record.messageId } });
  const parsed = IngestMessage.safeParse(record);
  if (!parsed.success) {
    // Retried, then kept in the DLQ for a human: a malformed message is never silently dropped.
    messageLogger.error('Invalid ingest message', { issues: z.prettifyError(parsed.error) });
    throw new Error(`invalid ingest message ${record.messageId}`);
  }
  const { body } = parsed.data;
  if (isTestEvent(body)) {
    messageLogger.info('Skipping s3:TestEvent');
    return;
  }
  // S3 sends one record per message; should there be more, a retry skips those already recorded.
  for (const s3Record of body.Records) {
    count(await processDraftRecord({ ...deps, logger: messageLogger }, s3Record));
  }
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  try {
    // A fully failed batch is reported item by item rather than thrown: a transient blip is not a function error.
    return await processPartialResponse(event, handleMessage, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
