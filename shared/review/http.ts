// API Gateway (HTTP API, payload 2.0) events in, JSON out. Every body is validated; errors are
// `{ error: { code, message, details? } }` and never carry a stack trace.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from '../zod.js';
import { principalFromClaims } from './auth.js';
import { ReviewApiError } from './errors.js';
import type { ErrorBody, Principal } from './model.js';
import type { ReviewLog } from './service.js';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };
export type ApiHandler = (event: ApiEvent) => Promise<ApiResult>;

export interface RouteRequest {
  principal: Principal;
  /** The path's parameters, percent-decoded (ids may hold `/` and any Unicode: clients encode each segment). */
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  event: ApiEvent;
}

export interface RouteSpec<Out> {
  /** Matched against the end of rawPath (a stage prefix may come first); named groups are the parameters. */
  path: RegExp;
  response: z.ZodMiniType<Out>;
  handle(request: RouteRequest): Promise<Out>;
}

const json = (statusCode: number, body: unknown): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export function errorResult(error: ReviewApiError): ApiResult {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details !== undefined && { details: error.details }),
    },
  };
  return json(error.status, body);
}

const rawBody = (event: ApiEvent) =>
  event.body === undefined
    ? ''
    : event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;

/** The request body, parsed as JSON and validated; 400 otherwise. */
export function parseBody<T>(event: ApiEvent, schema: z.ZodMiniType<T>): T {
  const raw = rawBody(event);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ReviewApiError('bad_request', 'the body must be JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ReviewApiError('bad_request', z.prettifyError(parsed.error));
  return parsed.data;
}

/** As parseBody, for a route whose body may be left out: no body (or only white space) is `absent`. */
export function parseOptionalBody<T>(event: ApiEvent, schema: z.ZodMiniType<T>, absent: T): T {
  return rawBody(event).trim() === '' ? absent : parseBody(event, schema);
}

function pathParams(event: ApiEvent, path: RegExp): Record<string, string> {
  const match = path.exec(event.rawPath);
  if (match === null) throw new ReviewApiError('not_found', 'no such route');
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(match.groups ?? {})) {
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      throw new ReviewApiError('bad_request', `the ${name} path segment is not valid percent-encoding`);
    }
  }
  return params;
}

export function createRoute<Out>(spec: RouteSpec<Out>, log: ReviewLog): ApiHandler {
  return async (event) => {
    try {
      const principal = principalFromClaims(event.requestContext.authorizer?.jwt?.claims);
      const params = pathParams(event, spec.path);
      const output = await spec.handle({
        principal,
        params,
        query: event.queryStringParameters ?? {},
        event,
      });
      const checked = spec.response.safeParse(output);
      if (!checked.success) {
        log.error('Response failed its schema', { issues: z.prettifyError(checked.error) });
        throw new Error('invalid response');
      }
      return json(200, checked.data);
    } catch (error) {
      if (error instanceof ReviewApiError) return errorResult(error);
      log.error('Review API request failed', { error: error instanceof Error ? error.stack : String(error) });
      return errorResult(new ReviewApiError('internal', 'internal error'));
    }
  };
}
