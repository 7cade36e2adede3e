// The review API's errors: each has an HTTP status and a stable code; the message is safe to show.
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  internal: 500,
} as const;
export type ReviewErrorCode = keyof typeof ERROR_STATUS;

export class ReviewApiError extends Error {
  constructor(
    readonly code: ReviewErrorCode,
    message: string,
    /** Extra JSON for the client, e.g. the record's current state on a 409. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ReviewApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
