// Issue 5: the review API's pure parts: roles from claims, read rules, the lease token, the HTTP wrapper.
import { describe, expect, it } from 'vitest';
import {
  groupsOf,
  principalFromClaims,
  readablePublisher,
  requireReviewer,
} from '../../../shared/review/auth.js';
import { ReviewApiError } from '../../../shared/review/errors.js';
import { createRoute } from '../../../shared/review/http.js';
import type { ApiEvent } from '../../../shared/review/http.js';
import { decodeLease, encodeLease } from '../../../shared/review/lease.js';
import * as z from '../../../shared/zod.js';

const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ReviewApiError) return error.code;
    throw error;
  }
  return 'ok';
};

describe('principal from JWT claims', () => {
  it('reads the groups as API Gateway passes them and as a JSON array', () => {
    expect(groupsOf('[reviewers viewers]')).toEqual(['reviewers', 'viewers']);
    expect(groupsOf(['publishers'])).toEqual(['publishers']);
    expect(groupsOf(undefined)).toEqual([]);
  });

  it('takes the strongest role and a publisher its publisher id', () => {
    expect(principalFromClaims({ sub: 'u1', 'cognito:groups': '[viewers reviewers]' })).toEqual({
      subject: 'u1',
      role: 'reviewer',
    });
    expect(
      principalFromClaims({ sub: 'u2', 'cognito:groups': '[publishers]', 'custom:publisherId': 'acme' }),
    ).toEqual({ subject: 'u2', role: 'publisher', publisherId: 'acme' });
  });

  it('refuses no subject (401), no group or a publisher without its id (403)', () => {
    expect(code(() => principalFromClaims(undefined))).toBe('unauthorized');
    expect(code(() => principalFromClaims({ sub: 'u', 'cognito:groups': '[admins]' }))).toBe('forbidden');
    expect(code(() => principalFromClaims({ sub: 'u', 'cognito:groups': '[publishers]' }))).toBe('forbidden');
  });

  it("refuses a publisher whose token's publisherId breaks the shared rule (a `#` would merge table keys)", () => {
    for (const id of ['ac#me', 'Acme', 'ac me', 'x'.repeat(65)]) {
      const claims = { sub: 'u', 'cognito:groups': '[publishers]', 'custom:publisherId': id };
      expect(code(() => principalFromClaims(claims))).toBe('forbidden');
    }
  });
});

describe('authorization rules', () => {
  const reviewer = { subject: 'r', role: 'reviewer' as const };
  const viewer = { subject: 'v', role: 'viewer' as const };
  const publisher = { subject: 'p', role: 'publisher' as const, publisherId: 'acme' };

  it('lets only reviewers decide', () => {
    expect(code(() => requireReviewer(reviewer))).toBe('ok');
    expect(code(() => requireReviewer(viewer))).toBe('forbidden');
    expect(code(() => requireReviewer(publisher))).toBe('forbidden');
  });

  it('keeps a publisher to its own drafts; others must name the publisher', () => {
    expect(readablePublisher(publisher, undefined)).toBe('acme');
    expect(readablePublisher(publisher, 'acme')).toBe('acme');
    expect(code(() => readablePublisher(publisher, 'other'))).toBe('forbidden');
    expect(readablePublisher(viewer, 'other')).toBe('other');
    expect(code(() => readablePublisher(viewer, undefined))).toBe('bad_request');
    expect(code(() => readablePublisher(reviewer, ''))).toBe('bad_request');
    expect(code(() => readablePublisher(reviewer, 'ac#me'))).toBe('bad_request');
  });
});

describe('lease token', () => {
  const lease = { id: 'l1', messageId: 'm1', receiptHandle: 'rh+/=', pk: 'DOC#acme#a/ü.md', sk: 'VER#01#v' };

  it('round-trips as URL-safe text', () => {
    const token = encodeLease(lease);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeLease(token)).toEqual(lease);
  });

  it('refuses anything malformed with 400', () => {
    expect(code(() => decodeLease('not a token'))).toBe('bad_request');
    expect(code(() => decodeLease(Buffer.from('{"id":"x"}').toString('base64url')))).toBe('bad_request');
    expect(code(() => decodeLease(Buffer.from('[').toString('base64url')))).toBe('bad_request');
  });
});

describe('HTTP wrapper', () => {
  const event = (claims?: Record<string, string>) =>
    ({
      rawPath: '/x',
      requestContext: { authorizer: claims && { jwt: { claims, scopes: [] } } },
    }) as unknown as ApiEvent;
  const silent = { warn: () => {}, error: () => {} };

  it('answers an unexpected error with a generic 500 and no stack trace', async () => {
    const route = createRoute(
      {
        path: /\/x$/,
        response: z.object({}),
        handle: () => Promise.reject(new Error('secret at /srv/x.ts:1')),
      },
      silent,
    );
    const result = await route(event({ sub: 's', 'cognito:groups': '[viewers]' }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });

  it('answers 401 without claims', async () => {
    const route = createRoute(
      { path: /\/x$/, response: z.object({}), handle: () => Promise.resolve({}) },
      silent,
    );
    expect((await route(event())).statusCode).toBe(401);
  });
});
