// Who may do what. Pure: the handlers turn JWT claims into a Principal and ask these rules.
import { publisherIdProblem } from '../pipeline/names.js';
import { REVIEW_API } from '../pipeline/resources.js';
import { ReviewApiError } from './errors.js';
import type { Principal, Role } from './model.js';

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/** API Gateway's JWT authorizer passes an array claim as "[a b]"; a raw JWT has a JSON array. */
export function groupsOf(value: Claims[string]): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((group) => group !== '');
}

/** The strongest role the groups give: reviewer, then viewer, then publisher (which needs its publisher id). */
export function principalFromClaims(claims: Claims | undefined): Principal {
  const { subject, groups, publisherId, email, username } = REVIEW_API.claims;
  const sub = claims?.[subject];
  const named = [claims?.[email], claims?.[username]].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  const name = named === undefined ? {} : { name: named };
  if (typeof sub !== 'string' || sub === '') throw new ReviewApiError('unauthorized', 'not authenticated');
  const memberOf = new Set(groupsOf(claims?.[groups]));
  const role: Role | undefined = memberOf.has(REVIEW_API.groups.reviewer)
    ? 'reviewer'
    : memberOf.has(REVIEW_API.groups.viewer)
      ? 'viewer'
      : memberOf.has(REVIEW_API.groups.publisher)
        ? 'publisher'
        : undefined;
  if (role === undefined) throw new ReviewApiError('forbidden', 'the caller is in no claimscan group');
  if (role !== 'publisher') return { subject: sub, role, ...name };
  const own = claims?.[publisherId];
  if (typeof own !== 'string' || own === '')
    throw new ReviewApiError('forbidden', 'a publisher needs a publisherId claim');
  // An administrator's typo must not let two publishers' keys run together (a `#` would).
  const problem = publisherIdProblem(own);
  if (problem !== undefined)
    throw new ReviewApiError('forbidden', `the token's publisherId claim is not valid: ${problem}`);
  return { subject: sub, role, publisherId: own, ...name };
}

/** Taking drafts, extending leases and deciding: reviewers only. */
export function requireReviewer(principal: Principal): void {
  if (principal.role !== 'reviewer') throw new ReviewApiError('forbidden', 'only reviewers may do this');
}

/** Uploading: publishers only, into their own prefix; a requested publisher that is not the caller is refused. */
export function uploadingPublisher(principal: Principal, requested: string | undefined): string {
  if (principal.role !== 'publisher' || principal.publisherId === undefined)
    throw new ReviewApiError('forbidden', 'only publishers upload drafts');
  if (requested !== undefined && requested !== principal.publisherId)
    throw new ReviewApiError('forbidden', 'a publisher may upload only its own drafts');
  return principal.publisherId;
}

/**
 * The publisher whose drafts a read is about. Reviewers and viewers must name it (`?publisherId=`);
 * a publisher reads only its own, so another publisher's id is refused.
 */
export function readablePublisher(principal: Principal, requested: string | undefined): string {
  if (principal.role === 'publisher') {
    if (requested !== undefined && requested !== principal.publisherId)
      throw new ReviewApiError('forbidden', 'a publisher may read only its own drafts');
    if (principal.publisherId === undefined) throw new ReviewApiError('forbidden', 'no publisherId');
    return principal.publisherId;
  }
  if (requested === undefined || requested === '')
    throw new ReviewApiError('bad_request', 'the publisherId query parameter is required');
  const problem = publisherIdProblem(requested);
  if (problem !== undefined) throw new ReviewApiError('bad_request', `publisherId: ${problem}`);
  return requested;
}
