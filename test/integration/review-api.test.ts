// Issue 5: the review API (local server, same handlers as the functions) against the local pipeline.
import { randomUUID } from 'node:crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import {
  AuditResponse,
  DecisionResponse,
  DraftResponse,
  ErrorBody,
  NextResponse,
  QueueResponse,
  ReleaseResponse,
} from '../../shared/review/model.js';
import { buildReviewMessage } from '../../shared/pipeline/record.js';
import * as z from '../../shared/zod.js';
import {
  callApi,
  clients,
  drainReviewQueue,
  latest,
  names,
  publisher,
  queryIndex,
  queueDepth,
  queues,
  recorded,
  RISKY_TEXT,
  startApi,
  until,
  upload,
} from './support.js';

/** Short, so an abandoned lease expires within the test. */
const LEASE_SECONDS = 2;
const PUB_A = publisher('review-a');
const PUB_B = publisher('review-b');

let api: ReviewApiServer;

beforeAll(async () => {
  api = await startApi(
    [
      { name: 'reviewer', role: 'reviewer' },
      { name: 'reviewer2', role: 'reviewer' },
      { name: 'reviewer3', role: 'reviewer' },
      { name: 'reviewer4', role: 'reviewer' },
      { name: 'viewer', role: 'viewer' },
      { name: 'pubA', role: 'publisher', publisherId: PUB_A },
      { name: 'pubB', role: 'publisher', publisherId: PUB_B },
    ],
    { leaseSeconds: LEASE_SECONDS },
  );
});

afterAll(async () => {
  await api.stop();
});

// Other files' flagged drafts may still be queued, and a test that failed may leave its own: each test starts
// with an empty review queue, and each test decides every draft it leases.
beforeEach(drainReviewQueue);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const enc = encodeURIComponent;

const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
  callApi(api, method, path, token, body);

const token = (name: string) => api.tokens[name] ?? '';

async function next(who = 'reviewer') {
  const { status, body } = await call('POST', '/reviews/next', token(who));
  expect(status).toBe(200);
  const parsed = NextResponse.parse(body);
  if (parsed.empty) throw new Error('nothing to review');
  return parsed;
}

const decisionPath = (publisherId: string, documentId: string, version: string) =>
  `/drafts/${enc(documentId)}/versions/${enc(version)}/decision?publisherId=${enc(publisherId)}`;
const auditPath = (publisherId: string, documentId: string, version: string) =>
  `/drafts/${enc(documentId)}/versions/${enc(version)}/audit?publisherId=${enc(publisherId)}`;

async function flagged(publisherId: string, documentId: string) {
  await upload(`drafts/${publisherId}/${documentId}`, RISKY_TEXT);
  const [record] = await recorded(publisherId, documentId);
  if (record?.status !== 'pending_review') throw new Error(`${documentId} was not flagged`);
  return record;
}

const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;

type Leased = Extract<NextResponse, { empty: false }>;

/** The holder of each lease approves its draft: how a test that leased drafts leaves the queue. */
async function approveAll(held: ReadonlyArray<readonly [string, Leased]>) {
  for (const [who, lease] of held) {
    const { publisherId, documentId, version } = lease.draft;
    const done = await call('POST', decisionPath(publisherId, documentId, version), token(who), {
      leaseId: lease.leaseId,
      decision: 'approve',
      note: '',
    });
    expect(done.status).toBe(200);
  }
}

describe('review API: next, extend, decide', () => {
  it('leases a flagged draft with its text and claims in context, extends, decides once, and audits it', async () => {
    const documentId = 'health/ünïcode draft #1.md';
    const record = await flagged(PUB_A, documentId);

    const taken = await next();
    expect(taken.draft).toMatchObject({
      publisherId: PUB_A,
      documentId,
      version: record.version,
      status: 'pending_review',
    });
    expect(taken.text).toBe(RISKY_TEXT);
    expect(taken.result.riskScore).toBe(record.riskScore);
    expect(taken.flaggedClaims.length).toBeGreaterThan(0);
    for (const claim of taken.flaggedClaims)
      expect(claim.context.text).toBe(RISKY_TEXT.slice(claim.start, claim.end));

    const extended = await call('POST', `/reviews/${taken.leaseId}/extend`, token('reviewer'));
    expect(extended.status).toBe(200);
    expect(
      z.object({ leaseExpiresAt: z.string() }).parse(extended.body).leaseExpiresAt >= taken.leaseExpiresAt,
    ).toBe(true);

    const claimId = taken.flaggedClaims[0]?.id ?? '';
    const decision = {
      leaseId: taken.leaseId,
      decision: 'changes_requested',
      note: 'Remove the cure claim.',
      claimNotes: [{ claimId, note: 'disease claim' }],
    };
    const decided = await call(
      'POST',
      decisionPath(PUB_A, documentId, record.version),
      token('reviewer'),
      decision,
    );
    expect(decided.status).toBe(200);
    const { draft, audit } = DecisionResponse.parse(decided.body);
    expect(draft).toMatchObject({ status: 'changes_requested', decidedBy: 'local-reviewer' });
    expect(audit).toMatchObject({
      by: 'local-reviewer',
      decision: 'changes_requested',
      status: 'changes_requested',
      note: 'Remove the cure claim.',
      claimNotes: [{ claimId, note: 'disease claim' }],
      policyVersion: record.policyVersion,
      riskScore: record.riskScore,
    });

    // A second decision on the same (now used) lease: 409 with the current state; nothing overwritten.
    const again = await call('POST', decisionPath(PUB_A, documentId, record.version), token('reviewer'), {
      ...decision,
      decision: 'approve',
    });
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(again.body).error.details).toMatchObject({
      current: { status: 'changes_requested' },
    });

    const trail = await call('GET', auditPath(PUB_A, documentId, record.version), token('viewer'));
    expect(trail.status).toBe(200);
    expect(AuditResponse.parse(trail.body).entries).toEqual([audit]);

    // Audit items live in the draft's partition but are neither its latest result nor its history.
    const read = await call('GET', `/drafts/${enc(documentId)}?publisherId=${enc(PUB_A)}`, token('reviewer'));
    expect(read.status).toBe(200);
    const { latest: newest, history } = DraftResponse.parse(read.body);
    expect(newest).toMatchObject({ version: record.version, status: 'changes_requested' });
    expect(history).toHaveLength(1);
    expect((await latest(PUB_A, documentId))?.status).toBe('changes_requested');
    const byStatus = await queryIndex({
      IndexName: 'byStatus',
      KeyConditionExpression: 'byStatusPk = :s',
      ExpressionAttributeValues: { ':s': 'STATUS#changes_requested' },
    });
    expect(
      byStatus.some(({ summary }) => summary.documentId === documentId && summary.publisherId === PUB_A),
    ).toBe(true);

    // The message was deleted: nothing left to review.
    expect(await queueDepth(queues.review)).toEqual({ visible: 0, inFlight: 0 });
    expect(NextResponse.parse((await call('POST', '/reviews/next', token('reviewer'))).body)).toEqual({
      empty: true,
      queue: { waiting: 0, inReviewByOthers: 0 },
    });
  });

  it('drops a message whose version was already decided (a decision whose delete failed)', async () => {
    const record = await flagged(PUB_A, 'decided.md');
    const taken = await next();
    const path = decisionPath(PUB_A, 'decided.md', record.version);
    const body = { leaseId: taken.leaseId, decision: 'approve', note: '' };
    expect((await call('POST', path, token('reviewer'), body)).status).toBe(200);
    // The same review message again, as if the decision's DeleteMessage had failed.
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.review,
        MessageBody: JSON.stringify(buildReviewMessage(record, names.table)),
        MessageGroupId: randomUUID(),
        MessageDeduplicationId: randomUUID(),
      }),
    );
    expect(NextResponse.parse((await call('POST', '/reviews/next', token('reviewer'))).body)).toMatchObject({
      empty: true,
    });
    expect(await queueDepth(queues.review)).toEqual({ visible: 0, inFlight: 0 });
    expect((await latest(PUB_A, 'decided.md'))?.status).toBe('approved');
  });

  it('never gives two concurrent reviewers the same draft', async () => {
    const records = await Promise.all(['c1.md', 'c2.md', 'c3.md'].map((doc) => flagged(PUB_A, doc)));
    const reviewers = ['reviewer', 'reviewer2', 'reviewer3', 'reviewer4'];
    const taken = await Promise.all(reviewers.map((who) => call('POST', '/reviews/next', token(who))));
    const drafts = taken.map(({ body }) => NextResponse.parse(body)).flatMap((r) => (r.empty ? [] : [r]));
    expect(drafts).toHaveLength(3);
    expect(new Set(drafts.map((d) => d.draft.documentId))).toEqual(new Set(records.map((r) => r.documentId)));
    // Clean up: each holder approves its own.
    await approveAll(
      taken.flatMap((result, i) => {
        const parsed = NextResponse.parse(result.body);
        return parsed.empty ? [] : [[reviewers[i] ?? '', parsed] as const];
      }),
    );
  });

  it('returns an abandoned draft to the queue when its lease expires; the stale lease can neither extend nor decide', async () => {
    const record = await flagged(PUB_A, 'expiring.md');
    const first = await next('reviewer');
    expect(first.draft.documentId).toBe('expiring.md');
    await sleep(LEASE_SECONDS * 1000 + 500);
    const second = await next('reviewer2');
    expect(second.draft).toMatchObject({ documentId: 'expiring.md', version: record.version });
    expect(second.leaseId).not.toBe(first.leaseId);

    const path = decisionPath(PUB_A, 'expiring.md', record.version);
    const stale = await call('POST', path, token('reviewer'), {
      leaseId: first.leaseId,
      decision: 'approve',
      note: 'late',
    });
    expect(stale.status).toBe(409);
    expect(ErrorBody.parse(stale.body).error.details).toMatchObject({
      current: { status: 'pending_review' },
    });
    expect((await call('POST', `/reviews/${first.leaseId}/extend`, token('reviewer'))).status).toBe(409);

    const fresh = await call('POST', path, token('reviewer2'), {
      leaseId: second.leaseId,
      decision: 'reject',
      note: 'no',
    });
    expect(fresh.status).toBe(200);
    const trail = AuditResponse.parse(
      (await call('GET', auditPath(PUB_A, 'expiring.md', record.version), token('reviewer'))).body,
    );
    expect(trail.entries.map((e) => [e.by, e.decision])).toEqual([['local-reviewer2', 'reject']]);
  });
});

describe("review API: a reviewer's day (reload, release, skip, the queue's size)", () => {
  const queueState = async (who: string) => {
    const { status, body } = await call('GET', '/reviews/queue', token(who));
    expect(status).toBe(200);
    return QueueResponse.parse(body);
  };

  it('gives a reviewer its own live lease back before a new one: a reload loses nothing', async () => {
    await flagged(PUB_A, 'held-1.md');
    await flagged(PUB_A, 'held-2.md');
    expect(await queueState('reviewer')).toEqual({ queue: { waiting: 2, inReviewByOthers: 0 }, held: null });

    const first = await next('reviewer');
    expect(first.resumed).toBe(false);
    expect(first.queue).toEqual({ waiting: 1, inReviewByOthers: 0 });
    // The page reloads: the queue route names the held draft, and `next` answers the same lease again.
    expect(await queueState('reviewer')).toMatchObject({
      queue: { waiting: 1, inReviewByOthers: 0 },
      held: { draft: { documentId: first.draft.documentId }, leaseExpiresAt: first.leaseExpiresAt },
    });
    const again = await next('reviewer');
    expect(again).toMatchObject({
      resumed: true,
      leaseId: first.leaseId,
      leaseExpiresAt: first.leaseExpiresAt,
    });
    expect(again.draft.documentId).toBe(first.draft.documentId);
    // Another reviewer sees it in review, and takes the other draft.
    expect((await queueState('reviewer2')).queue).toEqual({ waiting: 1, inReviewByOthers: 1 });
    const other = await next('reviewer2');
    expect(other.draft.documentId).not.toBe(first.draft.documentId);
    await approveAll([
      ['reviewer', first],
      ['reviewer2', other],
    ]);
    // Decided: nothing held any more.
    expect(await queueState('reviewer')).toEqual({ queue: { waiting: 0, inReviewByOthers: 0 }, held: null });
  });

  it('releases a lease back to the queue at once; the released lease can then do nothing', async () => {
    const record = await flagged(PUB_A, 'released.md');
    const taken = await next('reviewer');
    const released = await call('POST', `/reviews/${taken.leaseId}/release`, token('reviewer'));
    expect(released.status).toBe(200);
    expect(ReleaseResponse.parse(released.body).draft).toMatchObject({
      documentId: 'released.md',
      status: 'pending_review',
    });
    expect(ReleaseResponse.parse(released.body).draft.leaseExpiresAt).toBeUndefined();
    expect(await queueDepth(queues.review)).toEqual({ visible: 1, inFlight: 0 });
    // Not the releaser's any more: another reviewer gets it now, not in 15 minutes.
    const theirs = await next('reviewer2');
    expect(theirs.draft).toMatchObject({ documentId: 'released.md', version: record.version });
    for (const route of ['release', 'extend'])
      expect((await call('POST', `/reviews/${taken.leaseId}/${route}`, token('reviewer'))).status).toBe(409);
    // Only its holder may release it.
    expect((await call('POST', `/reviews/${theirs.leaseId}/release`, token('reviewer'))).status).toBe(409);
    expect(theirs.draft.version).toBe(record.version);
    await approveAll([['reviewer2', theirs]]);
  });

  it('skips to another draft and hands the skipped one back; with nothing else waiting, answers empty', async () => {
    await flagged(PUB_A, 'skip-1.md');
    await flagged(PUB_A, 'skip-2.md');
    const first = await next('reviewer');
    const skipped = await call('POST', '/reviews/next', token('reviewer'), { skip: first.leaseId });
    const second = NextResponse.parse(skipped.body);
    if (second.empty) throw new Error('the other draft should be leased');
    expect(second.resumed).toBe(false);
    expect(second.draft.documentId).not.toBe(first.draft.documentId);
    // The skipped draft is back for anyone, at once (the emulator makes it visible on its next tick).
    await until('the skipped draft waiting', async () =>
      (await queueState('reviewer')).queue.waiting === 1 ? true : undefined,
    );
    const theirs = await next('reviewer2');
    expect(theirs.draft.documentId).toBe(first.draft.documentId);
    // Skipping the last one: nothing else to take, and it goes back too.
    const last = NextResponse.parse(
      (await call('POST', '/reviews/next', token('reviewer'), { skip: second.leaseId })).body,
    );
    expect(last).toMatchObject({ empty: true });
    await until('the last skipped draft waiting', async () => {
      const { queue } = await queueState('reviewer');
      return queue.waiting === 1 && queue.inReviewByOthers === 1 ? true : undefined;
    });
    const back = await next('reviewer');
    expect(back.draft.documentId).toBe(second.draft.documentId);
    await approveAll([
      ['reviewer2', theirs],
      ['reviewer', back],
    ]);
  });
});

describe('review API: leases and poison messages told apart (issue 11)', () => {
  let quick: ReviewApiServer;
  beforeAll(async () => {
    quick = await startApi([{ name: 'reviewer', role: 'reviewer' }], { leaseSeconds: 1 });
  });
  afterAll(() => quick.stop());
  const quickNext = async () =>
    NextResponse.parse((await callApi(quick, 'POST', '/reviews/next', quick.tokens.reviewer)).body);

  it(
    'six abandoned leases never dead-letter a draft: it is still reviewable',
    { timeout: 30_000 },
    async () => {
      const record = await flagged(PUB_A, 'abandoned.md');
      for (let abandoned = 0; abandoned < 6; abandoned++) {
        const taken = await until('the draft back in the queue', async () => {
          const answer = await quickNext();
          return answer.empty ? undefined : answer;
        });
        expect(taken.draft.documentId).toBe('abandoned.md');
        await sleep(1_100);
      }
      expect(await queueDepth(queues.reviewDlq)).toEqual({ visible: 0, inFlight: 0 });
      const seventh = await until('the draft back in the queue', async () => {
        const answer = await quickNext();
        return answer.empty ? undefined : answer;
      });
      const done = await callApi(
        quick,
        'POST',
        decisionPath(PUB_A, 'abandoned.md', record.version),
        quick.tokens.reviewer,
        {
          leaseId: seventh.leaseId,
          decision: 'approve',
          note: '',
        },
      );
      expect(done.status).toBe(200);
    },
  );

  it('moves a message no reviewer can use to the DLQ at once, and goes on to the next draft', async () => {
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.review,
        MessageBody: '{"not":"a review message"}',
        MessageGroupId: randomUUID(),
        MessageDeduplicationId: randomUUID(),
      }),
    );
    const record = await flagged(PUB_A, 'after-poison.md');
    const taken = await next('reviewer');
    expect(taken.draft.documentId).toBe('after-poison.md');
    expect(await queueDepth(queues.reviewDlq)).toEqual({ visible: 1, inFlight: 0 });
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.reviewDlq, MessageAttributeNames: ['All'] }),
    );
    expect(Messages[0]?.Body).toBe('{"not":"a review message"}');
    expect(Messages[0]?.MessageAttributes?.reason?.StringValue).toMatch(/^invalid review message/);
    await clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queues.reviewDlq, ReceiptHandle: Messages[0]?.ReceiptHandle }),
    );
    expect(taken.draft.version).toBe(record.version);
    await approveAll([['reviewer', taken]]);
  });
});

describe('review API: roles', () => {
  it('refuses missing tokens, viewers deciding and publishers reading others, and writes nothing when it refuses', async () => {
    const record = await flagged(PUB_A, 'roles.md');
    const other = await flagged(PUB_B, 'theirs.md');

    // No token or an unknown one: 401, before any handler.
    for (const auth of [undefined, 'not-a-token']) {
      expect((await call('POST', '/reviews/next', auth)).status).toBe(401);
      expect((await call('GET', `/drafts/roles.md?publisherId=${PUB_A}`, auth)).status).toBe(401);
    }
    // Viewers and publishers never take drafts.
    for (const who of ['viewer', 'pubA']) {
      const refused = await call('POST', '/reviews/next', token(who));
      expect(refused.status).toBe(403);
      expect(errorCode(refused.body)).toBe('forbidden');
    }
    expect(await queueDepth(queues.review)).toEqual({ visible: 2, inFlight: 0 });

    // A reviewer holds one draft at a time (a second `next` resumes it): one each.
    const leases = [await next('reviewer'), await next('reviewer2')];
    const holders = leases.map((lease, i) => ({ ...lease, holder: i === 0 ? 'reviewer' : 'reviewer2' }));
    const mine = holders.find((lease) => lease.draft.publisherId === PUB_A);
    const theirs = holders.find((lease) => lease.draft.publisherId === PUB_B);
    if (mine === undefined || theirs === undefined) throw new Error('both drafts should be leased');
    const path = decisionPath(PUB_A, 'roles.md', record.version);
    const before = await latest(PUB_A, 'roles.md');
    for (const who of ['viewer', 'pubA']) {
      const refused = await call('POST', path, token(who), {
        leaseId: mine.leaseId,
        decision: 'approve',
        note: 'x',
      });
      expect(refused.status).toBe(403);
    }
    const unchanged = await latest(PUB_A, 'roles.md');
    expect(unchanged).toEqual(before);
    expect(unchanged).toMatchObject({ status: 'pending_review', leaseHolder: `local-${mine.holder}` });
    expect(
      AuditResponse.parse(
        (await call('GET', auditPath(PUB_A, 'roles.md', record.version), token('viewer'))).body,
      ).entries,
    ).toEqual([]);

    // Publishers read their own drafts only; viewers and reviewers name the publisher.
    expect((await call('GET', '/drafts/roles.md', token('pubA'))).status).toBe(200);
    expect((await call('GET', `/drafts/theirs.md?publisherId=${PUB_B}`, token('pubA'))).status).toBe(403);
    expect((await call('GET', '/drafts/theirs.md', token('pubA'))).status).toBe(404);
    expect((await call('GET', auditPath(PUB_B, 'theirs.md', other.version), token('pubA'))).status).toBe(403);
    expect((await call('GET', '/drafts/theirs.md', token('pubB'))).status).toBe(200);
    expect((await call('GET', `/drafts/theirs.md?publisherId=${PUB_B}`, token('viewer'))).status).toBe(200);
    expect((await call('GET', '/drafts/theirs.md', token('viewer'))).status).toBe(400);

    // Every body is validated; errors are JSON with a code and never a stack trace.
    for (const body of [
      '{',
      { leaseId: mine.leaseId, decision: 'maybe', note: '' },
      { decision: 'approve', note: '' },
    ]) {
      const bad = await call('POST', path, token('reviewer'), body);
      expect(bad.status).toBe(400);
      expect(errorCode(bad.body)).toBe('bad_request');
      expect(JSON.stringify(bad.body)).not.toMatch(/\.ts:\d+|at .*\(/);
    }
    expect((await call('POST', '/reviews/bogus/extend', token('reviewer'))).status).toBe(400);
    expect((await call('GET', '/nowhere', token('reviewer'))).status).toBe(404);

    // Each holder decides its own, which leaves the queue empty.
    const ok = await call('POST', path, token(mine.holder), {
      leaseId: mine.leaseId,
      decision: 'approve',
      note: 'fine',
    });
    expect(ok.status).toBe(200);
    const rejected = await call(
      'POST',
      decisionPath(PUB_B, 'theirs.md', other.version),
      token(theirs.holder),
      {
        leaseId: theirs.leaseId,
        decision: 'reject',
        note: '',
      },
    );
    expect(rejected.status).toBe(200);
    expect(await queueDepth(queues.review)).toEqual({ visible: 0, inFlight: 0 });
  });
});
