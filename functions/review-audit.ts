// Review API, GET /drafts/{documentId}/versions/{version}/audit: the audit trail (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('audit');
