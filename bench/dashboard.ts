// Dashboard bench (issue 6): GET /stats and GET /drafts through the local review API server (the routes'
// handlers in-process, over HTTP) on dynalite, with 1,000 then 10,000 results in the table. Records and their
// counter items are written directly (BatchWriteItem), as the pipeline would have left them. Reports latency
// and the index or counter items each request read (the Queries' ScannedCount), which must not grow with the
// table for a fixed window. No target: local figures. `tsx bench/dashboard.ts` runs this section alone and
// merges it into bench/results.json.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startEmulators } from '../local/emulators.js';
import { startReviewApiServer } from '../local/review-api.js';
import { createLocalResources, localNames } from '../local/resources.js';
import { CLAIM_CATEGORIES } from '../shared/contract.js';
import type { Counters } from '../shared/dashboard/counters.js';
import { decisionCounters, resultCounters, utcDay } from '../shared/dashboard/counters.js';
import { DraftListResponse, StatsResponse } from '../shared/dashboard/model.js';
import { statsPk, statsSk } from '../shared/dashboard/store.js';
import { createAwsClients } from '../shared/pipeline/config.js';
import type { ResultRecord } from '../shared/pipeline/record.js';
import {
  draftPk,
  publisherPk,
  publisherSk,
  statusPk,
  statusSk,
  versionSk,
} from '../shared/pipeline/record.js';
import type { RecordStatus } from '../shared/pipeline/resources.js';

export const DASHBOARD_BENCH = {
  sizes: [1_000, 10_000],
  publishers: 20,
  /** Uploads spread over this many days before the run, so a 30-day window holds a third of them. */
  spreadDays: 90,
  windowDays: 30,
  warmup: 20,
  requests: 200,
  /** The deep page: this many pages in (25 rows each). */
  deepPage: 20,
} as const;

const DAY_MS = 86_400_000;
const STATUSES: RecordStatus[] = [
  'passed',
  'passed',
  'passed',
  'pending_review',
  'approved',
  'rejected',
  'failed',
];

interface Latency {
  p50Ms: number;
  p99Ms: number;
  /** Index or counter items the request's Queries read (ScannedCount), per request. */
  itemsRead: number;
}

export interface DashboardBenchResult {
  settings: typeof DASHBOARD_BENCH;
  bySize: Record<string, { stats30Days: Latency; draftsFirstPage: Latency; draftsDeepPage: Latency }>;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/** The i-th result: deterministic, spread over publishers, statuses and days. */
function record(i: number, now: number, bucket: string): ResultRecord {
  const publisherId = `bench-${i % DASHBOARD_BENCH.publishers}`;
  const documentId = `doc-${i}.md`;
  const version = 'v1';
  const sequencer = i.toString(16).padStart(16, '0');
  const uploaded = now - ((i * 7_919_003) % (DASHBOARD_BENCH.spreadDays * DAY_MS));
  const uploadedAt = new Date(uploaded).toISOString();
  const status = STATUSES[i % STATUSES.length] ?? 'passed';
  const flagged = ['pending_review', 'approved', 'rejected'].includes(status);
  return {
    pk: draftPk(publisherId, documentId),
    sk: versionSk(sequencer, version),
    byStatusPk: statusPk(status),
    byStatusSk: statusSk(uploadedAt, publisherId, documentId, version),
    byPublisherPk: publisherPk(publisherId),
    byPublisherSk: publisherSk(uploadedAt, documentId, version),
    publisherId,
    documentId,
    version,
    sequencer,
    bucket,
    key: `drafts/${publisherId}/${documentId}`,
    uploadedAt,
    processedAt: new Date(uploaded + 2_000).toISOString(),
    status,
    ...(status === 'failed'
      ? { failure: { code: 'empty' as const, message: 'empty' } }
      : { verdict: flagged ? ('review' as const) : ('pass' as const), riskScore: flagged ? 70 : 10 }),
    ...(flagged && {
      flaggedCategories: [CLAIM_CATEGORIES[i % CLAIM_CATEGORIES.length] ?? 'general_health'],
    }),
    ...((status === 'approved' || status === 'rejected') && {
      decidedAt: new Date(uploaded + 60_000 + (i % 5_000) * 1_000).toISOString(),
    }),
    countedAt: new Date(uploaded + 3_000).toISOString(),
  };
}

function addTo(days: Map<string, Counters>, key: string, counters: Counters | undefined) {
  if (counters === undefined) return;
  const day = days.get(key) ?? {};
  for (const [name, count] of Object.entries(counters)) day[name] = (day[name] ?? 0) + count;
  days.set(key, day);
}

async function timed(count: number, run: () => Promise<number>, reads: { count: number }): Promise<Latency> {
  for (let i = 0; i < DASHBOARD_BENCH.warmup; i++) await run();
  reads.count = 0;
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await run());
  times.sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    itemsRead: round(reads.count / count, 1),
  };
}

export async function measureDashboard(): Promise<DashboardBenchResult> {
  const names = localNames('claimscan-bench');
  const emulators = await startEmulators();
  const clients = createAwsClients(emulators.target);
  // Every Query's ScannedCount, through the server's own client.
  const reads = { count: 0 };
  clients.db.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      reads.count += (result.output as { ScannedCount?: number }).ScannedCount ?? 0;
      return result;
    },
    { step: 'initialize', name: 'countItemsRead' },
  );
  try {
    const { queues } = await createLocalResources(clients, names);
    const api = await startReviewApiServer({
      clients,
      tableName: names.table,
      reviewQueueUrl: queues.review,
      principals: [{ name: 'viewer', role: 'viewer' }],
    });
    const now = Date.now();
    const to = utcDay(new Date(now).toISOString());
    const from = utcDay(new Date(now - (DASHBOARD_BENCH.windowDays - 1) * DAY_MS).toISOString());
    const get = async (path: string) => {
      const started = performance.now();
      const response = await fetch(`${api.url}${path}`, {
        headers: { authorization: `Bearer ${api.tokens.viewer}` },
      });
      const body = (await response.json()) as unknown;
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, body };
    };

    const counters = new Map<string, Counters>();
    const bySize: DashboardBenchResult['bySize'] = {};
    let written = 0;
    try {
      for (const size of DASHBOARD_BENCH.sizes) {
        const records = Array.from({ length: size - written }, (_, i) =>
          record(written + i, now, names.bucket),
        );
        for (let at = 0; at < records.length; at += 25)
          await clients.db.send(
            new BatchWriteCommand({
              RequestItems: {
                [names.table]: records.slice(at, at + 25).map((item) => ({ PutRequest: { Item: item } })),
              },
            }),
          );
        for (const item of records)
          for (const scope of [undefined, item.publisherId]) {
            addTo(counters, `${statsPk(scope)}|${utcDay(item.processedAt)}`, resultCounters(item));
            if (item.decidedAt !== undefined)
              addTo(counters, `${statsPk(scope)}|${utcDay(item.decidedAt)}`, decisionCounters(item));
          }
        // The counter items as the ADDs would have left them.
        for (const [key, day] of counters) {
          const [pk = '', dayKey = ''] = key.split('|');
          await clients.db.send(
            new PutCommand({ TableName: names.table, Item: { pk, sk: statsSk(dayKey), ...day } }),
          );
        }
        written = size;

        const stats = () => get(`/stats?from=${from}&to=${to}`);
        StatsResponse.parse((await stats()).body);
        let cursor: string | undefined;
        for (let page = 0; page < DASHBOARD_BENCH.deepPage; page++) {
          const next: string | undefined = DraftListResponse.parse(
            (await get(`/drafts?limit=25${cursor === undefined ? '' : `&cursor=${cursor}`}`)).body,
          ).nextCursor;
          if (next === undefined) throw new Error('fewer rows than the deep page');
          cursor = next;
        }
        bySize[String(size)] = {
          stats30Days: await timed(DASHBOARD_BENCH.requests, async () => (await stats()).ms, reads),
          draftsFirstPage: await timed(
            DASHBOARD_BENCH.requests,
            async () => (await get('/drafts?limit=25')).ms,
            reads,
          ),
          draftsDeepPage: await timed(
            DASHBOARD_BENCH.requests,
            async () => (await get(`/drafts?limit=25&cursor=${cursor}`)).ms,
            reads,
          ),
        };
      }
    } finally {
      await api.stop();
    }
    return { settings: DASHBOARD_BENCH, bySize };
  } finally {
    await emulators.stop();
  }
}

export function dashboardLines(result: DashboardBenchResult | { error: string }): string[] {
  if ('error' in result)
    return ['  FAILED (no figures):', ...result.error.split('\n').map((line) => `    ${line}`)];
  const lines = [
    `  ${'results'.padEnd(9)}${'request'.padEnd(30)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'items read'.padStart(12)}`,
  ];
  for (const [size, figures] of Object.entries(result.bySize))
    for (const [label, latency] of [
      [`/stats, ${result.settings.windowDays} days`, figures.stats30Days],
      ['/drafts, first page (25)', figures.draftsFirstPage],
      [`/drafts, page ${result.settings.deepPage + 1}`, figures.draftsDeepPage],
    ] as const)
      lines.push(
        `  ${size.padEnd(9)}${label.padEnd(30)}${latency.p50Ms.toFixed(2).padStart(8)}${latency.p99Ms.toFixed(2).padStart(8)}${String(latency.itemsRead).padStart(12)}`,
      );
  lines.push('  no target; items read per request must not grow with the table (README, Dashboards)');
  return lines;
}

// `tsx bench/dashboard.ts`: this section alone, merged into bench/results.json.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = fileURLToPath(new URL('results.json', import.meta.url));
  const dashboard = await measureDashboard();
  const previous = JSON.parse(await readFile(results, 'utf8')) as Record<string, unknown>;
  await writeFile(results, `${JSON.stringify({ ...previous, dashboard }, null, 2)}\n`);
  console.log(['Dashboard (local review API on dynalite)', ...dashboardLines(dashboard)].join('\n'));
}
