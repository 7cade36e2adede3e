// Issue 6: `claimscan upload`: its arguments, and the API client against an in-process HTTP server.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, putDraft } from '../../cli/api-client.js';
import { run } from '../../cli/main.js';
import { parseUploadArgs, runUpload } from '../../cli/upload.js';
import { MAX_DRAFT_BYTES } from '../../shared/pipeline/resources.js';
import type { UploadResponse } from '../../shared/review/model.js';
import { UploadRequest } from '../../shared/review/model.js';

describe('claimscan upload arguments', () => {
  const env = { CLAIMSCAN_API_URL: 'http://127.0.0.1:1234', CLAIMSCAN_TOKEN: 'env-token' };

  it('takes the file, the publisher, and the API and token from the environment by default', () => {
    expect(parseUploadArgs(['draft.md', '--publisher', 'acme'], env)).toEqual({
      options: {
        file: 'draft.md',
        publisher: 'acme',
        api: 'http://127.0.0.1:1234',
        token: 'env-token',
        timeoutSeconds: 120,
        json: false,
        color: true,
      },
    });
  });

  it('lets the flags override the environment', () => {
    const parsed = parseUploadArgs(
      [
        'draft.md',
        '--publisher',
        'acme',
        '--api',
        'https://api.example',
        '--token',
        't',
        '--timeout',
        '5',
        '--json',
        '--no-color',
      ],
      env,
    );
    expect(parsed).toMatchObject({
      options: { api: 'https://api.example', token: 't', timeoutSeconds: 5, json: true, color: false },
    });
  });

  it('names what is missing or wrong', () => {
    const error = (argv: string[], environment: NodeJS.ProcessEnv = env) => {
      const parsed = parseUploadArgs(argv, environment);
      return 'error' in parsed ? parsed.error : 'ok';
    };
    expect(error(['--publisher', 'acme'])).toContain('no file given');
    expect(error(['draft.md'])).toContain('--publisher is required');
    expect(error(['draft.md', '--publisher', 'acme'], {})).toMatch(/--api.*--token/s);
    expect(error(['draft.md', '--publisher', 'acme', '--timeout', '0'])).toContain('--timeout');
    expect(error(['a.md', 'b.md', '--publisher', 'acme'])).toBe('upload takes one file');
    expect(error(['draft.md', '--publisher', 'acme', '--bogus'])).toContain('--bogus');
    // The API's publisher-id rule: a `#` would run two publishers' keys together.
    expect(error(['draft.md', '--publisher', 'acme#2'])).toMatch(/^--publisher: a publisher id has only/);
    expect(parseUploadArgs(['--help'], env)).toEqual({ help: true });
  });
});

describe('claimscan upload of a file check refuses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimscan-upload-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Uint8Array) => {
    const at = path.join(dir, name);
    fs.writeFileSync(at, content);
    return at;
  };
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    const sink = (name: keyof typeof out) => {
      const stream = new PassThrough();
      stream.on('data', (chunk) => (out[name] += chunk));
      return stream;
    };
    return { out, stdout: sink('stdout'), stderr: sink('stderr') };
  };

  it('refuses it with the code check gives, before a byte goes out (no API listens here)', async () => {
    const bad = [
      file('empty.txt', ''),
      file('binary.txt', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])),
      file('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9])),
      file('huge.txt', Buffer.alloc(MAX_DRAFT_BYTES + 1, 0x61)),
      file('notes.pdf', '%PDF'),
      path.join(dir, 'missing.txt'),
    ];
    for (const draft of bad) {
      const checked = capture();
      run(['check', '--json', draft], checked.stdout, checked.stderr, false);
      const uploaded = capture();
      const code = await runUpload(
        [draft, '--publisher', 'acme', '--api', 'http://127.0.0.1:9', '--token', 't', '--json'],
        { stdout: uploaded.stdout, stderr: uploaded.stderr, tty: false, stderrTty: false, env: {} },
      );
      expect(code, draft).toBe(2);
      expect(uploaded.out.stderr, draft).toBe('');
      expect(JSON.parse(uploaded.out.stdout).error.code, draft).toBe(
        JSON.parse(checked.out.stdout).error.code,
      );
    }
  });

  it('refuses a file name the API refuses, with the same reason, before a byte goes out', async () => {
    for (const name of [`${'x'.repeat(197)}.txt`, 'draft.txt ', 'invoice\u202Etxt.exe.md']) {
      const request = UploadRequest.safeParse({ name, contentType: 'text/plain', size: 10 });
      expect(request.success, name).toBe(false);
      const { out, stdout, stderr } = capture();
      const code = await runUpload(
        [
          file(name, 'Vitamin C cures colds.'),
          '--publisher',
          'acme',
          '--api',
          'http://127.0.0.1:9',
          '--token',
          't',
        ],
        { stdout, stderr, tty: false, stderrTty: false, env: {} },
      );
      expect(code, name).toBe(2);
      expect(out.stdout, name).toBe('');
      expect(out.stderr, name).toContain(request.error?.issues[0]?.message);
    }
  });

  it('says why on stderr, and nothing on stdout, without --json', async () => {
    const { out, stdout, stderr } = capture();
    const code = await runUpload(
      [file('blank.md', '  \n'), '--publisher', 'acme', '--api', 'http://127.0.0.1:9', '--token', 't'],
      { stdout, stderr, tty: false, stderrTty: false, env: {} },
    );
    expect(code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('could not be checked: draft holds only white space');
  });
});

describe('API client', () => {
  interface Seen {
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
  }
  const seen: Seen[] = [];
  let reply: (request: Seen, response: http.ServerResponse) => void = () => {};
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const entry = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks),
        };
        seen.push(entry);
        reply(entry, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const json = (response: http.ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const upload = (): UploadResponse => ({
    uploadUrl: `${base}/bucket/drafts/acme/a.md?X-Amz-Signature=abc`,
    method: 'PUT',
    headers: { 'content-type': 'text/markdown; charset=utf-8' },
    key: 'drafts/acme/a.md',
    documentId: 'a.md',
    publisherId: 'acme',
    expiresAt: '2026-05-04T10:05:00.000Z',
  });

  it('asks for an upload with the bearer token and a JSON body, and validates the answer', async () => {
    reply = (_request, response) => json(response, 200, upload());
    const client = new ApiClient(`${base}/`, 'tok');
    const answer = await client.requestUpload({
      name: 'a.md',
      contentType: 'text/markdown',
      size: 3,
      publisherId: 'acme',
    });
    expect(answer).toEqual(upload());
    const request = seen.at(-1);
    expect(request).toMatchObject({
      method: 'POST',
      url: '/uploads',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    });
    expect(JSON.parse(request?.body.toString() ?? '')).toEqual({
      name: 'a.md',
      contentType: 'text/markdown',
      size: 3,
      publisherId: 'acme',
    });

    reply = (_request, response) => json(response, 200, { ...upload(), method: 'POST' });
    await expect(client.requestUpload({ name: 'a.md', contentType: 'text/plain', size: 1 })).rejects.toThrow(
      ApiError,
    );
  });

  it("turns the API's error body into an ApiError with its code, and a 404 report into undefined", async () => {
    const client = new ApiClient(base, 'tok');
    reply = (_request, response) =>
      json(response, 403, {
        error: { code: 'forbidden', message: 'a publisher may upload only its own drafts' },
      });
    const refused = await client
      .requestUpload({ name: 'a.md', contentType: 'text/plain', size: 1, publisherId: 'other' })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, code: 'forbidden' });

    reply = (_request, response) => json(response, 404, { error: { code: 'not_found', message: 'not yet' } });
    expect(await client.report('dir/ü.md', { version: 'v+1' })).toBeUndefined();
    expect(seen.at(-1)?.url).toBe(`/drafts/${encodeURIComponent('dir/ü.md')}/versions/v%2B1/report`);
    // With the upload's ETag, the API may answer the latest version's report for the same bytes.
    await client.report('a.md', { version: 'v2', eTag: 'abc' });
    expect(seen.at(-1)?.url).toBe('/drafts/a.md/versions/v2/report?eTag=abc');
  });

  it('PUTs the bytes with the signed headers, reports progress to the end, and answers the version and ETag', async () => {
    const bytes = new Uint8Array(200 * 1024).fill(97);
    reply = (_request, response) => {
      response.writeHead(200, { etag: '"0123abcd"' });
      response.end();
    };
    const progress: number[] = [];
    expect(await putDraft(upload(), bytes, (sent) => progress.push(sent))).toEqual({
      version: '0123abcd',
      eTag: '0123abcd',
    });
    const request = seen.at(-1);
    expect(request).toMatchObject({
      method: 'PUT',
      url: '/bucket/drafts/acme/a.md?X-Amz-Signature=abc',
      headers: { 'content-type': 'text/markdown; charset=utf-8', 'content-length': String(bytes.byteLength) },
    });
    expect(request?.body.equals(Buffer.from(bytes))).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(bytes.byteLength);

    reply = (_request, response) => {
      response.writeHead(200, { etag: '"0123abcd"', 'x-amz-version-id': '3HL4kqtJlcpXroDT+Dm' });
      response.end();
    };
    expect(await putDraft(upload(), bytes)).toEqual({ version: '3HL4kqtJlcpXroDT+Dm', eTag: '0123abcd' });
  });

  it("rejects with S3's error code when the upload is refused", async () => {
    reply = (_request, response) => {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end(
        '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The signature does not match</Message></Error>',
      );
    };
    await expect(putDraft(upload(), new Uint8Array([1]))).rejects.toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });
});
