// Presigned S3 URLs, for the pages and the CLI to send or fetch a draft straight to or from the bucket.
import { S3Client } from '@aws-sdk/client-s3';
import type { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Signs with the function's own credentials; the client is built at the first URL, not at every cold start. */
export class Presigner {
  private client: S3Client | undefined;

  constructor(private readonly s3: S3Client) {}

  private signingClient(): S3Client {
    if (this.client !== undefined) return this.client;
    const { region, credentials, endpoint, forcePathStyle } = this.s3.config;
    // Same target as the other clients; but by default (WHEN_SUPPORTED) the SDK would put a CRC32 of the
    // empty body into the URL, and S3 would then refuse every upload with content.
    this.client = new S3Client({
      region,
      credentials,
      ...(endpoint !== undefined && { endpoint }),
      forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    return this.client;
  }

  /** A URL valid `seconds` from `signedAt` (whole seconds, as SigV4 dates are), signing these headers too. */
  url(
    command: GetObjectCommand | PutObjectCommand,
    seconds: number,
    signedAt: Date,
    signableHeaders: ReadonlySet<string> = new Set(),
  ): Promise<string> {
    return getSignedUrl(this.signingClient(), command, {
      expiresIn: seconds,
      signingDate: signedAt,
      signableHeaders: new Set(signableHeaders),
    });
  }
}

/** SigV4 dates have whole seconds: a URL signed at this time expires exactly `seconds` later. */
export const signingTime = (now: Date) => new Date(Math.floor(now.getTime() / 1000) * 1000);
