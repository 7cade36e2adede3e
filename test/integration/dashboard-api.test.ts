// Issue 6: the dashboard's API (GET /stats, GET /drafts) on the local pipeline, through the local server.
// Other files share the table: exact numbers are asserted on this file's own publishers only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import { durationBucket } from '../../shared/dashboard/counters.js';
import { DraftListResponse, StatsResponse } from '../../shared/dashboard/model.js';
import type { IndexSummary, ResultRecord } from '../../shared/pipeline/record.js';
import { publisherSk } from '../../shared/pipeline/record.js';
import { DecisionResponse, ErrorBody, NextResponse } from '../../shared/review/model.js';
import type { Decision } from '../../shared/review/model.js';
import {
  callApi,
  CLEAN_TEXT,
  drainReviewQueue,
  latest,
  publisher,
  queryIndex,
  recorded,
  RISKY_TEXT,
  startApi,
  until,
  upload,
} from './support.js';

const PUB_A = publisher('dash-a');
const PUB_B = publisher('dash-b');
/** The 120 drafts paged through: a publisher of their own. */
const PUB_L = publisher('dash-list');

let api: ReviewApiServer;

beforeAll(async () => {
  api = await startApi([
    { name: 'reviewer', role: 'reviewer' },
    { name: 'viewer', role: 'viewer' },
    { name: 'pubA', role: 'publisher', publisherId: PUB_A },
    { name: 'pubB', role: 'publisher', publisherId: PUB_B },
  ]);
});

afterAll(async () => {
  await api.stop();
});

const token = (name: string) => api.tokens[name] ?? '';

const get = (path: string, who: string) => callApi(api, 'GET', path, token(who));

async function stats(query: string, who = 'viewer') {
  const { status, body } = await get(`/stats?${query}`, who);
  expect(status, JSON.stringify(body)).toBe(200);
  return StatsResponse.parse(body);
}

/** Every page of a listing: the rows in order, and how many pages it took. */
async function pages(query: string, who = 'viewer') {
  const rows: IndexSummary[] = [];
  let cursor: string | undefined;
  let count = 0;
  do {
    const { status, body } = await get(
      `/drafts?${query}${cursor === undefined ? '' : `&cursor=${cursor}`}`,
      who,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    const page = DraftListResponse.parse(body);
    rows.push(...page.items);
    cursor = page.nextCursor;
    count++;
  } while (cursor !== undefined);
  return { rows, pages: count };
}

const ids = (rows: IndexSummary[]) =>
  rows.map((row) => `${row.publisherId}/${row.documentId}/${row.version}`);
const today = () => new Date().toISOString().slice(0, 10);

async function decideNext(decision: Decision): Promise<void> {
  const taken = NextResponse.parse((await fetchJson('POST', '/reviews/next')).body);
  if (taken.empty) throw new Error('nothing to review');
  const { publisherId, documentId, version } = taken.draft;
  const path = `/drafts/${encodeURIComponent(documentId)}/versions/${encodeURIComponent(version)}/decision?publisherId=${publisherId}`;
  const decided = await fetchJson('POST', path, { leaseId: taken.leaseId, decision, note: '' });
  expect(decided.status).toBe(200);
  DecisionResponse.parse(decided.body);
}

async function fetchJson(method: string, path: string, body?: unknown) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token('reviewer')}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Nearest rank, on the same whole-second buckets as the counters. */
const nearestRank = (values: number[], percent: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil((percent * values.length) / 100) - 1];

describe('GET /stats', () => {
  it('counts a mixed set of uploads and decisions exactly, per publisher and day', async () => {
    await drainReviewQueue();
    const drafts: Record<string, string | Uint8Array> = {
      'risky-1.md': RISKY_TEXT,
      'risky-2.md': `${RISKY_TEXT} It also treats anxiety.`,
      'risky-3.md': `Our tincture cures insomnia. ${RISKY_TEXT}`,
      'clean-1.md': CLEAN_TEXT,
      'clean-2.md': `${CLEAN_TEXT} Water it weekly.`,
      'empty.md': '',
      'image.txt': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]),
    };
    const from = today();
    await Promise.all(Object.entries(drafts).map(([name, body]) => upload(`drafts/${PUB_A}/${name}`, body)));
    // One draft of another publisher, which must not show in PUB_A's numbers.
    await upload(`drafts/${PUB_B}/clean.md`, CLEAN_TEXT);
    await recorded(PUB_B, 'clean.md');
    const records = await Promise.all(
      Object.keys(drafts).map(async (name) => (await recorded(PUB_A, name))[0] as ResultRecord),
    );
    const statuses = records.map((record) => record.status).sort();
    expect(statuses).toEqual(['failed', 'failed', 'passed', 'passed', ...Array(3).fill('pending_review')]);

    for (const decision of ['approve', 'reject', 'changes_requested'] as const) await decideNext(decision);
    const decided = await Promise.all(
      records
        .filter((record) => record.status === 'pending_review')
        .map(async (record) => (await latest(PUB_A, record.documentId)) as ResultRecord),
    );
    expect(decided.map((record) => record.status).sort()).toEqual([
      'approved',
      'changes_requested',
      'rejected',
    ]);

    // What the counters should say, from the stored records.
    const count = (names: string[]) =>
      names.reduce<Record<string, number>>(
        (counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }),
        {},
      );
    const requiredWith = (status: string) =>
      count(
        records.flatMap((record) =>
          (record.result?.disclaimers ?? [])
            .filter((d) => d.required && d.status === status)
            .map((d) => d.id),
        ),
      );
    const seconds = decided.map((record) =>
      durationBucket((Date.parse(record.decidedAt ?? '') - Date.parse(record.uploadedAt)) / 1000),
    );
    const expectedTotals = {
      processed: 7,
      passed: 2,
      flagged: 3,
      failed: 2,
      flaggedRate: 3 / 7,
      flaggedDraftsByCategory: count(records.flatMap((record) => record.flaggedCategories ?? [])),
      draftsMissingDisclaimer: requiredWith('missing'),
      draftsWithAlteredDisclaimer: requiredWith('altered'),
      decisions: { approve: 1, reject: 1, changes_requested: 1 },
      uploadToDecisionSeconds: {
        decided: 3,
        median: nearestRank(seconds, 50),
        p90: nearestRank(seconds, 90),
      },
    };
    expect(Object.keys(expectedTotals.flaggedDraftsByCategory).length).toBeGreaterThan(0);

    const to = today();
    const window = `from=${from}&to=${to}`;
    const mine = await stats(`${window}&publisherId=${PUB_A}`);
    expect(mine).toMatchObject({ from, to, publisherId: PUB_A, backlog: null });
    expect(mine.totals).toEqual(expectedTotals);
    expect(mine.days.reduce((sum, day) => sum + day.processed, 0)).toBe(7);
    expect(mine.days.reduce((sum, day) => sum + day.decided, 0)).toBe(3);

    // The publisher itself gets the same numbers, without naming itself, and never another publisher's.
    expect((await stats(window, 'pubA')).totals).toEqual(expectedTotals);
    expect((await get(`/stats?${window}&publisherId=${PUB_B}`, 'pubA')).status).toBe(403);
    expect((await stats(window, 'pubB')).totals).toMatchObject({ processed: 1, passed: 1, flagged: 0 });

    // Everyone's: at least these, and the review backlog: every draft pending review (other files leave some), once.
    const everyone = await stats(window, 'reviewer');
    expect(everyone.publisherId).toBeUndefined();
    expect(everyone.totals.processed).toBeGreaterThanOrEqual(8);
    const pending = await queryIndex({
      IndexName: 'byStatus',
      KeyConditionExpression: 'byStatusPk = :pk',
      ExpressionAttributeValues: { ':pk': 'STATUS#pending_review' },
    });
    expect((everyone.backlog?.queued ?? -1) + (everyone.backlog?.leased ?? -1)).toBe(pending.length);
  });

  it('answers 400 with a reason for bad windows', async () => {
    for (const query of [
      'from=2026-13-01',
      'from=2026-05-02&to=2026-05-01',
      'from=2024-01-01&to=2026-01-01',
    ]) {
      const refused = await get(`/stats?${query}`, 'viewer');
      expect(refused.status).toBe(400);
      expect(ErrorBody.parse(refused.body).error.message).not.toBe('');
    }
  });
});

describe('GET /drafts', () => {
  const TOTAL = 120;
  /** Every fifth draft is empty, so recorded `failed`; the others pass. */
  const failing = (i: number) => i % 5 === 0;
  const name = (i: number) => `list-${String(i).padStart(3, '0')}.md`;

  beforeAll(async () => {
    const names = Array.from({ length: TOTAL }, (_, i) => i);
    // Through the pipeline (S3 -> SQS -> function), 8 uploads at a time.
    for (let at = 0; at < names.length; at += 8)
      await Promise.all(
        names
          .slice(at, at + 8)
          .map((i) => upload(`drafts/${PUB_L}/${name(i)}`, failing(i) ? '' : CLEAN_TEXT)),
      );
    await until(
      `${TOTAL} results for ${PUB_L}`,
      async () => {
        const rows = await queryIndex({
          IndexName: 'byPublisher',
          KeyConditionExpression: 'byPublisherPk = :pk',
          ExpressionAttributeValues: { ':pk': `PUB#${PUB_L}` },
        });
        return rows.length === TOTAL ? rows : undefined;
      },
      60_000,
    );
  }, 90_000);

  it("pages through one publisher's 120 drafts newest first, with and without a status, without repeats or gaps", async () => {
    const all = await pages(`publisherId=${PUB_L}&limit=7`);
    expect(all.pages).toBe(Math.ceil(TOTAL / 7));
    expect(new Set(ids(all.rows)).size).toBe(TOTAL);
    expect(all.rows.map((row) => row.documentId).sort()).toEqual(
      Array.from({ length: TOTAL }, (_, i) => name(i)).sort(),
    );
    const keys = all.rows.map((row) => publisherSk(row.uploadedAt, row.documentId, row.version));
    expect(keys).toEqual([...keys].sort().reverse());

    const failed = await pages(`publisherId=${PUB_L}&status=failed&limit=5`);
    expect(failed.rows.map((row) => row.documentId).sort()).toEqual(
      Array.from({ length: TOTAL }, (_, i) => i)
        .filter(failing)
        .map(name)
        .sort(),
    );
    expect(failed.rows.every((row) => row.status === 'failed')).toBe(true);

    // A day with none of them: nothing.
    expect((await pages(`publisherId=${PUB_L}&to=2020-01-01`)).rows).toEqual([]);
  });

  it('merges the status partitions for everyone, and filters by status, without repeats or gaps', async () => {
    const window = `from=${today()}&to=${today()}`;
    for (const query of [`${window}&limit=9`, `${window}&status=passed&limit=11`]) {
      const { rows } = await pages(query);
      expect(new Set(ids(rows)).size).toBe(rows.length);
      const statusKeys = rows.map(
        (row) => `${row.uploadedAt}#${row.publisherId}#${row.documentId}#${row.version}`,
      );
      expect(statusKeys).toEqual([...statusKeys].sort().reverse());
      const ours = rows.filter((row) => row.publisherId === PUB_L);
      const expected = query.includes('status=passed') ? TOTAL - TOTAL / 5 : TOTAL;
      expect(ours).toHaveLength(expected);
    }
  });

  it("never gives a publisher another publisher's draft", async () => {
    const own = await pages('limit=50', 'pubA');
    expect(own.rows.length).toBeGreaterThan(0);
    expect(own.rows.every((row) => row.publisherId === PUB_A)).toBe(true);
    expect((await get(`/drafts?publisherId=${PUB_L}`, 'pubA')).status).toBe(403);
    // A cursor from another listing only moves within the caller's own partition.
    const { body } = await get(`/drafts?publisherId=${PUB_L}&limit=1`, 'viewer');
    const cursor = DraftListResponse.parse(body).nextCursor;
    const replayed = await get(`/drafts?cursor=${cursor}`, 'pubA');
    expect(replayed.status).toBe(200);
    expect(DraftListResponse.parse(replayed.body).items.every((row) => row.publisherId === PUB_A)).toBe(true);
    // Cursors are checked: a forged one is refused.
    expect((await get('/drafts?cursor=bm90LWpzb24', 'viewer')).status).toBe(400);
  });
});
