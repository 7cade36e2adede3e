// Issue 11, item 1: the moderate function's settings follow from one measured figure, the worst draft's time.
import { describe, expect, it } from 'vitest';
import { localTimeoutMs } from '../../../local/lambda-runtime.js';
import {
  FIFO_DEDUPLICATION_WINDOW_SECONDS,
  INGEST_VISIBILITY_TIMEOUT_SECONDS,
  lambdaCpuShare,
  MODERATE_FUNCTION,
  MODERATE_SIZING,
  moderateSizing,
} from '../../../shared/pipeline/resources.js';

describe('moderate function sizing', () => {
  it('gives a whole batch of worst drafts time, on the CPU share its memory buys, with the margin', () => {
    const share = lambdaCpuShare(MODERATE_FUNCTION.memoryMiB);
    expect(share).toBe(1);
    const needed =
      (MODERATE_FUNCTION.batchSize * MODERATE_SIZING.worstDraftSeconds * MODERATE_SIZING.margin) / share +
      MODERATE_SIZING.ioSeconds;
    expect(MODERATE_FUNCTION.timeoutSeconds).toBeGreaterThanOrEqual(needed);
    // One more draft per batch would not fit: the batch is as large as the timeout allows, no larger.
    expect(needed + (MODERATE_SIZING.worstDraftSeconds * MODERATE_SIZING.margin) / share).toBeGreaterThan(
      moderateSizing().maxTimeoutSeconds,
    );
  });

  it('keeps the ingest visibility at least six timeouts plus the window, inside the FIFO deduplication window', () => {
    expect(INGEST_VISIBILITY_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(
      6 * MODERATE_FUNCTION.timeoutSeconds + MODERATE_FUNCTION.maxBatchingWindowSeconds,
    );
    expect(INGEST_VISIBILITY_TIMEOUT_SECONDS).toBeLessThanOrEqual(FIFO_DEDUPLICATION_WINDOW_SECONDS);
  });

  it('shows why the old settings timed out: 10 drafts of 2.4 s on the 0.58 of a core 1024 MB buys', () => {
    expect(lambdaCpuShare(1024)).toBeCloseTo(0.58, 2);
    expect((10 * 2.4) / lambdaCpuShare(1024)).toBeGreaterThan(30);
    // The local runtime gives a 30 s timeout at 1024 MB the work of 17.4 s of a full core.
    expect(localTimeoutMs(30, 1024)).toBe(17_366);
    expect(localTimeoutMs(MODERATE_FUNCTION.timeoutSeconds, MODERATE_FUNCTION.memoryMiB)).toBe(
      MODERATE_FUNCTION.timeoutSeconds * 1000,
    );
  });

  it('follows a re-measured figure: a faster engine batches more, a slower one fewer, down to one', () => {
    const sized = (worstDraftSeconds: number) => moderateSizing({ ...MODERATE_SIZING, worstDraftSeconds });
    expect(sized(2.4)).toMatchObject({ batchSize: 9, timeoutSeconds: 49 });
    expect(sized(5.2)).toMatchObject({ batchSize: 4, timeoutSeconds: 47 });
    expect(sized(20)).toMatchObject({ batchSize: 1, timeoutSeconds: 45 });
    expect(() => sized(30)).toThrow(/more than the 49 s timeout/);
  });
});
