// The claimscan API over HTTP, as a publisher uses it: ask for an upload URL, PUT the draft to S3, fetch reports.
// Works against `npm start`'s local server and a deployed stack alike (bearer token = the Cognito ID token there).
import http from 'node:http';
import https from 'node:https';
import { ErrorBody, ReportResponse, UploadResponse } from '../shared/review/model.js';
import type { UploadRequest } from '../shared/review/model.js';
import * as z from '../shared/zod.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Bytes per write: the progress callback runs once per chunk. */
const PUT_CHUNK_BYTES = 64 * 1024;

export class ApiClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  requestUpload(request: UploadRequest): Promise<UploadResponse> {
    return this.call('POST', '/uploads', UploadResponse, request);
  }

  /** The version's report, or undefined while the pipeline has not recorded it (404). */
  async report(documentId: string, uploaded: UploadedVersion): Promise<ReportResponse | undefined> {
    const path = `/drafts/${encodeURIComponent(documentId)}/versions/${encodeURIComponent(uploaded.version)}/report${uploaded.eTag === undefined ? '' : `?eTag=${encodeURIComponent(uploaded.eTag)}`}`;
    try {
      return await this.call('GET', path, ReportResponse);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async call<T>(method: string, path: string, schema: z.ZodMiniType<T>, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(
        response.status,
        'bad_response',
        `${method} ${path}: HTTP ${response.status}, not JSON`,
      );
    }
    if (!response.ok) {
      const error = ErrorBody.safeParse(json);
      throw error.success
        ? new ApiError(response.status, error.data.error.code, error.data.error.message)
        : new ApiError(response.status, 'bad_response', `${method} ${path}: HTTP ${response.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new ApiError(
        response.status,
        'bad_response',
        `${method} ${path}: ${z.prettifyError(parsed.error)}`,
      );
    return parsed.data;
  }
}

/** What S3 named an upload: the version the pipeline records, and the ETag (the report route's hint). */
export interface UploadedVersion {
  version: string;
  eTag?: string;
}

/**
 * PUTs the bytes to the presigned URL with exactly the signed headers (Content-Length from the bytes), reporting
 * each chunk written. Answers the version the pipeline will record: x-amz-version-id on a versioned bucket,
 * else the ETag without its quotes.
 */
export function putDraft(
  upload: UploadResponse,
  bytes: Uint8Array,
  onProgress: (sent: number, total: number) => void = () => {},
): Promise<UploadedVersion> {
  const url = new URL(upload.uploadUrl);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: upload.method,
        headers: { ...upload.headers, 'content-length': String(bytes.byteLength) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 299) {
            // S3's XML error: its Code and Message are what a user can act on.
            const body = Buffer.concat(chunks).toString('utf8');
            const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? 'upload_failed';
            const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? `HTTP ${status}`;
            reject(new ApiError(status, code, `the upload was refused: ${message}`));
            return;
          }
          const versionId = response.headers['x-amz-version-id'];
          const eTag = response.headers.etag?.replace(/"/g, '');
          const version = typeof versionId === 'string' && versionId !== '' ? versionId : eTag;
          if (version === undefined) reject(new ApiError(status, 'bad_response', 'S3 named no version'));
          else resolve({ version, ...(eTag !== undefined && { eTag }) });
        });
      },
    );
    request.on('error', reject);
    let sent = 0;
    const writeNext = () => {
      while (sent < bytes.byteLength) {
        const chunk = bytes.subarray(sent, sent + PUT_CHUNK_BYTES);
        sent += chunk.byteLength;
        const done = sent;
        const more = request.write(chunk, () => onProgress(done, bytes.byteLength));
        if (!more) {
          request.once('drain', writeNext);
          return;
        }
      }
      request.end();
    };
    writeNext();
  });
}
