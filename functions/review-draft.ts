// Review API, GET /drafts/{documentId}: latest result and history (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('draft');
