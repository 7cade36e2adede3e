// Sending a file to the presigned URL with upload progress (fetch reports none), and naming the version
// the pipeline will record for it.
import type { UploadResponse } from '../../shared/review/model.js';

/** The content type a draft is uploaded with, from its name (browsers leave `.md` untyped). */
export function draftContentType(name: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === undefined) return 'text/plain';
  if (['md', 'markdown'].includes(extension)) return 'text/markdown';
  if (['html', 'htm'].includes(extension)) return 'text/html';
  if (['txt', 'text'].includes(extension)) return 'text/plain';
  return undefined;
}

/** The version the pipeline records: the bucket's version id when versioned, else the ETag (shared/pipeline/events.ts). */
export function uploadedVersion(versionId: string | null, eTag: string | null): string | undefined {
  if (versionId !== null && versionId !== '') return versionId;
  const tag = eTag?.replace(/"/g, '');
  return tag === undefined || tag === '' ? undefined : tag;
}

export function putFile(
  target: UploadResponse,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<{ version: string; eTag?: string }> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(target.method, target.uploadUrl);
    for (const [name, value] of Object.entries(target.headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      if (request.status < 200 || request.status >= 300) {
        reject(new Error(`The storage refused the upload (${request.status}).`));
        return;
      }
      const eTag = request.getResponseHeader('etag')?.replace(/"/g, '');
      const version = uploadedVersion(request.getResponseHeader('x-amz-version-id'), eTag ?? null);
      if (version === undefined) reject(new Error('The storage did not say which version it stored.'));
      else resolve({ version, ...(eTag !== undefined && eTag !== '' && { eTag }) });
    });
    request.addEventListener('error', () =>
      reject(new Error('The upload did not reach the storage. Try again.')),
    );
    request.send(file);
  });
}
