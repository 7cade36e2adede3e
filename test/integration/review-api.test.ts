// Issue 5: the review API (local server, same handlers as the functions) against the local pipeline.
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import {
  AuditResponse,
  DecisionResponse,
  DraftResponse,
  ErrorBody,
  NextResponse,
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
    expect(NextResponse.parse((await call('POST', '/reviews/next', token('reviewer'))).body)).toEqual({
      empty: true,
    });
    expect(await queueDepth(queues.review)).toEqual({ visible: 0, inFlight: 0 });
    expect((await latest(PUB_A, 'decided.md'))?.status).toBe('approved');
  });

  it('never gives two concurrent reviewers the same draft', async () => {
    const records = await Promise.all(['c1.md', 'c2.md', 'c3.md'].map((doc) => flagged(PUB_A, doc)));
    const taken = await Promise.all(
      ['reviewer', 'reviewer2', 'reviewer', 'reviewer2'].map((who) =>
        call('POST', '/reviews/next', token(who)),
      ),
    );
    const drafts = taken.map(({ body }) => NextResponse.parse(body)).flatMap((r) => (r.empty ? [] : [r]));
    expect(drafts).toHaveLength(3);
    expect(new Set(drafts.map((d) => d.draft.documentId))).toEqual(new Set(records.map((r) => r.documentId)));
    // Clean up: each holder approves its own.
    for (const [i, result] of taken.entries()) {
      const parsed = NextResponse.parse(result.body);
      if (parsed.empty) continue;
      const who = ['reviewer', 'reviewer2', 'reviewer', 'reviewer2'][i] ?? '';
      const { documentId, version } = parsed.draft;
      const done = await call('POST', decisionPath(PUB_A, documentId, version), token(who), {
        leaseId: parsed.leaseId,
        decision: 'approve',
        note: '',
      });
      expect(done.status).toBe(200);
    }
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

    const leases = [await next('reviewer'), await next('reviewer')];
    const mine = leases.find((lease) => lease.draft.publisherId === PUB_A);
    const theirs = leases.find((lease) => lease.draft.publisherId === PUB_B);
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
    expect(unchanged).toMatchObject({ status: 'pending_review', leaseHolder: 'local-reviewer' });
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

    // The leases are the reviewer's: it decides both, which leaves the queue empty.
    const ok = await call('POST', path, token('reviewer'), {
      leaseId: mine.leaseId,
      decision: 'approve',
      note: 'fine',
    });
    expect(ok.status).toBe(200);
    const rejected = await call('POST', decisionPath(PUB_B, 'theirs.md', other.version), token('reviewer'), {
      leaseId: theirs.leaseId,
      decision: 'reject',
      note: '',
    });
    expect(rejected.status).toBe(200);
    expect(await queueDepth(queues.review)).toEqual({ visible: 0, inFlight: 0 });
  });
});
