// The review API's routes. Each Lambda function (functions/review-*.ts) serves one; the local server all.
import type { DashboardService } from '../dashboard/service.js';
import { DraftListResponse, StatsResponse } from '../dashboard/model.js';
import type { ApiHandler } from './http.js';
import { createRoute, parseBody, parseOptionalBody } from './http.js';
import {
  AuditResponse,
  DecisionRequest,
  DecisionResponse,
  DraftResponse,
  LeaseResponse,
  NextRequest,
  NextResponse,
  QueueResponse,
  ReleaseResponse,
  ReportResponse,
  UploadRequest,
  UploadResponse,
} from './model.js';
import type { ReviewLog, ReviewService } from './service.js';
import type { UploadService } from './uploads.js';

/** What the routes call. Each function builds them from its environment (config.ts); the local server from its own. */
export interface ApiServices {
  review: ReviewService;
  dashboard: DashboardService;
  uploads: UploadService;
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
  // Not `queue`: the stack names each route's function `Review<Route>`, and `ReviewQueue` is the queue itself.
  counts: route('GET', '/reviews/queue'),
  extend: route('POST', '/reviews/{leaseId}/extend'),
  release: route('POST', '/reviews/{leaseId}/release'),
  decision: route('POST', '/drafts/{documentId}/versions/{version}/decision'),
  draft: route('GET', '/drafts/{documentId}'),
  audit: route('GET', '/drafts/{documentId}/versions/{version}/audit'),
  stats: route('GET', '/stats'),
  list: route('GET', '/drafts'),
  upload: route('POST', '/uploads'),
  report: route('GET', '/drafts/{documentId}/versions/{version}/report'),
} as const;
export type RouteName = keyof typeof ROUTES;

const param = (params: Record<string, string>, name: string) => params[name] ?? '';

export const ROUTE_HANDLERS: Record<RouteName, (services: ApiServices, log: ReviewLog) => ApiHandler> = {
  stats: ({ dashboard }, log) =>
    createRoute(
      {
        path: ROUTES.stats.path,
        response: StatsResponse,
        handle: ({ principal, query }) => dashboard.stats(principal, query),
      },
      log,
    ),
  list: ({ dashboard }, log) =>
    createRoute(
      {
        path: ROUTES.list.path,
        response: DraftListResponse,
        handle: ({ principal, query }) => dashboard.list(principal, query),
      },
      log,
    ),
  next: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.next.path,
        response: NextResponse,
        handle: ({ principal, event }) => service.next(principal, parseOptionalBody(event, NextRequest, {})),
      },
      log,
    ),
  counts: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.counts.path,
        response: QueueResponse,
        handle: ({ principal }) => service.queue(principal),
      },
      log,
    ),
  release: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.release.path,
        response: ReleaseResponse,
        handle: ({ principal, params }) => service.release(principal, param(params, 'leaseId')),
      },
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
  upload: ({ uploads }, log) =>
    createRoute(
      {
        path: ROUTES.upload.path,
        response: UploadResponse,
        handle: ({ principal, event }) => uploads.upload(principal, parseBody(event, UploadRequest)),
      },
      log,
    ),
  report: ({ review: service }, log) =>
    createRoute(
      {
        path: ROUTES.report.path,
        response: ReportResponse,
        handle: ({ principal, params, query }) =>
          service.report(principal, {
            documentId: param(params, 'documentId'),
            version: param(params, 'version'),
            ...(query.publisherId !== undefined && { publisherId: query.publisherId }),
            ...(query.eTag !== undefined && { eTag: query.eTag }),
          }),
      },
      log,
    ),
};
