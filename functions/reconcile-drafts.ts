// Scheduled (EventBridge Scheduler): sends the upload event again for drafts/ objects without a result, one
// page of the listing after another; a run that nears its timeout saves where it was for the next.
import type { Context } from 'aws-lambda';
import { loadDraftsCursor, reconcileDrafts, saveDraftsCursor } from '../shared/pipeline/reconcile.js';
import { reconcilerRuntime } from '../shared/pipeline/reconcile-runtime.js';
import { METRICS } from '../shared/pipeline/resources.js';

const { deps, logger, publish } = reconcilerRuntime(process.env);

export async function handler(_event: unknown, context: Context): Promise<void> {
  const after = await loadDraftsCursor(deps);
  const report = await reconcileDrafts(deps, {
    ...(after !== undefined && { after }),
    timeLeftMs: () => context.getRemainingTimeInMillis(),
  });
  await saveDraftsCursor(deps, report.nextCursor);
  logger.info('Draft objects reconciled', { ...report, resumedAfter: after });
  publish(METRICS.reconcile.drafts, report.resent);
}
