// S3 side of the pipeline: read a draft version (size checked first), write overflow reports.
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
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
    const target = pinnedVersion(ref);
    const head = await this.notFoundAsDraftError(ref, () => this.s3.send(new HeadObjectCommand(target)));
    if (head.ContentLength !== undefined && head.ContentLength > maxBytes) throw tooLarge(head.ContentLength);
    const object = await this.notFoundAsDraftError(ref, () => this.s3.send(new GetObjectCommand(target)));
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

  private async notFoundAsDraftError<T>(ref: DraftRef, request: () => Promise<T>): Promise<T> {
    const found = await readIfPresent(this.s3, ref, request);
    if (found === undefined)
      throw new DraftError('not_found', `version ${ref.version} of ${ref.key} no longer exists`);
    return found;
  }
}

/** An object version as a read names it: its version id on a versioned bucket, else its ETag (else any). */
export interface ObjectVersionRef {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
}

/** A read of exactly that version: a newer upload must never be read in its place. */
export const pinnedVersion = (ref: ObjectVersionRef) => ({
  Bucket: ref.bucket,
  Key: ref.key,
  ...(ref.versionId !== undefined ? { VersionId: ref.versionId } : { IfMatch: `"${ref.eTag}"` }),
});

const statusOf = (error: unknown) =>
  error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;

/**
 * Runs a read of the version; undefined when the version is gone for good: 404 (deleted), 412 (an unversioned
 * object replaced since), or 403 for a version its prefix no longer lists. The roles may list their own prefix
 * only (`s3:prefix`), and S3 answers a read of a missing key with 403 rather than 404 unless the caller may list
 * the whole bucket: the listing tells a gone version from a denied one, which is rethrown.
 */
export async function readIfPresent<T>(
  s3: S3Client,
  ref: ObjectVersionRef,
  request: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await request();
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 412) return undefined;
    if (status === 403 && !(await isListed(s3, ref))) return undefined;
    throw error;
  }
}

/**
 * Whether the prefix listing holds this exact version (by version id, or by ETag on an unversioned bucket), or
 * for a ref with neither (a report, written once), this key.
 */
async function isListed(s3: S3Client, ref: ObjectVersionRef): Promise<boolean> {
  if (ref.versionId === undefined) {
    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket: ref.bucket, Prefix: ref.key, MaxKeys: 1 }),
    );
    return Contents.some(
      (entry) =>
        entry.Key === ref.key && (ref.eTag === undefined || entry.ETag?.replace(/"/g, '') === ref.eTag),
    );
  }
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: ref.bucket,
        Prefix: ref.key,
        ...(keyMarker !== undefined && { KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      }),
    );
    const versions = page.Versions ?? [];
    if (versions.some((entry) => entry.Key === ref.key && entry.VersionId === ref.versionId)) return true;
    // Listed by key: once past this key, its versions are all seen.
    if (versions.some((entry) => (entry.Key ?? '') > ref.key)) return false;
    keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
    versionIdMarker = page.NextVersionIdMarker;
  } while (keyMarker !== undefined);
  return false;
}
