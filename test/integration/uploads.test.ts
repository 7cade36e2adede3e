// Issue 6: a publisher uploads through a presigned URL, follows its draft and reads the report (the local API
// server and the local pipeline), and `claimscan upload` does the same from the command line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUpload } from '../../cli/upload.js';
import type { ReviewApiServer } from '../../local/review-api.js';
import { ModerationResult } from '../../shared/contract.js';
import { ErrorBody, ReportResponse, UploadResponse } from '../../shared/review/model.js';
import { callApi, CLEAN_TEXT, publisher, recorded, RISKY_TEXT, startApi, until } from './support.js';

const PUB_A = publisher('upload-a');
const PUB_B = publisher('upload-b');
const enc = encodeURIComponent;

let api: ReviewApiServer;
let dir: string;

beforeAll(async () => {
  api = await startApi(
    [
      { name: 'reviewer', role: 'reviewer' },
      { name: 'viewer', role: 'viewer' },
      { name: 'pubA', role: 'publisher', publisherId: PUB_A },
      { name: 'pubB', role: 'publisher', publisherId: PUB_B },
    ],
    { pagesDir: false },
  );
  dir = await mkdtemp(join(tmpdir(), 'claimscan-upload-'));
});

afterAll(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
});

const token = (name: string) => api.tokens[name] ?? '';

const call = (method: string, path: string, who: string, body?: unknown) =>
  callApi(api, method, path, token(who), body);

const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;
const reportPath = (documentId: string, version: string, publisherId?: string) =>
  `/drafts/${enc(documentId)}/versions/${enc(version)}/report${publisherId === undefined ? '' : `?publisherId=${enc(publisherId)}`}`;

async function requestUpload(who: string, name: string, text: string, contentType = 'text/plain') {
  const { status, body } = await call('POST', '/uploads', who, {
    name,
    contentType,
    size: Buffer.byteLength(text),
  });
  expect(status).toBe(200);
  return UploadResponse.parse(body);
}

/** PUTs as a browser would: the returned headers, the body's own length. Answers the version, as clients derive it. */
async function put(upload: UploadResponse, text: string) {
  const response = await fetch(upload.uploadUrl, { method: 'PUT', headers: upload.headers, body: text });
  expect(response.status).toBe(200);
  // s3rver has no versioning: no x-amz-version-id, so the version is the ETag without quotes.
  expect(response.headers.get('x-amz-version-id')).toBeNull();
  return (response.headers.get('etag') ?? '').replace(/"/g, '');
}

const report = (who: string, documentId: string, version: string) =>
  until(`the report of ${documentId}`, async () => {
    const { status, body } = await call('GET', reportPath(documentId, version), who);
    if (status === 404) return undefined;
    expect(status).toBe(200);
    return ReportResponse.parse(body);
  });

describe('POST /uploads and the report', () => {
  it("uploads to the publisher's own prefix with the presigned URL; the report names the version S3 gave", async () => {
    const name = 'magnesium ünïcode #1.txt';
    const upload = await requestUpload('pubA', name, RISKY_TEXT);
    expect(upload).toMatchObject({ key: `drafts/${PUB_A}/${name}`, documentId: name, publisherId: PUB_A });
    const version = await put(upload, RISKY_TEXT);

    const got = await report('pubA', name, version);
    const [record] = await recorded(PUB_A, name);
    expect(record?.version).toBe(version);
    expect(got.draft).toMatchObject({
      publisherId: PUB_A,
      documentId: name,
      version,
      status: 'pending_review',
    });
    expect(got.text).toBe(RISKY_TEXT);
    expect(got.result?.verdict).toBe('review');
    // What to change: every risky claim, highlighted in the text, and the disclaimers with their wording.
    expect(got.claims.length).toBeGreaterThan(0);
    for (const claim of got.claims) {
      expect(claim.riskLevel).not.toBe('low');
      expect(claim.context.text).toBe(RISKY_TEXT.slice(claim.start, claim.end));
    }
    const missing = got.result?.disclaimers.filter((d) => d.required && d.status !== 'present') ?? [];
    expect(missing.length).toBeGreaterThan(0);
    for (const disclaimer of missing) expect(disclaimer.expectedText).toEqual(expect.any(String));
  });

  it('has the bucket refuse a PUT with another content type or size than the URL signs, as S3 does', async () => {
    const upload = await requestUpload('pubA', 'signed.txt', CLEAN_TEXT);
    const status = async (headers: Record<string, string>, body: string, url = upload.uploadUrl) =>
      (await fetch(url, { method: 'PUT', headers, body })).status;
    expect(await status({ 'content-type': 'text/html' }, CLEAN_TEXT)).toBe(403);
    expect(await status(upload.headers, `${CLEAN_TEXT}!`)).toBe(403);
    expect(
      await status(upload.headers, CLEAN_TEXT, upload.uploadUrl.replace(/(X-Amz-Signature=)./, '$1x')),
    ).toBe(403);
    expect(await status(upload.headers, CLEAN_TEXT)).toBe(200);
  });

  it('answers 404 for a version not recorded (yet), so clients poll', async () => {
    const { status, body } = await call('GET', reportPath('never uploaded.txt', 'abc'), 'pubA');
    expect(status).toBe(404);
    expect(errorCode(body)).toBe('not_found');
  });

  it("never shows a publisher another publisher's draft", async () => {
    const name = 'shared-name.txt';
    const version = await put(await requestUpload('pubA', name, CLEAN_TEXT), CLEAN_TEXT);
    await report('pubA', name, version);

    // B's own namespace has no such draft, and naming A is refused.
    expect((await call('GET', reportPath(name, version), 'pubB')).status).toBe(404);
    expect((await call('GET', reportPath(name, version, PUB_A), 'pubB')).status).toBe(403);
    expect((await call('GET', `/drafts/${enc(name)}?publisherId=${enc(PUB_A)}`, 'pubB')).status).toBe(403);
    // B uploading the same name writes under its own prefix; naming A is refused.
    expect((await requestUpload('pubB', name, CLEAN_TEXT)).key).toBe(`drafts/${PUB_B}/${name}`);
    const forged = await call('POST', '/uploads', 'pubB', {
      name,
      contentType: 'text/plain',
      size: 10,
      publisherId: PUB_A,
    });
    expect(forged.status).toBe(403);
    // Reviewers and viewers read it when they name the publisher.
    expect((await call('GET', reportPath(name, version, PUB_A), 'viewer')).status).toBe(200);
    expect((await call('GET', reportPath(name, version), 'viewer')).status).toBe(400);
  });

  it('lets only publishers upload, and only a file name, a text type and a size within the limit', async () => {
    const body = { name: 'a.txt', contentType: 'text/plain', size: 10 };
    for (const who of ['reviewer', 'viewer']) {
      const { status, body: error } = await call('POST', '/uploads', who, body);
      expect(status).toBe(403);
      expect(errorCode(error)).toBe('forbidden');
    }
    for (const bad of [
      { name: '../escape.txt' },
      { name: 'a/b.txt' },
      { contentType: 'image/png' },
      { size: 0 },
    ])
      expect((await call('POST', '/uploads', 'pubA', { ...body, ...bad })).status).toBe(400);
  });
});

describe('the local bucket and the pages', () => {
  it('answers the preflight of a page on a 127.0.0.1 origin, and no other origin', async () => {
    // As a browser sends it: to the presigned URL itself, without the PUT's headers or a signature of its own.
    const { uploadUrl } = await requestUpload('pubA', 'preflight.txt', CLEAN_TEXT);
    const preflight = (origin: string) =>
      fetch(uploadUrl, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(api.url);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(allowed.headers.get('access-control-allow-origin')).not.toBeNull();
    expect((await preflight('http://example.com')).status).toBe(403);
  });

  it('exposes the ETag and the version id to the page on the PUT', async () => {
    const upload = await requestUpload('pubA', 'cors.txt', CLEAN_TEXT);
    const response = await fetch(upload.uploadUrl, {
      method: 'PUT',
      headers: { ...upload.headers, origin: api.url },
      body: CLEAN_TEXT,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(api.url);
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag, x-amz-version-id');
  });
});

describe('claimscan upload', () => {
  function io() {
    const out = { stdout: '', stderr: '' };
    const sink = (name: 'stdout' | 'stderr') =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          out[name] += chunk.toString();
          done();
        },
      });
    return {
      out,
      io: { stdout: sink('stdout'), stderr: sink('stderr'), tty: false, stderrTty: false, env: {} },
    };
  }
  const args = (file: string, publisherId = PUB_A) => [
    file,
    '--publisher',
    publisherId,
    '--api',
    api.url,
    '--token',
    token('pubA'),
    '--timeout',
    '30',
  ];

  it('uploads with progress, waits for the result and prints the report; exit 1 when it needs review', async () => {
    const file = join(dir, 'cli risky.md');
    await writeFile(file, `# Magnesium\n\n${RISKY_TEXT}\n`);
    const { out, io: streams } = io();
    expect(await runUpload(args(file), streams)).toBe(1);
    expect(out.stderr).toContain(`Uploading ${file} to drafts/${PUB_A}/cli risky.md`);
    expect(out.stderr).toMatch(/uploaded \d+ of \d+ bytes \(100%\)/);
    expect(out.stderr).toContain('Checked: Waiting for review');
    expect(out.stdout).toContain('Needs review.');
    expect(out.stdout).toContain('Risky claims');
    // Located in the file as uploaded: the claim is on line 3, with its line shown.
    expect(out.stdout).toMatch(/Claim 1 .* line 3:1 /);
    expect(out.stdout).toContain(`3 | ${RISKY_TEXT}`);
    const [record] = await recorded(PUB_A, 'cli risky.md');
    expect(record?.result?.format).toBe('markdown');
  });

  it('--json prints the result alone; exit 0 when it passes', async () => {
    const file = join(dir, 'cli-clean.txt');
    await writeFile(file, CLEAN_TEXT);
    const { out, io: streams } = io();
    expect(await runUpload([...args(file), '--json'], streams)).toBe(0);
    const result = ModerationResult.parse(JSON.parse(out.stdout));
    expect(result).toMatchObject({ documentId: 'cli-clean.txt', verdict: 'pass' });
  });

  it("exits 2 when --publisher is not the token's: the API refuses it", async () => {
    const file = join(dir, 'cli-other.txt');
    await writeFile(file, CLEAN_TEXT);
    const { out, io: streams } = io();
    expect(await runUpload(args(file, PUB_B), streams)).toBe(2);
    expect(out.stderr).toContain('(forbidden)');
    expect(out.stdout).toBe('');
  });
});
