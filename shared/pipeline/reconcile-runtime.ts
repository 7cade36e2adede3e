// What both reconciler functions run with: their configuration, logger, metric and clients.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createAwsClients, ReconcileConfig } from './config.js';
import type { ReconcileDeps } from './reconcile.js';
import { METRICS } from './resources.js';

export function reconcilerRuntime(env: NodeJS.ProcessEnv) {
  const config = ReconcileConfig.parse(env);
  const logger = new Logger({ serviceName: METRICS.reconcile.service });
  const metrics = new Metrics({
    namespace: METRICS.namespace,
    serviceName: METRICS.reconcile.service,
    defaultDimensions: { stage: config.stage },
  });
  const deps: ReconcileDeps = { ...createAwsClients(), ...config, log: logger };
  return {
    deps,
    logger,
    /** Published every run, zero included, so that its alarm sees data rather than a gap. */
    publish(metricName: string, count: number) {
      metrics.addMetric(metricName, MetricUnit.Count, count);
      metrics.publishStoredMetrics();
    },
  };
}
