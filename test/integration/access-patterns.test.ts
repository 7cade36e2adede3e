// Issue 4, point 7: each dashboard access pattern (README, "Results table") is one Query and finds the right drafts.
import { beforeAll, describe, expect, it } from 'vitest';
import { publisherPk, statusPk } from '../../shared/pipeline/record.js';
import { TABLE } from '../../shared/pipeline/resources.js';
import {
  CLEAN_TEXT,
  history,
  latest,
  publisher,
  queryIndex,
  recorded,
  RISKY_TEXT,
  upload,
} from './support.js';

const pub = publisher('dashboard');
let since: string;

beforeAll(async () => {
  since = new Date().toISOString();
  await upload(`drafts/${pub}/a.md`, RISKY_TEXT);
  await recorded(pub, 'a.md');
  await upload(`drafts/${pub}/b.md`, CLEAN_TEXT);
  await recorded(pub, 'b.md');
  await upload(`drafts/${pub}/a.md`, `${RISKY_TEXT} It also cures diabetes.`);
  await recorded(pub, 'a.md', 2);
});

describe('dashboard access patterns', () => {
  it("a draft's latest result and its history", async () => {
    const versions = await history(pub, 'a.md');
    expect(versions).toHaveLength(2);
    expect((versions[0]?.sequencer ?? '') > (versions[1]?.sequencer ?? '')).toBe(true);
    expect(await latest(pub, 'a.md')).toEqual(versions[0]);
  });

  it('drafts by status, by time', async () => {
    const { byStatus } = TABLE.indexes;
    const items = await queryIndex({
      IndexName: byStatus.name,
      KeyConditionExpression: '#pk = :status AND #sk >= :since',
      ExpressionAttributeNames: { '#pk': byStatus.partitionKey, '#sk': byStatus.sortKey },
      ExpressionAttributeValues: { ':status': statusPk('pending_review'), ':since': since },
    });
    // The index is shared with the other tests: only this publisher's drafts are compared.
    const mine = items.filter((item) => item.summary.publisherId === pub);
    expect(mine.map((item) => item.summary.documentId)).toEqual(['a.md', 'a.md']);
    // The projected summary is enough for a list view; the full result stays in the table item.
    expect(mine[0]?.summary).toMatchObject({
      status: 'pending_review',
      verdict: 'review',
      riskScore: expect.any(Number),
    });
    expect(mine[0]?.attributes).not.toContain('result');
  });

  it('drafts by publisher, by time', async () => {
    const { byPublisher } = TABLE.indexes;
    const items = await queryIndex({
      IndexName: byPublisher.name,
      KeyConditionExpression: '#pk = :pub AND #sk >= :since',
      ExpressionAttributeNames: { '#pk': byPublisher.partitionKey, '#sk': byPublisher.sortKey },
      ExpressionAttributeValues: { ':pub': publisherPk(pub), ':since': since },
      ScanIndexForward: false,
    });
    expect(items.map(({ summary }) => [summary.documentId, summary.status])).toEqual([
      ['a.md', 'pending_review'],
      ['b.md', 'passed'],
      ['a.md', 'pending_review'],
    ]);
  });
});
