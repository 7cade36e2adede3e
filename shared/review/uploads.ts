// POST /uploads (issue 6): a presigned PUT URL, so a publisher's page or CLI sends the draft straight to S3,
// under the caller's own prefix, with exactly the content type and size it declared.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { PREFIXES, REVIEW_API } from '../pipeline/resources.js';
import { uploadingPublisher } from './auth.js';
import type { Principal, UploadRequest, UploadResponse } from './model.js';
import { Presigner, signingTime } from './presign.js';

/**
 * The presigner leaves Content-Type out of the signature by default, and Content-Length too unless asked:
 * signed, S3 refuses a PUT whose type or size differs from the request.
 */
export const SIGNED_UPLOAD_HEADERS: ReadonlySet<string> = new Set(['content-type', 'content-length']);

export interface UploadDeps {
  s3: S3Client;
  /** Absent where the function's environment has no bucket: every upload then fails (500). */
  bucketName: string | undefined;
  now?: () => Date;
}

export class UploadService {
  /** Every API function builds this service; only the upload function signs. */
  private readonly presigner: Presigner;
  private readonly now: () => Date;

  constructor(private readonly deps: UploadDeps) {
    this.presigner = new Presigner(deps.s3);
    this.now = deps.now ?? (() => new Date());
  }

  async upload(principal: Principal, request: UploadRequest): Promise<UploadResponse> {
    const publisherId = uploadingPublisher(principal, request.publisherId);
    if (this.deps.bucketName === undefined) throw new Error('the upload function has no bucket name');
    const key = `${PREFIXES.drafts}${publisherId}/${request.name}`;
    const signedAt = signingTime(this.now());
    const uploadUrl = await this.presigner.url(
      new PutObjectCommand({
        Bucket: this.deps.bucketName,
        Key: key,
        ContentType: request.contentType,
        ContentLength: request.size,
      }),
      REVIEW_API.uploadUrlSeconds,
      signedAt,
      SIGNED_UPLOAD_HEADERS,
    );
    return {
      uploadUrl,
      method: 'PUT',
      headers: { 'content-type': request.contentType },
      key,
      documentId: request.name,
      publisherId,
      expiresAt: new Date(signedAt.getTime() + REVIEW_API.uploadUrlSeconds * 1000).toISOString(),
    };
  }
}
