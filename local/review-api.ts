// The review API on loopback: the same route handlers as the Lambda functions (functions/review-*.ts), called
// in-process with the API Gateway v2 event a JWT authorizer would pass. Roles are simulated by bearer
// tokens, one per principal, generated at start: each maps to the claims a Cognito user of that group has.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsClients } from '../shared/pipeline/config.js';
import { REVIEW_API } from '../shared/pipeline/resources.js';
import { ReviewApiError } from '../shared/review/errors.js';
import type { ApiEvent, ApiHandler, ApiResult } from '../shared/review/http.js';
import { errorResult } from '../shared/review/http.js';
import type { Role } from '../shared/review/model.js';
import type { RouteName } from '../shared/review/routes.js';
import { ROUTE_HANDLERS, ROUTES } from '../shared/review/routes.js';
import { createApiServices } from '../shared/review/config.js';
import type { ReviewLog } from '../shared/review/service.js';
import { DEFAULT_PAGES_DIR, servePage } from './web-pages.js';

export interface LocalPrincipal {
  /** Names the token; the subject is `local-<name>`. */
  name: string;
  role: Role;
  publisherId?: string;
}

export const DEFAULT_LOCAL_PRINCIPALS: LocalPrincipal[] = [
  { name: 'reviewer', role: 'reviewer' },
  { name: 'viewer', role: 'viewer' },
  { name: 'publisher', role: 'publisher', publisherId: 'local' },
];

export interface ReviewApiServerOptions {
  clients: AwsClients;
  tableName: string;
  reviewQueueUrl: string;
  /** Where `next` moves a message no reviewer can use (as the stack's next function). */
  reviewDlqUrl?: string;
  /** The drafts bucket, where POST /uploads presigns; without it uploads answer 500. */
  bucket?: string;
  /** Default REVIEW_API.leaseSeconds. */
  leaseSeconds?: number;
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  principals?: LocalPrincipal[];
  /** The built web pages to serve (default web/dist); false serves only the API. */
  pagesDir?: string | false;
  log?: ReviewLog;
}

export interface ReviewApiServer {
  url: string;
  /** Bearer token per principal name. */
  tokens: Record<string, string>;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const GROUP = {
  reviewer: REVIEW_API.groups.reviewer,
  viewer: REVIEW_API.groups.viewer,
  publisher: REVIEW_API.groups.publisher,
};

function claimsOf(principal: LocalPrincipal): Record<string, string> {
  return {
    [REVIEW_API.claims.subject]: `local-${principal.name}`,
    [REVIEW_API.claims.username]: principal.name,
    // API Gateway's JWT authorizer passes the groups array in this form.
    [REVIEW_API.claims.groups]: `[${GROUP[principal.role]}]`,
    ...(principal.publisherId !== undefined && { [REVIEW_API.claims.publisherId]: principal.publisherId }),
  };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new ReviewApiError('bad_request', 'the body is too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function toEvent(
  request: http.IncomingMessage,
  url: URL,
  routeKey: string,
  claims: Record<string, string>,
  body: string,
): ApiEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  const query = Object.fromEntries(url.searchParams);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(8).toString('hex'),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
    ...(body !== '' && { body }),
    isBase64Encoded: false,
  };
}

export async function startReviewApiServer(options: ReviewApiServerOptions): Promise<ReviewApiServer> {
  const log: ReviewLog = options.log ?? { warn: console.warn, error: console.error };
  const pagesDir = options.pagesDir === false ? undefined : (options.pagesDir ?? DEFAULT_PAGES_DIR);
  const services = createApiServices(
    options.clients,
    {
      tableName: options.tableName,
      reviewQueueUrl: options.reviewQueueUrl,
      ...(options.reviewDlqUrl !== undefined && { reviewDlqUrl: options.reviewDlqUrl }),
      leaseSeconds: options.leaseSeconds ?? REVIEW_API.leaseSeconds,
      bucketName: options.bucket,
    },
    log,
  );
  const handlers = Object.fromEntries(
    Object.entries(ROUTE_HANDLERS).map(([name, create]) => [name, create(services, log)]),
  ) as Record<RouteName, ApiHandler>;
  const byToken = new Map<string, Record<string, string>>();
  const tokens: Record<string, string> = {};
  for (const principal of options.principals ?? DEFAULT_LOCAL_PRINCIPALS) {
    const token = randomBytes(24).toString('base64url');
    tokens[principal.name] = token;
    byToken.set(token, claimsOf(principal));
  }

  const respond = (response: http.ServerResponse, result: ApiResult) => {
    for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, String(value));
    response.writeHead(result.statusCode);
    response.end(result.body);
  };
  const server = http.createServer((request, response) => {
    void (async () => {
      try {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const match = (Object.entries(ROUTES) as Array<[RouteName, (typeof ROUTES)[RouteName]]>).find(
          ([, route]) =>
            route.method === request.method && new RegExp(`^${route.path.source}`).test(url.pathname),
        );
        if (match === undefined && request.method === 'GET' && pagesDir !== undefined)
          if (await servePage(pagesDir, url.pathname, response)) return;
        // As API Gateway with a JWT authorizer: no valid token, 401 before any handler runs.
        const auth = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
        const claims = auth?.[1] === undefined ? undefined : byToken.get(auth[1]);
        if (claims === undefined)
          throw new ReviewApiError('unauthorized', 'a valid bearer token is required');
        if (match === undefined) throw new ReviewApiError('not_found', 'no such route');
        const [name, route] = match;
        const body = await readBody(request);
        respond(
          response,
          await handlers[name](toEvent(request, url, `${route.method} ${name}`, claims, body)),
        );
      } catch (error) {
        if (!(error instanceof ReviewApiError))
          log.error('Local review API failed', { error: String(error) });
        respond(
          response,
          errorResult(
            error instanceof ReviewApiError ? error : new ReviewApiError('internal', 'internal error'),
          ),
        );
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/** The URL, the tokens and a first request, for `npm start` to print. */
export function reviewApiHelp(api: ReviewApiServer): string {
  const tokens = Object.entries(api.tokens).map(([name, token]) => `  ${name.padEnd(10)} ${token}`);
  const page = (file: string, principal: string) =>
    api.tokens[principal] === undefined
      ? []
      : [`  ${file.padEnd(10)} ${api.url}/${file}.html#token=${api.tokens[principal]}`];
  const pages = [
    ...page('review', 'reviewer'),
    ...page('dashboard', 'viewer'),
    ...page('publisher', 'publisher'),
  ];
  return `Pages (each link carries its role's token; open it in a browser):
${pages.join('\n')}
Review API ${api.url} (loopback only; tokens are new at every start):
${tokens.join('\n')}
  curl -s -X POST ${api.url}/reviews/next -H "authorization: Bearer ${api.tokens.reviewer ?? '<token>'}"
  curl -s "${api.url}/drafts/<url-encoded documentId>" -H "authorization: Bearer ${api.tokens.publisher ?? '<token>'}"
  npx claimscan upload <file> --publisher local --api ${api.url} --token ${api.tokens.publisher ?? '<token>'}`;
}
