// Issue 4, points 3, 4 and 6: versions and "latest", review messages, results too large for an item.
import { describe, expect, it } from 'vitest';
import { ModerationResult } from '../../shared/contract.js';
import { buildReviewMessage } from '../../shared/pipeline/record.js';
import {
  CLEAN_TEXT,
  ingestIdle,
  latest,
  names,
  notificationFor,
  publisher,
  readObject,
  recorded,
  reviewMessagesFor,
  RISKY_TEXT,
  sendToIngest,
  upload,
} from './support.js';

describe('versions', () => {
  it('keeps every version, answers "latest" with the newest, and a late older event changes nothing', async () => {
    const pub = publisher('versions');
    const v1 = await upload(`drafts/${pub}/post.md`, CLEAN_TEXT);
    await recorded(pub, 'post.md');
    const v2 = await upload(`drafts/${pub}/post.md`, RISKY_TEXT);
    const [newest, oldest] = await recorded(pub, 'post.md', 2);
    expect(newest).toMatchObject({ version: v2, status: 'pending_review' });
    expect(oldest).toMatchObject({ version: v1, status: 'passed' });
    expect((await latest(pub, 'post.md'))?.version).toBe(v2);

    // An event for a version between the two, arriving only now: its object was already replaced, so S3
    // answers 412 to the function's If-Match read and it is recorded as gone, under its own older sort key.
    if (newest === undefined || oldest === undefined) throw new Error('no records');
    const between = (BigInt(`0x${oldest.sequencer}`) + 1n).toString(16).toUpperCase();
    await sendToIngest(
      notificationFor({ ...oldest, eTag: '0123456789abcdef0123456789abcdef', sequencer: between }),
    );
    const all = await recorded(pub, 'post.md', 3);
    expect(all[1]).toMatchObject({ status: 'failed', failure: { code: 'not_found' } });
    expect(await latest(pub, 'post.md')).toEqual(newest);
  });
});

describe('review messages', () => {
  it('sends one message for a risky draft, matching its record, and none for a clean one', async () => {
    const pub = publisher('reviews');
    await upload(`drafts/${pub}/risky.md`, RISKY_TEXT);
    await upload(`drafts/${pub}/clean.md`, CLEAN_TEXT);
    const [risky] = await recorded(pub, 'risky.md');
    const [clean] = await recorded(pub, 'clean.md');
    await ingestIdle();
    expect(clean?.status).toBe('passed');
    if (risky === undefined) throw new Error('no record');
    const messages = await reviewMessagesFor(pub);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual(buildReviewMessage(risky, names.table));
    expect(messages[0]).toMatchObject({
      documentId: 'risky.md',
      version: risky.version,
      riskScore: risky.riskScore,
      result: { pk: risky.pk, sk: risky.sk },
    });
  });
});

describe('results too large for an item', () => {
  it('stores the claims in reports/ and reads the full result back', async () => {
    const pub = publisher('overflow');
    const text = Array.from({ length: 1_000 }, (_, i) => `Magnesium cures depression in ${i} days.`).join(
      ' ',
    );
    await upload(`drafts/${pub}/long.md`, text);
    const [record] = await recorded(pub, 'long.md');
    expect(record?.reportKey).toBe(`reports/${pub}/long.md/${record?.version}.json`);
    expect(record?.result?.claims).toBeUndefined();
    const full = ModerationResult.parse(JSON.parse(await readObject(record?.reportKey ?? '')));
    expect(full.claims).toHaveLength(1_000);
    expect(full.riskScore).toBe(record?.riskScore);
  });
});
