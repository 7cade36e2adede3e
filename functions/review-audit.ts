// Review API, GET /drafts/{documentId}/versions/{version}/audit: the audit trail (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';
import type { ReviewLog, ReviewService } from '../shared/review/service.js';
import { ROUTE_HANDLERS } from '../shared/review/routes.js';

/** The handler on given dependencies: the local server and the tests use this. */
export const createHandler = (service: ReviewService, log: ReviewLog) => ROUTE_HANDLERS.audit(service, log);

export const handler = handlerFromEnv('audit');
