// Review API, GET /stats: the dashboard's counts, rates, durations and backlog (shared/dashboard/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('stats');
