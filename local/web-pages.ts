// The web pages (web/dist, built by `npm run build`) on the local API server's origin, so the pages call the
// API without CORS. Static files need no token; every API route still does.
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PageConfig } from '../shared/review/page-config.js';
import { PAGE_CONFIG_PATH, WEB_DIST_DIR } from '../shared/review/page-config.js';

export const DEFAULT_PAGES_DIR = fileURLToPath(new URL(`../${WEB_DIST_DIR}/`, import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/** As the stack's CloudFront policy: only the page's own scripts and styles; uploads go to the local S3. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self' http://127.0.0.1:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const LOCAL_CONFIG: PageConfig = { auth: 'local', apiUrl: '' };

/** Answers a GET for a page, an asset or the pages' config; false when the path is none of those. */
export async function servePage(
  pagesDir: string,
  pathname: string,
  response: http.ServerResponse,
): Promise<boolean> {
  const send = (type: string, body: string | Buffer) => {
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    response.end(body);
  };
  if (pathname === PAGE_CONFIG_PATH) {
    send(TYPES['.json'] ?? '', JSON.stringify(LOCAL_CONFIG));
    return true;
  }
  const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname));
  const file = join(pagesDir, relative);
  const type = TYPES[extname(file)];
  if (type === undefined || !file.startsWith(pagesDir.endsWith(sep) ? pagesDir : pagesDir + sep))
    return false;
  try {
    send(type, await readFile(file));
    return true;
  } catch {
    return false;
  }
}
