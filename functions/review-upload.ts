// Review API, POST /uploads: a presigned PUT URL for a publisher's draft (shared/review/). Behind the HTTP API's JWT authorizer.
import { handlerFromEnv } from '../shared/review/config.js';

export const handler = handlerFromEnv('upload');
