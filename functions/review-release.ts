// Review API, POST /reviews/{leaseId}/release: hand a lease back to the queue now (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('release');
