// Review API, GET /drafts/{documentId}/versions/{version}/report: one version's full report (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('report');
