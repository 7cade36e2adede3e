// The review API's routes. Each Lambda function (functions/review-*.ts) serves one; the local server all.
import type { ApiHandler } from './http.js';
import { createRoute, parseBody } from './http.js';
import {
  AuditResponse,
  DecisionRequest,
  DecisionResponse,
  DraftResponse,
  LeaseResponse,
  NextResponse,
} from './model.js';
import type { ReviewLog, ReviewService } from './service.js';

/** What the routes call. Each function builds them from its environment (config.ts); the local server from its own. */
export interface ApiServices {
  review: ReviewService;
}

/**
 * A route's method and path template, as API Gateway routes it (`{name}` is one path segment). The CDK stack
 * creates the HTTP API's routes from `method` and `template`; the handlers match `path`, derived from it.
 */
function route<const Method extends 'GET' | 'POST', const Template extends string>(
  method: Method,
  template: Template,
) {
  const source = template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return { method, template, path: new RegExp(`${source}$`) };
}

export const ROUTES = {
  next: route('POST', '/reviews/next'),
  extend: route('POST', '/reviews/{leaseId}/extend'),
  decision: route('POST', '/drafts/{documentId}/versions/{version}/decision'),
  draft: route('GET', '/drafts/{documentId}'),
  audit: route('GET', '/drafts/{documentId}/versions/{version}/audit'),
} as const;
export type RouteName = keyof typeof ROUTES;

const param = (params: Record<string, string>, name: string) => params[name] ?? '';

export const ROUTE_HANDLERS: Record<RouteName, (services: ApiServices, log: ReviewLog) => ApiHandler> = {
  next: ({ review: service }, log) =>
    createRoute(
      { path: ROUTES.next.path, response: NextResponse, handle: ({ principal }) => service.next(principal) },
      log,
    ),
  extend: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.extend.path,
        response: LeaseResponse,
        handle: ({ principal, params }) => service.extend(principal, param(params, 'leaseId')),
      },
      log,
    ),
  decision: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.decision.path,
        response: DecisionResponse,
        handle: ({ principal, params, query, event }) =>
          service.decide(
            principal,
            {
              documentId: param(params, 'documentId'),
              version: param(params, 'version'),
              ...(query.publisherId !== undefined && { publisherId: query.publisherId }),
            },
            parseBody(event, DecisionRequest),
          ),
      },
      log,
    ),
  draft: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.draft.path,
        response: DraftResponse,
        handle: ({ principal, params, query }) =>
          service.draft(principal, param(params, 'documentId'), query.publisherId),
      },
      log,
    ),
  audit: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.audit.path,
        response: AuditResponse,
        handle: ({ principal, params, query }) =>
          service.audit(principal, {
            documentId: param(params, 'documentId'),
            version: param(params, 'version'),
            ...(query.publisherId !== undefined && { publisherId: query.publisherId }),
          }),
      },
      log,
    ),
};
