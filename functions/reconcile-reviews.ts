// Scheduled (EventBridge Scheduler): re-enqueues versions pending review whose review message is gone.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createAwsClients, ReconcileConfig } from '../shared/pipeline/config.js';
import { reconcileReviews } from '../shared/pipeline/reconcile.js';
import { METRICS } from '../shared/pipeline/resources.js';

const config = ReconcileConfig.parse(process.env);
const logger = new Logger({ serviceName: METRICS.reconcile.service });
const metrics = new Metrics({
  namespace: METRICS.namespace,
  serviceName: METRICS.reconcile.service,
  defaultDimensions: { stage: config.stage },
});
const clients = createAwsClients();

export async function handler(): Promise<void> {
  const report = await reconcileReviews({ ...clients, ...config, log: logger });
  logger.info('Review messages reconciled', { ...report });
  // Published every run, zero included, so its alarm sees data rather than a gap.
  metrics.addMetric(METRICS.reconcile.reviews, MetricUnit.Count, report.reenqueued);
  metrics.publishStoredMetrics();
}
