// Review API, GET /drafts: the dashboard's paginated list, newest first (shared/dashboard/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('list');
