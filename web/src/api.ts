// The API as the pages call it: a bearer token on every request, every response checked against its schema.
import { ErrorBody } from '../../shared/review/model.js';
import type * as z from '../../shared/zod.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** What to show for a failure: the API's message, or the error's own. */
export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Each path segment encoded on its own: document ids may hold `/` and any Unicode. */
export const path = (strings: TemplateStringsArray, ...values: string[]) =>
  strings.reduce(
    (out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i] ?? '') : ''),
    '',
  );

export class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    schema: z.ZodMiniType<T>,
    body?: unknown,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network', 'The API could not be reached. Check the connection and try again.');
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = ErrorBody.safeParse(payload);
      if (error.success)
        throw new ApiError(
          response.status,
          error.data.error.code,
          error.data.error.message,
          error.data.error.details,
        );
      throw new ApiError(response.status, 'http', `The API answered ${response.status}.`);
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success)
      throw new ApiError(response.status, 'bad_response', 'The API sent an unexpected answer.');
    return parsed.data;
  }
}
