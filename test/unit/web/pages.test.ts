// The pages' pure parts: cutting text at claims, lease countdowns, PKCE and token expiry.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { challengeOf, jwtExpiry, randomVerifier } from '../../../web/src/auth.js';
import { segments } from '../../../web/src/highlight.js';
import { remaining } from '../../../web/src/time.js';

const span = (start: number, end: number, id = `${start}-${end}`) => ({ start, end, id });

describe('segments', () => {
  const text = 'Magnesium cures depression. It is green.';

  it('cuts the text at each span and keeps every character once, in order', () => {
    const cut = segments(text, [span(28, 40), span(0, 26)]);
    expect(cut.map((piece) => [piece.text, piece.span?.id])).toEqual([
      ['Magnesium cures depression', '0-26'],
      ['. ', undefined],
      ['It is green.', '28-40'],
    ]);
    expect(cut.map((piece) => piece.text).join('')).toBe(text);
  });

  it('gives an overlap to the earlier span and clips spans past the end', () => {
    const cut = segments(text, [span(10, 20, 'b'), span(0, 15, 'a'), span(38, 99, 'c'), span(99, 120, 'd')]);
    expect(cut.map((piece) => [piece.text, piece.span?.id])).toEqual([
      ['Magnesium cures', 'a'],
      [' depr', 'b'],
      ['ession. It is gree', undefined],
      ['n.', 'c'],
    ]);
    expect(cut.map((piece) => piece.text).join('')).toBe(text);
  });

  it('returns the whole text when nothing is marked', () => {
    expect(segments(text, [])).toEqual([{ text }]);
  });
});

describe('remaining', () => {
  const at = Date.parse('2026-11-26T10:00:00Z');
  it('counts down in m:ss and is undefined once the lease has passed', () => {
    expect(remaining('2026-11-26T10:15:00Z', at)).toBe('15:00');
    expect(remaining('2026-11-26T10:00:09.500Z', at)).toBe('0:09');
    expect(remaining('2026-11-26T10:00:00Z', at)).toBeUndefined();
    expect(remaining('2026-11-26T09:59:00Z', at)).toBeUndefined();
    expect(remaining('not a date', at)).toBeUndefined();
  });
});

describe('sign-in helpers', () => {
  it('derives the PKCE challenge as base64url(SHA-256(verifier))', async () => {
    const verifier = randomVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await challengeOf(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(randomVerifier()).not.toBe(verifier);
  });

  it("reads a JWT's expiry and treats anything unreadable as expired", () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'u', exp: 1_800_000_000 })).toString('base64url');
    expect(jwtExpiry(`header.${payload}.signature`)).toBe(1_800_000_000);
    expect(jwtExpiry('not-a-jwt')).toBe(0);
    expect(jwtExpiry(`h.${Buffer.from('{"exp":"soon"}').toString('base64url')}.s`)).toBe(0);
  });
});
