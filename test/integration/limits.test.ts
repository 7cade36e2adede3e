// Issue 11, items 4 and 6: upload names the bucket and the local emulator cannot both take are refused, the
// emulator's errors never bring the stack down, and a failed result never blocks the same bytes uploaded again.
import { createHash } from 'node:crypto';
import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import { LOCAL_MAX_KEY_SEGMENT_BYTES } from '../../local/s3-conformance.js';
import { ErrorBody } from '../../shared/review/model.js';
import {
  callApi,
  clients,
  names,
  notificationFor,
  publisher,
  recorded,
  RISKY_TEXT,
  sendToIngest,
  startApi,
  upload,
} from './support.js';

const PUB = publisher('limits');
let api: ReviewApiServer;

beforeAll(async () => {
  api = await startApi([{ name: 'pub', role: 'publisher', publisherId: PUB }], { pagesDir: false });
});
afterAll(() => api.stop());

/** The status and S3 error code of a PUT straight to the local bucket. */
async function putStatus(key: string): Promise<{ status: number; code?: string }> {
  try {
    await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: key, Body: 'x' }));
    return { status: 200 };
  } catch (error) {
    if (!(error instanceof S3ServiceException)) throw error;
    return { status: error.$metadata.httpStatusCode ?? 0, code: error.name };
  }
}

describe('upload names', () => {
  it.each([
    ['200 CJK characters (600 bytes)', '草'.repeat(200), 'at most 200 bytes in UTF-8 (this one has 600)'],
    ['"."', '.', 'cannot be "."'],
    ['a trailing space', 'article.md ', 'start or end with a space'],
    ['U+202E', 'invoice\u202Etxt.md', 'reverse or reorder'],
  ])('refuses %s with a 400 that says why', async (_case, name, reason) => {
    const { status, body } = await callApi(api, 'POST', '/uploads', api.tokens.pub, {
      name,
      contentType: 'text/plain',
      size: 10,
    });
    expect(status).toBe(400);
    const { error } = ErrorBody.parse(body);
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain(reason);
  });
});

describe('the local S3 emulator', () => {
  it('refuses a key segment longer than a file name can hold with S3 400 KeyTooLongError, and stays up', async () => {
    expect(await putStatus(`drafts/${PUB}/${'草'.repeat(200)}`)).toEqual({
      status: 400,
      code: 'KeyTooLongError',
    });
    expect(await putStatus(`drafts/${PUB}/${'x'.repeat(LOCAL_MAX_KEY_SEGMENT_BYTES + 1)}`)).toMatchObject({
      status: 400,
    });
    expect(await putStatus(`drafts/${PUB}/${'x'.repeat(LOCAL_MAX_KEY_SEGMENT_BYTES)}.md`)).toMatchObject({
      status: 400,
    });
    expect((await putStatus(`drafts/${PUB}/${'x'.repeat(LOCAL_MAX_KEY_SEGMENT_BYTES - 3)}.md`)).status).toBe(
      200,
    );
  });

  it('answers a file-system error with 500 instead of dying, and the pipeline still moderates', async () => {
    // s3rver stores "a" as the file "a._S3rver_object": with a folder of that name in the way, the write fails.
    expect((await putStatus(`scratch/${PUB}/a._S3rver_object/b`)).status).toBe(200);
    expect(await putStatus(`scratch/${PUB}/a`)).toMatchObject({ status: 500 });

    await upload(`drafts/${PUB}/after-errors.txt`, RISKY_TEXT);
    const [record] = await recorded(PUB, 'after-errors.txt');
    expect(record?.status).toBe('pending_review');
  });
});

describe('a failed result and the same bytes uploaded again', () => {
  it('moderates the bytes of a draft deleted before it was read when they are uploaded again', async () => {
    const name = 'deleted-then-uploaded.txt';
    const key = `drafts/${PUB}/${name}`;
    // The event of an upload whose object was deleted before the function read it: failed/not_found.
    const eTag = createHash('md5').update(RISKY_TEXT).digest('hex');
    await sendToIngest(
      notificationFor({
        key,
        size: Buffer.byteLength(RISKY_TEXT),
        uploadedAt: new Date().toISOString(),
        eTag,
        sequencer: '1',
      }),
    );
    const [failed] = await recorded(PUB, name);
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'not_found' }, eTag });

    expect(await upload(key, RISKY_TEXT)).toBe(eTag);
    const [latest, first] = await recorded(PUB, name, 2);
    expect(first?.status).toBe('failed');
    expect(latest).toMatchObject({ status: 'pending_review', eTag, reviewEnqueuedAt: expect.any(String) });
  });
});
