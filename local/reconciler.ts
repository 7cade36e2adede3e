// The reconciler in local mode: at start (the in-memory queues came back empty: every pending review and every
// upload whose event was in flight is sent again) and then on the stack's schedule, in this process.
import { reconcileDrafts, reconcileReviews } from '../shared/pipeline/reconcile.js';
import type {
  DraftsReport,
  ReconcileDeps,
  ReconcileLog,
  ReviewsReport,
} from '../shared/pipeline/reconcile.js';
import { RECONCILER } from '../shared/pipeline/resources.js';
import type { LocalPipeline } from './pipeline.js';

/** The reconciler's dependencies on the local pipeline. Its emulators are consistent: no grace for reviews. */
export function localReconcileDeps(
  pipeline: Pick<LocalPipeline, 'clients' | 'names' | 'queues' | 'target'>,
  log: ReconcileLog,
): ReconcileDeps {
  return {
    ...pipeline.clients,
    tableName: pipeline.names.table,
    reviewQueueUrl: pipeline.queues.review,
    ingestQueueUrl: pipeline.queues.ingest,
    bucket: pipeline.names.bucket,
    // s3rver has no versioning.
    bucketVersioned: false,
    region: pipeline.target.region,
    log,
    reviewGraceSeconds: 0,
  };
}

export interface ReconcileRun {
  reviews: ReviewsReport;
  drafts: DraftsReport;
}

export async function reconcileOnce(deps: ReconcileDeps): Promise<ReconcileRun> {
  return { reviews: await reconcileReviews(deps), drafts: await reconcileDrafts(deps) };
}

/** Runs both every RECONCILER.reviews.everyMinutes (the drafts sweep is cheap locally); stop() ends it. */
export function scheduleReconciler(
  deps: ReconcileDeps,
  onRun: (run: ReconcileRun) => void,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= reconcileOnce(deps)
      .then(onRun, onError)
      .finally(() => {
        running = undefined;
      });
  }, RECONCILER.reviews.everyMinutes * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** One line for people, or undefined when nothing was stranded. */
export function describeRun(run: ReconcileRun): string | undefined {
  const parts = [
    run.reviews.reenqueued > 0 &&
      `${run.reviews.reenqueued} flagged draft${run.reviews.reenqueued === 1 ? '' : 's'} put back on the review queue`,
    run.drafts.resent > 0 &&
      `${run.drafts.resent} upload${run.drafts.resent === 1 ? '' : 's'} without a result sent to the pipeline again`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length === 0 ? undefined : `Reconciler: ${parts.join('; ')}.`;
}
