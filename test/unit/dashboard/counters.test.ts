// The dashboard's pure parts: what a result and a decision add, the duration buckets, percentiles, the windows,
// the sort-key ranges, the cursors and the merge of status partitions.
import { describe, expect, it } from 'vitest';
import type { Counters } from '../../../shared/dashboard/counters.js';
import {
  decisionCounters,
  durationBucket,
  percentile,
  resultCounters,
  summarize,
} from '../../../shared/dashboard/counters.js';
import {
  dashboardScope,
  decodeCursor,
  encodeCursor,
  mergeNewestFirst,
  sortKeyRange,
  statsWindow,
} from '../../../shared/dashboard/query.js';
import { buildFailedRecord, buildModeratedRecord } from '../../../shared/pipeline/record.js';
import type { ResultRecord } from '../../../shared/pipeline/record.js';
import { DraftError } from '../../../shared/errors.js';
import { ReviewApiError } from '../../../shared/review/errors.js';
import { draftRef, moderationResult } from '../pipeline/fixtures.js';

const flagged = (): ResultRecord => {
  const result = moderationResult();
  result.disclaimers = [
    { id: 'medical-advice', required: true, status: 'missing', requiredBecause: 'health claims' },
    { id: 'interactions', required: true, status: 'altered', requiredBecause: 'drug interaction' },
    { id: 'affiliate', required: false, status: 'missing', requiredBecause: 'not required' },
  ];
  return buildModeratedRecord(draftRef(), result, '2026-05-04T10:00:01.000Z').record;
};

describe('counters', () => {
  it('counts a flagged draft once per category of its non-low claims and per required disclaimer', () => {
    const record = flagged();
    expect(record.flaggedCategories).toEqual(['disease_claim']);
    expect(resultCounters(record)).toEqual({
      processed: 1,
      flagged: 1,
      'cat#disease_claim': 1,
      'missing#medical-advice': 1,
      'altered#interactions': 1,
    });
  });

  it('counts passed and failed drafts by their verdict, without categories', () => {
    const result = { ...moderationResult(), verdict: 'pass' as const, disclaimers: [] };
    const passed = buildModeratedRecord(draftRef(), result, '2026-05-04T10:00:01.000Z').record;
    expect(resultCounters(passed)).toEqual({ processed: 1, passed: 1 });
    const failed = buildFailedRecord(
      draftRef(),
      new DraftError('empty', 'empty'),
      '2026-05-04T10:00:01.000Z',
    );
    expect(resultCounters(failed)).toEqual({ processed: 1, failed: 1 });
  });

  it('counts a decision with its upload-to-decision bucket, and nothing for an undecided record', () => {
    const record = flagged();
    expect(decisionCounters(record)).toBeUndefined();
    // uploadedAt 2026-05-04T10:00:00.000Z (draftRef): 1 h 2 min 3.9 s later is 3,723 whole seconds.
    const decided = {
      ...record,
      status: 'changes_requested' as const,
      decidedAt: '2026-05-04T11:02:03.900Z',
    };
    expect(decided.uploadedAt).toBe('2026-05-04T10:00:00.000Z');
    expect(decisionCounters(decided)).toEqual({ 'decision#changes_requested': 1, 'dur#3720': 1 });
  });

  it.each([
    [0, 0],
    [59.9, 59],
    [999, 999],
    [1000, 1000],
    [1009, 1000],
    [1010, 1010],
    [9999, 9990],
    [10_000, 10_000],
    [123_456, 123_000],
    [-5, 0],
  ])('puts %s s in the %s s bucket (exact below 1,000 s, then 3 significant digits)', (seconds, bucket) => {
    expect(durationBucket(seconds)).toBe(bucket);
    if (seconds >= 1000) expect((seconds - bucket) / seconds).toBeLessThan(0.01);
  });

  it('takes percentiles by nearest rank', () => {
    const histogram = new Map([
      [5, 1],
      [1, 2],
      [9, 7],
    ]);
    // 1 1 5 9 9 9 9 9 9 9: p50 is the 5th smallest, p90 the 9th; p10 the 1st.
    expect(percentile(histogram, 50)).toBe(9);
    // 1 5 9: the 2nd smallest (ceil(1.5)).
    expect(
      percentile(
        new Map([
          [1, 1],
          [5, 1],
          [9, 1],
        ]),
        50,
      ),
    ).toBe(5);
    expect(percentile(histogram, 10)).toBe(1);
    expect(percentile(histogram, 90)).toBe(9);
    expect(percentile(new Map(), 50)).toBeNull();
    // 10 values 1..10: p90 is the 9th (0.9 · 10 is computed exactly).
    expect(percentile(new Map(Array.from({ length: 10 }, (_, i) => [i + 1, 1])), 90)).toBe(9);
  });

  it('sums the day items of a window into totals and a zero-filled daily series', () => {
    const items = new Map<string, Counters>([
      ['2026-05-01', { processed: 4, passed: 2, flagged: 1, failed: 1, 'cat#disease_claim': 1 }],
      [
        '2026-05-03',
        {
          processed: 1,
          flagged: 1,
          'cat#disease_claim': 1,
          'cat#testimonial': 1,
          'missing#medical-advice': 1,
          'decision#approve': 2,
          'decision#reject': 1,
          'dur#30': 2,
          'dur#1200': 1,
        },
      ],
      // Outside the window: ignored.
      ['2026-05-09', { processed: 100 }],
    ]);
    const { totals, days } = summarize('2026-05-01', '2026-05-03', items);
    expect(totals).toEqual({
      processed: 5,
      passed: 2,
      flagged: 2,
      failed: 1,
      flaggedRate: 0.4,
      flaggedDraftsByCategory: { disease_claim: 2, testimonial: 1 },
      draftsMissingDisclaimer: { 'medical-advice': 1 },
      draftsWithAlteredDisclaimer: {},
      decisions: { approve: 2, reject: 1, changes_requested: 0 },
      uploadToDecisionSeconds: { decided: 3, median: 30, p90: 1200 },
    });
    expect(days.map((day) => [day.day, day.processed, day.decided])).toEqual([
      ['2026-05-01', 4, 0],
      ['2026-05-02', 0, 0],
      ['2026-05-03', 1, 3],
    ]);
    expect(summarize('2026-05-02', '2026-05-02', items).totals.flaggedRate).toBeNull();
  });
});

describe('queries', () => {
  const bad = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof ReviewApiError) return error.status;
      throw error;
    }
    throw new Error('expected a ReviewApiError');
  };

  it('lets reviewers and viewers read everyone or one publisher, and a publisher only itself', () => {
    expect(dashboardScope({ subject: 'v', role: 'viewer' }, undefined)).toBeUndefined();
    expect(dashboardScope({ subject: 'r', role: 'reviewer' }, 'acme')).toBe('acme');
    const publisher = { subject: 'p', role: 'publisher' as const, publisherId: 'acme' };
    expect(dashboardScope(publisher, undefined)).toBe('acme');
    expect(bad(() => dashboardScope(publisher, 'other'))).toBe(403);
  });

  it('defaults the stats window to the last 30 days and refuses reversed or too long windows', () => {
    expect(statsWindow({}, '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(statsWindow({ from: '2025-03-01', to: '2026-03-01' }, '2026-11-26')).toEqual({
      from: '2025-03-01',
      to: '2026-03-01',
    });
    expect(bad(() => statsWindow({ from: '2025-02-28', to: '2026-03-01' }, '2026-11-26'))).toBe(400);
    expect(bad(() => statsWindow({ from: '2026-03-02', to: '2026-03-01' }, '2026-11-26'))).toBe(400);
  });

  it('bounds the sort keys by whole days and ends a later page at its cursor', () => {
    const sk = '2026-05-03T10:00:00.000Z#acme#a.md#v1';
    expect(sortKeyRange({ from: '2026-05-01', to: '2026-05-03' }, undefined)).toEqual({
      lo: '2026-05-01',
      hi: '2026-05-03~',
    });
    expect('2026-05-01' <= sk && sk <= '2026-05-03~').toBe(true);
    expect(sortKeyRange({}, { index: 'byStatus', sk })).toEqual({ lo: '0', hi: sk, exclude: sk });
    expect(sortKeyRange({ from: '2026-05-04' }, { index: 'byStatus', sk })).toBeUndefined();
    expect(bad(() => sortKeyRange({ from: '2026-05-04', to: '2026-05-03' }, undefined))).toBe(400);
  });

  it('round-trips cursors and refuses forged ones or ones made for the other index', () => {
    const cursor = { index: 'byPublisher' as const, sk: '2026-05-03T10:00:00.000Z#a.md#v1' };
    expect(decodeCursor(encodeCursor(cursor), 'byPublisher')).toEqual(cursor);
    expect(bad(() => decodeCursor(encodeCursor(cursor), 'byStatus'))).toBe(400);
    expect(bad(() => decodeCursor('not a cursor', 'byStatus'))).toBe(400);
    expect(
      bad(() => decodeCursor(Buffer.from('{"index":"byStatus"}').toString('base64url'), 'byStatus')),
    ).toBe(400);
  });

  it('merges status partitions newest first, without the cursor row, and says whether more remain', () => {
    const key = (row: string) => row;
    expect(
      mergeNewestFirst(
        [
          ['5', '3', '1'],
          ['4', '2'],
        ],
        key,
        3,
        undefined,
      ),
    ).toEqual({
      page: ['5', '4', '3'],
      more: true,
    });
    expect(mergeNewestFirst([['5', '3'], ['4']], key, 3, '5')).toEqual({ page: ['4', '3'], more: false });
  });
});
