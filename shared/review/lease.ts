// The lease token: the SQS receipt handle and the version it is about, wrapped so clients treat it as opaque.
import * as z from '../zod.js';
import { ReviewApiError } from './errors.js';

export const LeaseToken = z.strictObject({
  /** Random per lease; the version item holds it while the lease is live. */
  id: z.string().check(z.minLength(1)),
  messageId: z.string().check(z.minLength(1)),
  receiptHandle: z.string().check(z.minLength(1)),
  pk: z.string().check(z.minLength(1)),
  sk: z.string().check(z.minLength(1)),
});
export type LeaseToken = z.infer<typeof LeaseToken>;

export function encodeLease(lease: LeaseToken): string {
  return Buffer.from(JSON.stringify(LeaseToken.parse(lease)), 'utf8').toString('base64url');
}

/** Any malformed token is a 400; a well-formed one may still be stale, which the table's condition decides. */
export function decodeLease(token: string): LeaseToken {
  let json: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ReviewApiError('bad_request', 'the lease token is malformed');
  }
  const parsed = LeaseToken.safeParse(json);
  if (!parsed.success) throw new ReviewApiError('bad_request', 'the lease token is malformed');
  return parsed.data;
}
