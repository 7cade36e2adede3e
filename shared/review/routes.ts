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

const SEGMENT = '[^/]+';
export const ROUTES = {
  next: { method: 'POST', path: new RegExp('/reviews/next$') },
  extend: { method: 'POST', path: new RegExp(`/reviews/(?<leaseId>${SEGMENT})/extend$`) },
  decision: {
    method: 'POST',
    path: new RegExp(`/drafts/(?<documentId>${SEGMENT})/versions/(?<version>${SEGMENT})/decision$`),
  },
  draft: { method: 'GET', path: new RegExp(`/drafts/(?<documentId>${SEGMENT})$`) },
  audit: {
    method: 'GET',
    path: new RegExp(`/drafts/(?<documentId>${SEGMENT})/versions/(?<version>${SEGMENT})/audit$`),
  },
} as const;
export type RouteName = keyof typeof ROUTES;

const param = (params: Record<string, string>, name: string) => params[name] ?? '';

export const ROUTE_HANDLERS: Record<RouteName, (service: ReviewService, log: ReviewLog) => ApiHandler> = {
  next: (service, log) =>
    createRoute(
      { path: ROUTES.next.path, response: NextResponse, handle: ({ principal }) => service.next(principal) },
      log,
    ),
  extend: (service, log) =>
    createRoute(
      {
        path: ROUTES.extend.path,
        response: LeaseResponse,
        handle: ({ principal, params }) => service.extend(principal, param(params, 'leaseId')),
      },
      log,
    ),
  decision: (service, log) =>
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
  draft: (service, log) =>
    createRoute(
      {
        path: ROUTES.draft.path,
        response: DraftResponse,
        handle: ({ principal, params, query }) =>
          service.draft(principal, param(params, 'documentId'), query.publisherId),
      },
      log,
    ),
  audit: (service, log) =>
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
