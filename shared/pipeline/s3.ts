// S3 side of the pipeline: read a draft version (size checked first), write overflow reports.
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { DraftError } from '../errors.js';
import type { DraftRef } from './events.js';
import { PREFIXES } from './resources.js';

export interface Draft {
  bytes: Uint8Array;
  contentType?: string;
}

export class DraftBucket {
  constructor(private readonly s3: S3Client) {}

  /** Reads exactly the version the event named. Throws DraftError for too_large and not_found; anything else is transient. */
  async readDraft(ref: DraftRef, maxBytes: number): Promise<Draft> {
    const tooLarge = (size: number) =>
      new DraftError('too_large', `draft is ${size} bytes; the limit is ${maxBytes} bytes`);
    if (ref.size !== undefined && ref.size > maxBytes) throw tooLarge(ref.size);
    const target = {
      Bucket: ref.bucket,
      Key: ref.key,
      // Pin the version: a newer upload must not be read in place of the one this event is about.
      ...(ref.versionId !== undefined ? { VersionId: ref.versionId } : { IfMatch: `"${ref.eTag}"` }),
    };
    const head = await notFoundAsDraftError(ref, this.s3.send(new HeadObjectCommand(target)));
    if (head.ContentLength !== undefined && head.ContentLength > maxBytes) throw tooLarge(head.ContentLength);
    const object = await notFoundAsDraftError(ref, this.s3.send(new GetObjectCommand(target)));
    if (object.Body === undefined) throw new Error(`GetObject returned no body for ${ref.key}`);
    const bytes = await object.Body.transformToByteArray();
    // The engine reads the format from a specific content type and otherwise from the extension.
    return { bytes, ...(head.ContentType !== undefined && { contentType: head.ContentType }) };
  }

  async writeReport(bucket: string, key: string, body: string): Promise<void> {
    // Anything written under drafts/ would trigger the pipeline again.
    if (!key.startsWith(PREFIXES.reports))
      throw new Error(`refusing to write outside ${PREFIXES.reports}: ${key}`);
    await this.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }
}

/** 404 (deleted version) and 412 (an unversioned object replaced since the event) mean this version is gone for good. */
async function notFoundAsDraftError<T>(ref: DraftRef, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (status === 404 || status === 412)
      throw new DraftError(
        'not_found',
        `version ${ref.version} of ${ref.key} no longer exists (HTTP ${status})`,
      );
    throw error;
  }
}
