// Review API, GET /reviews/queue: the queue's counts and the caller's own lease (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('counts');
