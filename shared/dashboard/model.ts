// The dashboard routes' query parameters and response bodies (GET /stats, GET /drafts).
import * as z from '../zod.js';
import { PublisherId } from '../pipeline/names.js';
import { IndexSummary } from '../pipeline/record.js';
import { RecordStatus } from '../pipeline/resources.js';

export const DASHBOARD = {
  /** `/stats` without `from`: this many days up to `to` (inclusive). */
  defaultDays: 30,
  maxDays: 366,
  defaultPageSize: 25,
  maxPageSize: 100,
  /** Index items one `/drafts` request may read when a filter drops rows; a short page then has a cursor. */
  maxItemsRead: 1_000,
} as const;

/** A UTC calendar day, `YYYY-MM-DD`, that exists. */
export const Day = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a UTC date, YYYY-MM-DD'),
  z.refine((day) => {
    const at = Date.parse(`${day}T00:00:00Z`);
    return !Number.isNaN(at) && new Date(at).toISOString().startsWith(day);
  }, 'no such date'),
);

export const StatsQuery = z.object({
  from: z.optional(Day),
  to: z.optional(Day),
  publisherId: z.optional(PublisherId),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

export const ListQuery = z.object({
  status: z.optional(RecordStatus),
  publisherId: z.optional(PublisherId),
  from: z.optional(Day),
  to: z.optional(Day),
  cursor: z.optional(z.string().check(z.maxLength(2_048))),
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, 'expected a whole number')),
      z.pipe(z.transform(Number), z.number().check(z.int(), z.gte(1), z.lte(DASHBOARD.maxPageSize))),
    ),
  ),
});
export type ListQuery = z.infer<typeof ListQuery>;

/** What a `/drafts` cursor holds: the index it pages and the sort key of the last row read there. */
export const Cursor = z.strictObject({
  index: z.enum(['byStatus', 'byPublisher']),
  sk: z.string().check(z.minLength(1), z.maxLength(1_024)),
});
export type Cursor = z.infer<typeof Cursor>;

const Count = z.number().check(z.int(), z.nonnegative());
const Counts = z.record(z.string(), Count);

export const StatsTotals = z.object({
  /** Drafts whose result was recorded in the window (by `processedAt`): passed + flagged + failed. */
  processed: Count,
  passed: Count,
  /** Verdict `review`: sent to the review queue. */
  flagged: Count,
  /** Could not be moderated (empty, binary, too large...). */
  failed: Count,
  /** flagged / processed; null when nothing was processed. */
  flaggedRate: z.nullable(z.number()),
  /** Flagged drafts with at least one non-low claim of the category (a draft counts once per category). */
  flaggedDraftsByCategory: Counts,
  /** Drafts missing a disclaimer the policy required for them, per disclaimer id. */
  draftsMissingDisclaimer: Counts,
  /** Drafts with a required disclaimer present but altered, per disclaimer id. */
  draftsWithAlteredDisclaimer: Counts,
  /** Decisions made in the window (by `decidedAt`). */
  decisions: z.object({ approve: Count, reject: Count, changes_requested: Count }),
  /** From upload to decision, in whole seconds, over the window's decisions (nearest rank; README, Dashboards). */
  uploadToDecisionSeconds: z.object({
    decided: Count,
    median: z.nullable(Count),
    p90: z.nullable(Count),
  }),
});
export type StatsTotals = z.infer<typeof StatsTotals>;

export const StatsDay = z.object({
  day: Day,
  processed: Count,
  passed: Count,
  flagged: Count,
  failed: Count,
  decided: Count,
});
export type StatsDay = z.infer<typeof StatsDay>;

/** Drafts pending review, each counted once: `queued` + `leased` is the number of versions pending review. */
export const Backlog = z.object({
  /** Drafts waiting for a reviewer. */
  queued: Count,
  /** Drafts a reviewer holds: the review queue's messages in flight, at most the drafts pending. */
  leased: Count,
  /** The oldest upload still pending review; null when none is. */
  oldestPending: z.nullable(z.object({ uploadedAt: z.string(), ageSeconds: Count })),
});
export type Backlog = z.infer<typeof Backlog>;

export const StatsResponse = z.object({
  from: Day,
  to: Day,
  /** Present when the stats are one publisher's. */
  publisherId: z.optional(z.string()),
  totals: StatsTotals,
  /** Every day of the window, oldest first. */
  days: z.array(StatsDay),
  /**
   * The review queue now. Null for one publisher's stats: the queue holds every publisher's drafts, and its depth
   * would tell a publisher about the others.
   */
  backlog: z.nullable(Backlog),
});
export type StatsResponse = z.infer<typeof StatsResponse>;

export const DraftListResponse = z.object({
  /** Newest upload first. */
  items: z.array(IndexSummary),
  /** Pass as `cursor` (with the same filters) for the next page; absent on the last one. */
  nextCursor: z.optional(z.string()),
});
export type DraftListResponse = z.infer<typeof DraftListResponse>;
