// Review API, POST /drafts/{documentId}/versions/{version}/decision: record a decision (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('decision');
