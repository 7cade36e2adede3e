// Issue 4, points 1 and 2: awkward keys, and each draft version counted once however often it is delivered.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  clients,
  names,
  CLEAN_TEXT,
  ingestIdle,
  notificationFor,
  publisher,
  recorded,
  reviewMessagesFor,
  RISKY_TEXT,
  sendToIngest,
  upload,
} from './support.js';

describe('awkward keys', () => {
  it('gives each draft exactly one result under its decoded key', async () => {
    const pub = publisher('keys');
    const names = [
      'my draft (final).md',
      'a+b=c & d.txt',
      'café ünïcödé 日本語.md',
      'sub folder/x%41(y).html',
    ];
    await Promise.all(names.map((name) => upload(`drafts/${pub}/${name}`, CLEAN_TEXT)));
    for (const name of names) {
      const records = await recorded(pub, name);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ key: `drafts/${pub}/${name}`, documentId: name, status: 'passed' });
    }
    await ingestIdle();
    for (const name of names) expect(await recorded(pub, name)).toHaveLength(1);
  });
});

describe('duplicates', () => {
  it('records an event delivered twice once, with one review message', async () => {
    const pub = publisher('dup-event');
    await upload(`drafts/${pub}/risky.md`, RISKY_TEXT);
    const [first] = await recorded(pub, 'risky.md');
    if (first?.eTag === undefined) throw new Error('no record');
    // S3 delivers at least once: the very same notification again.
    await sendToIngest(notificationFor({ ...first, eTag: first.eTag }));
    await ingestIdle();
    expect(await recorded(pub, 'risky.md')).toEqual([first]);
    expect(await reviewMessagesFor(pub)).toHaveLength(1);
  });

  it('the same bytes uploaded twice give one result and one review message', async () => {
    // Every PUT is a new upload with its own event; a re-upload of the latest result's bytes is not a new draft.
    const pub = publisher('dup-upload');
    await upload(`drafts/${pub}/risky.md`, RISKY_TEXT);
    await recorded(pub, 'risky.md');
    await upload(`drafts/${pub}/risky.md`, RISKY_TEXT);
    await ingestIdle();
    expect(await recorded(pub, 'risky.md')).toHaveLength(1);
    expect(await reviewMessagesFor(pub)).toHaveLength(1);
  });
});

describe('other ways a draft arrives', () => {
  it('a multipart upload and a copy each get their result', async () => {
    const pub = publisher('multipart');
    const key = `drafts/${pub}/multi part.md`;
    const { UploadId } = await clients.s3.send(
      new CreateMultipartUploadCommand({ Bucket: names.bucket, Key: key }),
    );
    const { ETag } = await clients.s3.send(
      new UploadPartCommand({ Bucket: names.bucket, Key: key, UploadId, PartNumber: 1, Body: RISKY_TEXT }),
    );
    await clients.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: names.bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] },
      }),
    );
    const [multipart] = await recorded(pub, 'multi part.md');
    expect(multipart).toMatchObject({ key, status: 'pending_review' });

    await clients.s3.send(
      new CopyObjectCommand({
        Bucket: names.bucket,
        Key: `drafts/${pub}/copy.md`,
        CopySource: `${names.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
    const [copy] = await recorded(pub, 'copy.md');
    expect(copy).toMatchObject({
      key: `drafts/${pub}/copy.md`,
      status: 'pending_review',
      eTag: expect.any(String),
    });
  });
});
