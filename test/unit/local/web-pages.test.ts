// The local server's static pages: only files of the built folder, with the page's security headers.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { servePage } from '../../../local/web-pages.js';
import { PageConfig } from '../../../shared/review/page-config.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'claimscan-pages-'));
  const pages = join(root, 'dist');
  await mkdir(join(pages, 'assets'), { recursive: true });
  await writeFile(join(pages, 'index.html'), '<!doctype html><title>home</title>');
  await writeFile(join(pages, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.json'), '{"secret":true}');
  server = http.createServer((request, response) => {
    void servePage(pages, new URL(request.url ?? '/', 'http://x').pathname, response).then((served) => {
      if (!served) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('serves the pages with their content type and a CSP that allows only their own scripts', async () => {
  const home = await fetch(`${base}/`);
  expect(home.status).toBe(200);
  expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(home.headers.get('content-security-policy')).toContain("script-src 'self';");
  expect(await home.text()).toContain('<title>home</title>');
  const script = await fetch(`${base}/assets/app.js`);
  expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
});

it('answers the local page config: the API on the same origin, tokens from the link', async () => {
  const config = PageConfig.parse(await (await fetch(`${base}/config.json`)).json());
  expect(config).toEqual({ auth: 'local', apiUrl: '' });
});

it('serves nothing outside the built folder, however the path is encoded', async () => {
  for (const path of [
    '/../secret.json',
    '/..%2Fsecret.json',
    '/%2e%2e/secret.json',
    '/assets/..%2F..%2Fsecret.json',
  ])
    expect((await fetch(`${base}${path}`)).status, path).toBe(404);
  expect((await fetch(`${base}/missing.html`)).status).toBe(404);
  expect((await fetch(`${base}/assets/app`)).status).toBe(404);
});
