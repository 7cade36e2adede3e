// POST /uploads (issue 6): a presigned PUT URL, so a publisher's page or CLI sends the draft straight to S3,
// under the caller's own prefix, with exactly the content type and size it declared.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { PREFIXES, REVIEW_API } from '../pipeline/resources.js';
import { uploadingPublisher } from './auth.js';
import type { Principal, UploadRequest, UploadResponse } from './model.js';

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
  /** Built at the first upload: every API function builds this service, only the upload function signs. */
  private presigner: S3Client | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: UploadDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private signingClient(): S3Client {
    if (this.presigner !== undefined) return this.presigner;
    const { region, credentials, endpoint, forcePathStyle } = this.deps.s3.config;
    // Same target as the other clients; but by default (WHEN_SUPPORTED) the SDK would put a CRC32 of the
    // empty body into the URL, and S3 would then refuse every upload with content.
    this.presigner = new S3Client({
      region,
      credentials,
      ...(endpoint !== undefined && { endpoint }),
      forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    return this.presigner;
  }

  async upload(principal: Principal, request: UploadRequest): Promise<UploadResponse> {
    const publisherId = uploadingPublisher(principal, request.publisherId);
    if (this.deps.bucketName === undefined) throw new Error('the upload function has no bucket name');
    const key = `${PREFIXES.drafts}${publisherId}/${request.name}`;
    // SigV4 dates have whole seconds: the URL expires exactly at expiresAt.
    const signedAt = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    const uploadUrl = await getSignedUrl(
      this.signingClient(),
      new PutObjectCommand({
        Bucket: this.deps.bucketName,
        Key: key,
        ContentType: request.contentType,
        ContentLength: request.size,
      }),
      {
        expiresIn: REVIEW_API.uploadUrlSeconds,
        signingDate: signedAt,
        signableHeaders: new Set(SIGNED_UPLOAD_HEADERS),
      },
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
