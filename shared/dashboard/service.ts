// The dashboard's reads (GET /stats, GET /drafts). Every read is a Query whose size depends on the window or
// the page, never on how many results the table holds (README, Dashboards).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { IndexSummary, publisherPk, statusPk } from '../pipeline/record.js';
import type { RecordStatus } from '../pipeline/resources.js';
import { RECORD_STATUSES, TABLE } from '../pipeline/resources.js';
import type { Principal } from '../review/model.js';
import { pendingPartition, pendingReviews } from './backlog.js';
import { summarize, utcDay } from './counters.js';
import type { Backlog, Cursor, DraftListResponse, StatsResponse } from './model.js';
import { DASHBOARD, ListQuery, StatsQuery } from './model.js';
import {
  dashboardScope,
  decodeCursor,
  encodeCursor,
  mergeNewestFirst,
  parseQuery,
  sortKeyRange,
  statsWindow,
} from './query.js';
import { StatsCounters } from './store.js';

export interface DashboardDeps {
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableName: string;
  reviewQueueUrl: string;
  now?: () => Date;
}

type Query = Record<string, string | undefined>;
type Range = NonNullable<ReturnType<typeof sortKeyRange>>;
type Item = Record<string, unknown>;

const { byStatus, byPublisher } = TABLE.indexes;

/** A page, one row to tell whether there are more, and the cursor's row, which is dropped. */
const pageLimit = (size: number, range: Range) => size + 1 + (range.exclude === undefined ? 0 : 1);

export class DashboardService {
  private readonly counters: StatsCounters;
  private readonly now: () => Date;

  constructor(private readonly deps: DashboardDeps) {
    this.counters = new StatsCounters(deps.db, deps.tableName);
    this.now = deps.now ?? (() => new Date());
  }

  /** The window's counters (one Query over its day items) and, for everyone's stats, the review backlog. */
  async stats(principal: Principal, query: Query): Promise<StatsResponse> {
    const request = parseQuery(StatsQuery, query);
    const publisherId = dashboardScope(principal, request.publisherId);
    const now = this.now();
    const { from, to } = statsWindow(request, utcDay(now.toISOString()));
    const [days, backlog] = await Promise.all([
      this.counters.days(publisherId, from, to),
      publisherId === undefined ? this.backlog(now) : null,
    ]);
    return {
      from,
      to,
      ...(publisherId !== undefined && { publisherId }),
      ...summarize(from, to, days),
      backlog,
    };
  }

  /** Newest upload first: one publisher's partition of byPublisher, or the status partitions of byStatus. */
  async list(principal: Principal, query: Query): Promise<DraftListResponse> {
    const request = parseQuery(ListQuery, query);
    const publisherId = dashboardScope(principal, request.publisherId);
    const index: Cursor['index'] = publisherId === undefined ? 'byStatus' : 'byPublisher';
    const cursor = request.cursor === undefined ? undefined : decodeCursor(request.cursor, index);
    const range = sortKeyRange(request, cursor);
    if (range === undefined) return { items: [] };
    const size = request.limit ?? DASHBOARD.defaultPageSize;
    return publisherId === undefined
      ? this.listStatuses(request.status === undefined ? RECORD_STATUSES : [request.status], range, size)
      : this.listPublisher(publisherId, request.status, range, size);
  }

  /**
   * Each status partition's first rows (pageLimit), merged. A draft whose status changes between two pages moves
   * to another partition but keeps its sort key, so the cursor still places it: it is listed once.
   */
  private async listStatuses(statuses: readonly RecordStatus[], range: Range, size: number) {
    const pages = await Promise.all(
      statuses.map((status) =>
        this.indexQuery(byStatus, statusPk(status), range, { Limit: pageLimit(size, range) }),
      ),
    );
    const sortKey = (item: Item) => String(item[byStatus.sortKey]);
    const { page, more } = mergeNewestFirst(
      pages.map(({ Items = [] }) => Items),
      sortKey,
      size,
      range.exclude,
    );
    const last = page.at(-1);
    const hasMore = more || pages.some((result) => result.LastEvaluatedKey !== undefined);
    return this.response(
      page,
      hasMore && last !== undefined ? { index: 'byStatus', sk: sortKey(last) } : undefined,
    );
  }

  /**
   * The publisher's partition, filtered on the status when one is asked for. A rare status may take several
   * Query calls to fill a page; after DASHBOARD.maxItemsRead items the page is cut short, with a cursor at the
   * last item read.
   */
  private async listPublisher(
    publisherId: string,
    status: RecordStatus | undefined,
    range: Range,
    size: number,
  ) {
    const sortKey = (item: Item) => String(item[byPublisher.sortKey]);
    const rows: Item[] = [];
    let read = 0;
    let start: Item | undefined;
    do {
      const page = await this.indexQuery(byPublisher, publisherPk(publisherId), range, {
        Limit:
          status === undefined
            ? pageLimit(size, range)
            : Math.min(4 * pageLimit(size, range), DASHBOARD.maxItemsRead - read),
        ...(status !== undefined && {
          FilterExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
        }),
        ...(start !== undefined && { ExclusiveStartKey: start }),
      });
      read += page.ScannedCount ?? 0;
      rows.push(...(page.Items ?? []).filter((item) => sortKey(item) !== range.exclude));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && rows.length <= size && read < DASHBOARD.maxItemsRead);
    const items = rows.slice(0, size);
    const last = items.at(-1);
    // More rows than the page: continue after its last. Stopped early: continue after the last item read.
    const next =
      rows.length > size && last !== undefined
        ? sortKey(last)
        : start !== undefined
          ? sortKey(start)
          : undefined;
    return this.response(items, next === undefined ? undefined : { index: 'byPublisher', sk: next });
  }

  private response(items: Item[], next: Cursor | undefined): DraftListResponse {
    return {
      items: items.map((item) => IndexSummary.parse(item)),
      ...(next !== undefined && { nextCursor: encodeCursor(next) }),
    };
  }

  private indexQuery(
    index: (typeof TABLE.indexes)[keyof typeof TABLE.indexes],
    pk: string,
    range: Range,
    extra: {
      Limit: number;
      FilterExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, string>;
      ExclusiveStartKey?: Item;
    },
  ): Promise<QueryCommandOutput> {
    return this.deps.db.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        ScanIndexForward: false,
        ...extra,
        ExpressionAttributeNames: {
          '#pk': index.partitionKey,
          '#sk': index.sortKey,
          ...extra.ExpressionAttributeNames,
        },
        ExpressionAttributeValues: {
          ':pk': pk,
          ':lo': range.lo,
          ':hi': range.hi,
          ...extra.ExpressionAttributeValues,
        },
      }),
    );
  }

  /** Drafts waiting for review and in review, each counted once (./backlog.ts), and the oldest pending upload. */
  private async backlog(now: Date): Promise<Backlog> {
    const [{ waiting, inReview }, { Items = [] }] = await Promise.all([
      pendingReviews(this.deps),
      this.deps.db.send(
        new QueryCommand({ ...pendingPartition(this.deps.tableName), ScanIndexForward: true, Limit: 1 }),
      ),
    ]);
    const [oldest] = Items;
    const uploadedAt = oldest === undefined ? undefined : IndexSummary.parse(oldest).uploadedAt;
    return {
      queued: waiting,
      leased: inReview,
      oldestPending:
        uploadedAt === undefined
          ? null
          : {
              uploadedAt,
              ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(uploadedAt)) / 1000)),
            },
    };
  }
}
