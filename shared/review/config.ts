// The review functions' environment and wiring. Built on the first request, so importing a handler
// module (the local server does) needs no environment.
import { Logger } from '@aws-lambda-powertools/logger';
import { DashboardService } from '../dashboard/service.js';
import * as z from '../zod.js';
import type { AwsClients } from '../pipeline/config.js';
import { createAwsClients } from '../pipeline/config.js';
import { ENV, REVIEW_API } from '../pipeline/resources.js';
import type { ApiEvent, ApiHandler, ApiResult } from './http.js';
import type { ApiServices, RouteName } from './routes.js';
import { ROUTE_HANDLERS } from './routes.js';
import type { ReviewLog } from './service.js';
import { ReviewService } from './service.js';
import { UploadService } from './uploads.js';

export const ReviewApiConfig = z.pipe(
  z.object({
    [ENV.tableName]: z.string().check(z.minLength(1)),
    [ENV.reviewQueueUrl]: z.url(),
    [ENV.reviewDlqUrl]: z.optional(z.url()),
    [ENV.reviewLeaseSeconds]: z.optional(z.string().check(z.regex(/^\d+$/))),
    [ENV.bucketName]: z.optional(z.string().check(z.minLength(1))),
  }),
  z.transform((env) => ({
    tableName: env[ENV.tableName],
    reviewQueueUrl: env[ENV.reviewQueueUrl],
    /** Only the `next` function has it: it moves messages no reviewer can use there. */
    ...(env[ENV.reviewDlqUrl] !== undefined && { reviewDlqUrl: env[ENV.reviewDlqUrl] }),
    leaseSeconds: Math.min(
      Number(env[ENV.reviewLeaseSeconds] ?? REVIEW_API.leaseSeconds),
      REVIEW_API.maxLeaseSeconds,
    ),
    /** Only the upload function has it (presigned URLs name the bucket); the others read a record's own. */
    ...(env[ENV.bucketName] !== undefined && { bucketName: env[ENV.bucketName] }),
  })),
);

export type ApiConfig = z.infer<typeof ReviewApiConfig>;

/** Every service the routes call, on one set of clients and settings. */
export function createApiServices(clients: AwsClients, config: ApiConfig, log: ReviewLog): ApiServices {
  return {
    review: new ReviewService({ ...clients, ...config, log }),
    dashboard: new DashboardService({ ...clients, ...config }),
    uploads: new UploadService({ s3: clients.s3, bucketName: config.bucketName }),
  };
}

/** A function's `handler`: the route's handler on clients and config from the environment. */
export function handlerFromEnv(route: RouteName): (event: ApiEvent) => Promise<ApiResult> {
  let handler: ApiHandler | undefined;
  return (event) => {
    if (handler === undefined) {
      const config = ReviewApiConfig.parse(process.env);
      const logger = new Logger({ serviceName: 'review-api' });
      const clients = createAwsClients();
      handler = ROUTE_HANDLERS[route](createApiServices(clients, config, logger), logger);
    }
    return handler(event);
  };
}
