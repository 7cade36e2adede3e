// Scheduled (EventBridge Scheduler): sends the upload event again for drafts/ objects without a result, one
// page of the listing after another; a run that nears its timeout saves where it was for the next.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createAwsClients, ReconcileConfig } from '../shared/pipeline/config.js';
import { loadDraftsCursor, reconcileDrafts, saveDraftsCursor } from '../shared/pipeline/reconcile.js';
import { METRICS } from '../shared/pipeline/resources.js';

const config = ReconcileConfig.parse(process.env);
const logger = new Logger({ serviceName: METRICS.reconcile.service });
const metrics = new Metrics({
  namespace: METRICS.namespace,
  serviceName: METRICS.reconcile.service,
  defaultDimensions: { stage: config.stage },
});
const clients = createAwsClients();

export async function handler(_event: unknown, context: Context): Promise<void> {
  const deps = { ...clients, ...config, log: logger };
  const after = await loadDraftsCursor(deps);
  const report = await reconcileDrafts(deps, {
    ...(after !== undefined && { after }),
    timeLeftMs: () => context.getRemainingTimeInMillis(),
  });
  await saveDraftsCursor(deps, report.nextCursor);
  logger.info('Draft objects reconciled', { ...report, resumedAfter: after });
  metrics.addMetric(METRICS.reconcile.drafts, MetricUnit.Count, report.resent);
  metrics.publishStoredMetrics();
}
