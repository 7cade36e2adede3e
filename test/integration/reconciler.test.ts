// Issue 12, item 3: nothing stranded. On a pipeline of its own (its queues hold only this file's messages): a
// review message deleted by hand is re-enqueued once, an upload without a result is sent again once, a second
// run adds nothing, `claimscan admin redrive` moves dead-lettered messages back, and the dashboard's backlog
// counts each draft once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../cli/admin.js';
import type { LocalPipeline } from '../../local/pipeline.js';
import { startLocalPipeline } from '../../local/pipeline.js';
import { localReconcileDeps } from '../../local/reconciler.js';
import { stateOf, writeState } from '../../local/state.js';
import { DashboardService } from '../../shared/dashboard/service.js';
import { s3Notification } from '../../shared/pipeline/events.js';
import type { ReconcileDeps } from '../../shared/pipeline/reconcile.js';
import { reconcileDrafts, reconcileReviews } from '../../shared/pipeline/reconcile.js';
import { buildReviewMessage, draftPk, ReviewMessage } from '../../shared/pipeline/record.js';
import type { ResultRecord } from '../../shared/pipeline/record.js';
import { QUEUES } from '../../shared/pipeline/resources.js';
import { ReviewQueue } from '../../shared/pipeline/review-queue.js';
import { ResultsStore } from '../../shared/pipeline/store.js';
import { ReviewService } from '../../shared/review/service.js';
import { CLEAN_TEXT, RISKY_TEXT, until } from './support.js';

const PUB = 'reconcile';
const reviewer = { subject: 'local-reviewer', role: 'reviewer' as const };
const otherReviewer = (name: string) => ({ subject: `local-reviewer-${name}`, role: 'reviewer' as const });
let pipeline: LocalPipeline;
let deps: ReconcileDeps;
let store: ResultsStore;

beforeAll(async () => {
  pipeline = await startLocalPipeline({
    appName: 'claimscan-it-reconcile',
    ingestVisibilityTimeoutSeconds: 1,
    maxBatchingWindowMs: 100,
    onError: () => {},
  });
  deps = localReconcileDeps(pipeline, { info: () => {}, warn: () => {} });
  store = new ResultsStore(pipeline.clients.db, pipeline.names.table);
});

afterAll(() => pipeline.stop());

const reviewService = () =>
  new ReviewService({
    ...pipeline.clients,
    tableName: pipeline.names.table,
    reviewQueueUrl: pipeline.queues.review,
    reviewDlqUrl: pipeline.queues.reviewDlq,
    leaseSeconds: 600,
    log: { warn: () => {}, error: () => {} },
  });

async function upload(name: string, text: string): Promise<void> {
  await pipeline.clients.s3.send(
    new PutObjectCommand({ Bucket: pipeline.names.bucket, Key: `drafts/${PUB}/${name}`, Body: text }),
  );
}

const history = (name: string) => store.history(draftPk(PUB, name));

/** Waits for `count` results of the draft, the flagged ones with their review message sent. */
const results = (name: string, count = 1) =>
  until(`${count} result(s) of ${name}`, async () => {
    const records = await history(name);
    const done = records.every((r) => r.status !== 'pending_review' || r.reviewEnqueuedAt !== undefined);
    return records.length >= count && done ? records : undefined;
  });

async function messages(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await pipeline.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

/** Takes the review messages off the queue, as an operator deleting them by hand would; answers their versions. */
async function deleteReviewMessages(): Promise<ReviewMessage[]> {
  const taken: ReviewMessage[] = [];
  for (;;) {
    const { Messages = [] } = await pipeline.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pipeline.queues.review, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return taken;
    for (const message of Messages) {
      taken.push(ReviewMessage.parse(JSON.parse(message.Body ?? '')));
      await pipeline.clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: pipeline.queues.review, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

/**
 * Deletes a result once nothing is in flight, and again if a delivery still in a worker writes it back: with a 1 s
 * visibility a slow batch is delivered again, and the first delivery's delete takes the message off the queue while
 * the second is still being processed.
 */
async function deleteResult(record: ResultRecord): Promise<void> {
  await until('the result deleted for good', async () => {
    await until('an idle ingest queue', async () =>
      (await messages(pipeline.queues.ingest)) === 0 ? true : undefined,
    );
    await pipeline.clients.db.send(
      new DeleteCommand({ TableName: pipeline.names.table, Key: { pk: record.pk, sk: record.sk } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return (await history(record.documentId)).length === 0 ? true : undefined;
  });
}

describe('review messages', () => {
  it('re-enqueues a message deleted by hand once; a second run adds nothing; the draft is then leased', async () => {
    await upload('deleted-message.txt', RISKY_TEXT);
    const [record] = await results('deleted-message.txt');
    expect(record?.status).toBe('pending_review');
    expect((await deleteReviewMessages()).map((message) => message.documentId)).toEqual([
      'deleted-message.txt',
    ]);

    expect(await reconcileReviews(deps)).toMatchObject({ pending: 1, queued: 0, reenqueued: 1 });
    expect(await messages(pipeline.queues.review)).toBe(1);
    expect(await reconcileReviews(deps)).toMatchObject({ pending: 1, queued: 1, reenqueued: 0 });
    expect(await messages(pipeline.queues.review)).toBe(1);
    const [after] = await history('deleted-message.txt');
    expect(after?.reviewEnqueuedAt).not.toBe(record?.reviewEnqueuedAt);

    const leased = await reviewService().next(reviewer);
    expect(leased).toMatchObject({ empty: false, draft: { documentId: 'deleted-message.txt' } });
  });

  it('counts each draft pending review once on the dashboard, waiting and in review', async () => {
    // The draft above is leased (in review); this one waits, with its message sent twice.
    await upload('sent-twice.txt', RISKY_TEXT);
    const [record] = await results('sent-twice.txt');
    if (record === undefined) throw new Error('no result');
    await new ReviewQueue(pipeline.clients.sqs, pipeline.queues.review).send(
      buildReviewMessage(record, pipeline.names.table),
      record,
      'a second send',
    );
    expect(await messages(pipeline.queues.review)).toBe(3);

    const dashboard = new DashboardService({
      ...pipeline.clients,
      tableName: pipeline.names.table,
      reviewQueueUrl: pipeline.queues.review,
    });
    const { backlog } = await dashboard.stats(reviewer, {});
    expect(backlog).toMatchObject({ queued: 1, leased: 1 });
    // The review page's queue line counts the same way (another reviewer's view: the leased draft is not theirs).
    expect((await reviewService().queue(otherReviewer('a'))).queue).toEqual({
      waiting: 1,
      inReviewByOthers: 1,
    });
    // Enough messages for every version: the reconciler does not read the queue, and sends nothing.
    expect(await reconcileReviews(deps)).toMatchObject({ pending: 2, inventoried: false, reenqueued: 0 });
  });

  it('leases a version sent twice once, and drops the second message once it is decided', async () => {
    // sent-twice.txt has two messages (above), in its document's FIFO group; deleted-message.txt is leased.
    const reviews = reviewService();
    const first = await reviews.next(otherReviewer('b'));
    expect(first).toMatchObject({ empty: false, draft: { documentId: 'sent-twice.txt' } });
    if (first.empty) throw new Error('nothing leased');
    // The second message waits behind the leased one: nobody else gets the draft.
    expect(await reviews.next(otherReviewer('c'))).toMatchObject({ empty: true });
    await reviews.decide(
      otherReviewer('b'),
      { documentId: 'sent-twice.txt', version: first.draft.version, publisherId: PUB },
      { leaseId: first.leaseId, decision: 'approve', note: 'Reviewed.' },
    );
    // Now the second comes up: its version is decided, so it is deleted and nothing is leased.
    expect(await reviews.next(otherReviewer('c'))).toMatchObject({ empty: true });
    expect(await messages(pipeline.queues.review)).toBe(1);
    const audit = await reviews.audit(reviewer, {
      documentId: 'sent-twice.txt',
      version: first.draft.version,
      publisherId: PUB,
    });
    expect(audit.entries.map((entry) => entry.decision)).toEqual(['approve']);
  });

  // A thousand receives on the emulator, which answers one every 10 ms at best: seconds, more on a loaded machine.
  it(
    "renews a waiting draft's message near SQS's receive limit instead of letting its look dead-letter it",
    { timeout: 60_000 },
    async () => {
      for (const name of ['worn.txt', 'lost.txt']) await upload(name, `${RISKY_TEXT} (${name})`);
      for (const name of ['worn.txt', 'lost.txt']) await results(name);
      const { sqs } = pipeline.clients;
      const QueueUrl = pipeline.queues.review;
      /**
       * Receives a visible message as a lease or a look does, and lets it go at once (visibility 0 in the receive:
       * the emulator, unlike SQS, counts a ChangeMessageVisibility as a receive too). One message per request: the
       * emulator would fill a larger one with the same message received again and again.
       */
      const receive = async () =>
        (
          await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl,
              MaxNumberOfMessages: 1,
              VisibilityTimeout: 0,
              AttributeNames: ['All'],
            }),
          )
        ).Messages ?? [];
      // lost.txt's message goes, as if deleted by hand: the reconciler then has something to look for.
      await until("lost.txt's message", async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }),
        );
        for (const { Body, ReceiptHandle } of Messages) {
          if (Body?.includes('lost.txt'))
            await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
          else
            await sqs.send(
              new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout: 0 }),
            );
        }
        return Messages.find((message) => message.Body?.includes('lost.txt'));
      });
      // worn.txt's message, received all but once of the queue's maxReceiveCount (leases, the reconciler's looks):
      // in parallel, as the emulator answers a receive every 10 ms at best, then one at a time to the exact count.
      let receives = 0;
      const wear = async (upTo: number) => {
        while (receives < upTo) {
          const worn = (await receive()).find((message) => message.Body?.includes('worn.txt'));
          receives = Math.max(receives, Number(worn?.Attributes?.ApproximateReceiveCount ?? 0));
        }
      };
      const parallel = 8;
      await Promise.all(
        Array.from({ length: parallel }, () => wear(QUEUES.review.maxReceiveCount - 2 * parallel)),
      );
      await wear(QUEUES.review.maxReceiveCount - 1);
      expect(receives).toBe(QUEUES.review.maxReceiveCount - 1);

      // The queue is short of lost.txt's message: the reconciler reads it, its look the 1,000th receive of worn.txt's.
      expect(await reconcileReviews(deps)).toMatchObject({ inventoried: true, reenqueued: 1 });
      expect(await messages(pipeline.queues.reviewDlq)).toBe(0);
      const reviews = reviewService();
      const leased = await Promise.all([reviews.next(otherReviewer('d')), reviews.next(otherReviewer('e'))]);
      expect(leased.map((answer) => (answer.empty ? null : answer.draft.documentId)).sort()).toEqual([
        'lost.txt',
        'worn.txt',
      ]);
    },
  );
});

describe('uploads without a result', () => {
  it('sends the upload event again once, and a run before or after its result adds nothing', async () => {
    await upload('lost-event.txt', CLEAN_TEXT);
    const [record] = await results('lost-event.txt');
    if (record === undefined) throw new Error('no result');
    await deleteResult(record);
    // Uploaded a moment ago: a run with the stack's grace leaves it to its own event.
    expect((await reconcileDrafts(deps)).resent).toBe(0);

    const now = { ...deps, draftGraceSeconds: 0 };
    expect(await reconcileDrafts(now)).toMatchObject({ resent: 1 });
    expect(await reconcileDrafts(now)).toMatchObject({ resent: 0 });
    const [again] = await results('lost-event.txt');
    expect(again).toMatchObject({ status: 'passed', eTag: record.eTag });
    expect(await history('lost-event.txt')).toHaveLength(1);
    expect((await reconcileDrafts(now)).resent).toBe(0);
    // Every other object here has its result: the listing found them and left them alone.
    expect((await reconcileDrafts(now)).checked).toBeGreaterThanOrEqual(3);
  });
});

describe('claimscan admin redrive', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'claimscan-redrive-'));
    writeState(dataDir, stateOf(pipeline));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  async function admin(...args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const code = await runAdmin(['redrive', ...args, '--data-dir', dataDir], { stdout: sink, stderr: sink });
    return { code, out };
  }

  it('moves dead-lettered upload events back; each draft is then processed once', async () => {
    const names = ['dead-1.txt', 'dead-2.txt'];
    for (const name of names) await upload(name, `${CLEAN_TEXT} (${name})`);
    const lost = await Promise.all(
      names.map(async (name) => {
        const [record] = await results(name);
        if (record === undefined) throw new Error('no result');
        return record;
      }),
    );
    await Promise.all(lost.map(deleteResult));
    // Their events, as the ingest queue would have dead-lettered them.
    for (const record of lost) {
      const notification = s3Notification(
        {
          region: pipeline.target.region,
          bucket: pipeline.names.bucket,
          key: record.key,
          ...(record.size !== undefined && { size: record.size }),
          ...(record.eTag !== undefined && { eTag: record.eTag }),
          sequencer: record.sequencer,
          eventTime: record.uploadedAt,
          eventName: 'ObjectCreated:Put',
        },
        { principalId: 'test', requestId: 'test' },
      );
      await pipeline.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: pipeline.queues.ingestDlq,
          MessageBody: JSON.stringify(notification),
        }),
      );
    }

    const { code, out } = await admin('--queue', 'ingest');
    expect(out).toContain('Moved 2 messages back');
    expect(code).toBe(0);
    for (const record of lost) {
      const [again] = await results(record.documentId);
      expect(again).toMatchObject({ sk: record.sk, status: 'passed' });
    }
    await until('the ingest queue to empty', async () =>
      (await messages(pipeline.queues.ingest)) === 0 ? true : undefined,
    );
    for (const record of lost) expect(await history(record.documentId)).toHaveLength(1);
    expect(await messages(pipeline.queues.ingestDlq)).toBe(0);
  });

  it('moves a dead-lettered review message back to the review queue', async () => {
    await upload('dead-review.txt', RISKY_TEXT);
    const [record] = await results('dead-review.txt');
    if (record === undefined) throw new Error('no result');
    const before = await messages(pipeline.queues.review);
    // Take its message off the review queue and dead-letter it, as SQS would.
    const deadLetters = new ReviewQueue(pipeline.clients.sqs, pipeline.queues.reviewDlq);
    const taken = await until('its review message', async () => {
      const { Messages = [] } = await pipeline.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: pipeline.queues.review,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 30,
        }),
      );
      return Messages.find((message) => message.Body?.includes('dead-review.txt'));
    });
    await pipeline.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: pipeline.queues.review, ReceiptHandle: taken.ReceiptHandle }),
    );
    await deadLetters.send(ReviewMessage.parse(JSON.parse(taken.Body ?? '')), record);
    expect(await messages(pipeline.queues.review)).toBe(before - 1);

    const { code, out } = await admin('--queue', 'review');
    expect(out).toContain('Moved 1 message back');
    expect(code).toBe(0);
    expect(await messages(pipeline.queues.review)).toBe(before);
    expect(await messages(pipeline.queues.reviewDlq)).toBe(0);
  });

  it('says so when there is nothing to move, and refuses an unknown queue', async () => {
    expect(await admin('--queue', 'ingest')).toMatchObject({
      code: 0,
      out: expect.stringContaining('nothing to move'),
    });
    expect(await admin('--queue', 'results')).toMatchObject({
      code: 2,
      out: expect.stringContaining('--queue'),
    });
  });
});
