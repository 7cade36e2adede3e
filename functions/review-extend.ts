// Review API, POST /reviews/{leaseId}/extend: restart the lease (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('extend');
