// Issue 11, failure 2: a 5 MB claim-dense flagged draft is leased, read and decided, and every answer of the
// review API stays under Lambda's 6 MB response limit: the text comes as a presigned GET, the claims cut to
// the riskiest with the totals, and the full result is a presigned GET away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import { ModerationResult } from '../../shared/contract.js';
import { MAX_DRAFT_BYTES } from '../../shared/pipeline/resources.js';
import type { PresignedGet } from '../../shared/review/model.js';
import { NextResponse, ReportResponse } from '../../shared/review/model.js';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  clients,
  drainReviewQueue,
  history,
  ingestIdle,
  names,
  publisher,
  readObject,
  startApi,
  until,
  upload,
} from './support.js';

const PUB = publisher('large');
const DOC = 'claim-dense.txt';
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

/** Short risky sentences, a paragraph every eight: tens of thousands of flagged claims in 5 MB. */
function claimDenseDraft(): string {
  const sentences = [
    'Magnesium cures depression and anxiety in most adults.',
    'Take 800 mg of our magnesium daily to reverse insomnia.',
    'Studies show it boosts the effect of SSRIs by 40%.',
    'It is completely safe for children and pregnant women.',
  ];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < MAX_DRAFT_BYTES - 200; i++) {
    const part = `${sentences[i % sentences.length]}${i % 8 === 7 ? '\n\n' : ' '}`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

describe('a 5 MB claim-dense flagged draft', () => {
  let api: ReviewApiServer;
  const text = claimDenseDraft();

  beforeAll(async () => {
    await drainReviewQueue();
    api = await startApi([
      { name: 'reviewer', role: 'reviewer' },
      { name: 'publisher', role: 'publisher', publisherId: PUB },
    ]);
  });
  afterAll(() => api?.stop());

  /** The raw answer, to weigh it as Lambda would. */
  async function raw(method: string, path: string, who: string, body?: unknown) {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${api.tokens[who]}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      bytes: bytes.byteLength,
      json: JSON.parse(bytes.toString('utf8')) as unknown,
    };
  }

  const fetchGet = async (get: PresignedGet | undefined) => {
    if (get === undefined) throw new Error('expected a presigned GET');
    const response = await fetch(get.url, { headers: get.headers });
    expect(response.status).toBe(200);
    return response.text();
  };

  it('is leased, read in full and decided, with every answer under 6 MB', { timeout: 180_000 }, async () => {
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_DRAFT_BYTES);
    await upload(`drafts/${PUB}/${DOC}`, text);
    const [record] = await until(
      'the large draft flagged and queued',
      async () => {
        const records = await history(PUB, DOC);
        return records[0]?.reviewEnqueuedAt !== undefined ? records : undefined;
      },
      150_000,
    );
    expect(record?.status).toBe('pending_review');
    expect(record?.reportKey).toBeDefined();
    // The tests' 1 s visibility timeout redelivers the ingest message while the engine runs, and the second
    // run rewrites the same report, which s3rver (unlike S3) does not do atomically: wait until it is whole
    // and has not changed for a while.
    await ingestIdle();
    await until(
      'the report written for good',
      async () => {
        const head = await clients.s3.send(
          new HeadObjectCommand({ Bucket: names.bucket, Key: record?.reportKey }),
        );
        const quiet = Date.now() - (head.LastModified?.getTime() ?? Date.now()) > 3_000;
        return quiet && JSON.parse(await readObject(record?.reportKey ?? '')) !== undefined
          ? true
          : undefined;
      },
      60_000,
    );

    const taken = await raw('POST', '/reviews/next', 'reviewer');
    expect(taken.status).toBe(200);
    expect(taken.bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    const lease = NextResponse.parse(taken.json);
    if (lease.empty) throw new Error('the draft should be leased');
    expect(lease.draft.documentId).toBe(DOC);
    // The text is too large to send: the presigned GET gives exactly the draft's bytes.
    expect(lease.text).toBeNull();
    expect(await fetchGet(lease.textUrl)).toBe(text);
    // The claims are cut to the riskiest, and say how many there are in all.
    const flagged = lease.totals.claims.high + lease.totals.claims.medium;
    expect(flagged).toBeGreaterThan(40_000);
    expect(lease.flaggedClaims.length).toBeGreaterThan(100);
    expect(lease.flaggedClaims.length).toBeLessThan(flagged);
    for (const claim of lease.flaggedClaims.slice(0, 50))
      expect(claim.context.text).toBe(text.slice(claim.start, claim.end));
    // The full result is a presigned GET away.
    const full = ModerationResult.parse(JSON.parse(await fetchGet(lease.resultUrl)));
    expect(full.claims).toHaveLength(full.stats.claims);
    expect(full.claims.filter((claim) => claim.riskLevel !== 'low')).toHaveLength(flagged);

    const version = encodeURIComponent(lease.draft.version);
    const report = await raw(
      'GET',
      `/drafts/${encodeURIComponent(DOC)}/versions/${version}/report`,
      'publisher',
    );
    expect(report.status).toBe(200);
    expect(report.bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    expect(ReportResponse.parse(report.json).claims.length).toBe(lease.flaggedClaims.length);

    const decided = await raw(
      'POST',
      `/drafts/${encodeURIComponent(DOC)}/versions/${version}/decision?publisherId=${encodeURIComponent(PUB)}`,
      'reviewer',
      { leaseId: lease.leaseId, decision: 'reject', note: 'Every sentence is a disease or drug claim.' },
    );
    expect(decided.status).toBe(200);
    expect(decided.bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
  });
});
