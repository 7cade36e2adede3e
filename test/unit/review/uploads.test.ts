// Issue 6: POST /uploads. The request's rules, and a presigned URL whose signature covers the declared content
// type and size, checked by recomputing SigV4 as S3 does (local/s3-conformance.ts; s3rver itself does not).
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { presignedSignatureMatches } from '../../../local/s3-conformance.js';
import { DRAFT_NAME } from '../../../shared/pipeline/names.js';
import { MAX_DRAFT_BYTES, REVIEW_API } from '../../../shared/pipeline/resources.js';
import { ReviewApiError } from '../../../shared/review/errors.js';
import { UploadRequest, UploadResponse } from '../../../shared/review/model.js';
import type { Principal } from '../../../shared/review/model.js';
import { UploadService } from '../../../shared/review/uploads.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-for-tests' };
const NOW = new Date('2026-05-04T10:00:00.400Z');
const publisher: Principal = { subject: 'u1', role: 'publisher', publisherId: 'acme' };

function service(s3 = new S3Client({ region: 'eu-west-1', credentials: CREDENTIALS })) {
  return new UploadService({ s3, bucketName: 'drafts-bucket', now: () => NOW });
}

const request = (overrides: Partial<UploadRequest> = {}): UploadRequest => ({
  name: 'article.md',
  contentType: 'text/markdown; charset=utf-8',
  size: 1234,
  ...overrides,
});

/** S3's check of a presigned request, as the local bucket runs it: true when the signature matches. */
const s3Accepts = (url: string, headers: Record<string, string>) => {
  const { host, pathname, search } = new URL(url);
  const all: Record<string, string> = { host, ...headers };
  return presignedSignatureMatches(
    'PUT',
    `${pathname}${search}`,
    (name) => all[name] ?? '',
    CREDENTIALS.secretAccessKey,
  );
};

describe('POST /uploads request', () => {
  it('takes a file name, a text content type and a size up to the draft limit', () => {
    for (const name of [
      'article.md',
      'Ünïcode draft #2.html',
      'a',
      'notes..v2.md',
      'x'.repeat(DRAFT_NAME.maxBytes),
    ])
      expect(UploadRequest.safeParse(request({ name })).success).toBe(true);
    for (const contentType of ['text/plain', 'text/markdown', 'text/html', 'text/html; charset=utf-8'])
      expect(UploadRequest.safeParse(request({ contentType })).success).toBe(true);
    for (const size of [1, MAX_DRAFT_BYTES])
      expect(UploadRequest.safeParse(request({ size })).success).toBe(true);
  });

  it('refuses names that are not one file name, other content types and sizes out of range', () => {
    const names = ['', 'x'.repeat(DRAFT_NAME.maxBytes + 1), 'a/b.md', '../b.md', '..', '.', 'a\\b.md'];
    for (const name of [...names, 'tab\there.md', 'nul\u0000.md', ' a.md', 'a.md ', 'gpj\u202Eexe.md'])
      expect(UploadRequest.safeParse(request({ name })).success).toBe(false);
    for (const contentType of ['application/pdf', 'text/plain; charset=latin1', 'TEXT/PLAIN', 'text/csv'])
      expect(UploadRequest.safeParse(request({ contentType })).success).toBe(false);
    for (const size of [0, -1, 1.5, MAX_DRAFT_BYTES + 1])
      expect(UploadRequest.safeParse(request({ size })).success).toBe(false);
    expect(UploadRequest.safeParse({ ...request(), extra: true }).success).toBe(false);
  });
});

describe('UploadService', () => {
  it("presigns a PUT to drafts/<the caller's publisher>/<name>, valid for five minutes", async () => {
    const upload = UploadResponse.parse(await service().upload(publisher, request({ name: 'a b#1.md' })));
    expect(upload).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': 'text/markdown; charset=utf-8' },
      key: 'drafts/acme/a b#1.md',
      documentId: 'a b#1.md',
      publisherId: 'acme',
      expiresAt: '2026-05-04T10:05:00.000Z',
    });
    const url = new URL(upload.uploadUrl);
    expect(decodeURIComponent(url.pathname)).toMatch(/\/drafts\/acme\/a b#1\.md$/);
    expect(url.hostname).toContain('drafts-bucket');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(REVIEW_API.uploadUrlSeconds));
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260504T100000Z');
    // No checksum of an empty body, which S3 would hold the upload to.
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  });

  it('signs the content type and the size: S3 refuses a PUT with another type or size', async () => {
    const upload = await service().upload(publisher, request());
    expect(new URL(upload.uploadUrl).searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host',
    );
    const headers = { 'content-type': 'text/markdown; charset=utf-8', 'content-length': '1234' };
    expect(s3Accepts(upload.uploadUrl, headers)).toBe(true);
    expect(s3Accepts(upload.uploadUrl, { ...headers, 'content-type': 'text/html' })).toBe(false);
    expect(s3Accepts(upload.uploadUrl, { ...headers, 'content-length': '1235' })).toBe(false);
  });

  it('keeps path-style addressing and the endpoint of the client it is given (local mode)', async () => {
    const local = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4569',
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    const upload = await service(local).upload(publisher, request());
    expect(upload.uploadUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:4569\/drafts-bucket\/drafts\/acme\/article\.md\?/,
    );
  });

  it('answers 403 to reviewers, viewers and a publisher naming another publisher', async () => {
    const refused = async (principal: Principal, body: UploadRequest) => {
      const error = await service()
        .upload(principal, body)
        .catch((caught: unknown) => caught);
      return error instanceof ReviewApiError ? error.code : 'ok';
    };
    expect(await refused({ subject: 'r', role: 'reviewer' }, request())).toBe('forbidden');
    expect(await refused({ subject: 'v', role: 'viewer' }, request())).toBe('forbidden');
    expect(await refused(publisher, request({ publisherId: 'other' }))).toBe('forbidden');
    expect(await refused(publisher, request({ publisherId: 'acme' }))).toBe('ok');
  });
});
