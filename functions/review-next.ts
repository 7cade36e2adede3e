// Review API, POST /reviews/next: lease the next flagged draft (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('next');
