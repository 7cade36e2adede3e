// Scheduled (EventBridge Scheduler): re-enqueues versions pending review whose review message is gone.
import { reconcileReviews } from '../shared/pipeline/reconcile.js';
import { reconcilerRuntime } from '../shared/pipeline/reconcile-runtime.js';
import { METRICS } from '../shared/pipeline/resources.js';

const { deps, logger, publish } = reconcilerRuntime(process.env);

export async function handler(): Promise<void> {
  const report = await reconcileReviews(deps);
  logger.info('Review messages reconciled', { ...report });
  publish(METRICS.reconcile.reviews, report.reenqueued);
}
