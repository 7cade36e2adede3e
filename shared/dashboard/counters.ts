// The dashboard's counters, pure: what a result or a decision adds to its day's counter items, and how the day
// items of a window become the `/stats` answer. The DynamoDB side is in store.ts.
import type { ResultRecord } from '../pipeline/record.js';
import type { Decision } from '../review/model.js';
import { DECISION_STATUS, DECISIONS } from '../review/model.js';
import type { StatsDay, StatsTotals } from './model.js';

/** Prefixes of the counters kept per category, disclaimer, decision and duration bucket. */
const PREFIX = {
  category: 'cat#',
  missing: 'missing#',
  altered: 'altered#',
  decision: 'decision#',
  duration: 'dur#',
} as const;

/** Counter names: top-level attributes of a day item (DynamoDB's ADD cannot create a nested map's parent). */
export const COUNTER = {
  processed: 'processed',
  passed: 'passed',
  flagged: 'flagged',
  failed: 'failed',
  category: (category: string) => `${PREFIX.category}${category}`,
  missing: (disclaimerId: string) => `${PREFIX.missing}${disclaimerId}`,
  altered: (disclaimerId: string) => `${PREFIX.altered}${disclaimerId}`,
  decision: (decision: Decision) => `${PREFIX.decision}${decision}`,
  duration: (bucket: number) => `${PREFIX.duration}${bucket}`,
} as const;

export type Counters = Record<string, number>;

/** `YYYY-MM-DD` of an ISO timestamp in UTC (the records' timestamps all end in `Z`). */
export const utcDay = (iso: string) => iso.slice(0, 10);

const DAY_MS = 86_400_000;

/** The UTC day `days` after `day` (before, when negative), both `YYYY-MM-DD`. */
export const addDays = (day: string, days: number) =>
  utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString());

/**
 * The counters a recorded result adds, on the day of its `processedAt`. Outcome from the verdict, not the
 * status, so a result counts the same whenever it is counted. Categories: one per flagged draft and category
 * of its non-low claims. Disclaimers: one per draft and required disclaimer it misses (or altered).
 */
export function resultCounters(record: ResultRecord): Counters {
  const outcome =
    record.verdict === 'review'
      ? COUNTER.flagged
      : record.verdict === 'pass'
        ? COUNTER.passed
        : COUNTER.failed;
  const counters: Counters = { [COUNTER.processed]: 1, [outcome]: 1 };
  if (outcome === COUNTER.flagged)
    for (const category of record.flaggedCategories ?? []) counters[COUNTER.category(category)] = 1;
  for (const disclaimer of record.result?.disclaimers ?? []) {
    if (!disclaimer.required) continue;
    if (disclaimer.status === 'missing') counters[COUNTER.missing(disclaimer.id)] = 1;
    if (disclaimer.status === 'altered') counters[COUNTER.altered(disclaimer.id)] = 1;
  }
  return counters;
}

const DECISION_OF_STATUS = new Map<string, Decision>(
  DECISIONS.map((decision) => [DECISION_STATUS[decision], decision]),
);

/** Whole seconds from upload to decision (never negative: S3's clock and Lambda's may disagree slightly). */
export function decisionSeconds(record: Pick<ResultRecord, 'uploadedAt' | 'decidedAt'>): number | undefined {
  if (record.decidedAt === undefined) return undefined;
  return Math.max(0, Math.floor((Date.parse(record.decidedAt) - Date.parse(record.uploadedAt)) / 1000));
}

/** The counters a decided record adds, on the day of its `decidedAt`; undefined when it is not decided. */
export function decisionCounters(record: ResultRecord): Counters | undefined {
  const decision = DECISION_OF_STATUS.get(record.status);
  const seconds = decisionSeconds(record);
  if (decision === undefined || seconds === undefined) return undefined;
  return {
    [COUNTER.decision(decision)]: 1,
    [COUNTER.duration(durationBucket(seconds))]: 1,
  };
}

/**
 * The histogram bucket of a duration in whole seconds: exact below 1,000 s, then three significant digits
 * (1,000..9,990 by 10, 10,000..99,900 by 100, ...), so a bucket's lower bound is within 1% of any duration in it.
 */
export function durationBucket(seconds: number): number {
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 1000) return whole;
  const step = 10 ** (String(whole).length - 3);
  return Math.floor(whole / step) * step;
}

/** Nearest rank: the ceil(percent/100 · n)-th smallest value of the histogram; null when it is empty. */
export function percentile(histogram: ReadonlyMap<number, number>, percent: number): number | null {
  const total = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  // percent · total is an integer, so the division is exact whenever the rank is.
  const rank = Math.max(1, Math.ceil((percent * total) / 100));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return bucket;
  }
  return null;
}

/** Every day from `from` to `to` (inclusive, `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

const prefixed = (counters: Counters, prefix: string) =>
  Object.fromEntries(
    Object.entries(counters)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, count]) => [name.slice(prefix.length), count])
      .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
  ) as Record<string, number>;

/** The window's totals and its per-day series (every day, zero when it has no item), from the day items. */
export function summarize(
  from: string,
  to: string,
  items: ReadonlyMap<string, Counters>,
): { totals: StatsTotals; days: StatsDay[] } {
  const sum: Counters = {};
  const days = daysBetween(from, to).map((day) => {
    const counters = items.get(day) ?? {};
    for (const [name, count] of Object.entries(counters)) sum[name] = (sum[name] ?? 0) + count;
    const decided = DECISIONS.reduce(
      (total, decision) => total + (counters[COUNTER.decision(decision)] ?? 0),
      0,
    );
    return {
      day,
      processed: counters[COUNTER.processed] ?? 0,
      passed: counters[COUNTER.passed] ?? 0,
      flagged: counters[COUNTER.flagged] ?? 0,
      failed: counters[COUNTER.failed] ?? 0,
      decided,
    };
  });
  const processed = sum[COUNTER.processed] ?? 0;
  const flagged = sum[COUNTER.flagged] ?? 0;
  const histogram = new Map(
    Object.entries(prefixed(sum, PREFIX.duration)).map(([bucket, count]) => [Number(bucket), count]),
  );
  const decisions = Object.fromEntries(
    DECISIONS.map((decision) => [decision, sum[COUNTER.decision(decision)] ?? 0]),
  ) as Record<Decision, number>;
  return {
    totals: {
      processed,
      passed: sum[COUNTER.passed] ?? 0,
      flagged,
      failed: sum[COUNTER.failed] ?? 0,
      flaggedRate: processed === 0 ? null : flagged / processed,
      flaggedDraftsByCategory: prefixed(sum, PREFIX.category),
      draftsMissingDisclaimer: prefixed(sum, PREFIX.missing),
      draftsWithAlteredDisclaimer: prefixed(sum, PREFIX.altered),
      decisions,
      uploadToDecisionSeconds: {
        decided: Object.values(decisions).reduce((total, count) => total + count, 0),
        median: percentile(histogram, 50),
        p90: percentile(histogram, 90),
      },
    },
    days,
  };
}
