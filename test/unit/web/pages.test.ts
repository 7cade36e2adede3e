// The pages' pure parts: cutting text at claims, lease countdowns, PKCE and token expiry.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { challengeOf, jwtExpiry, randomVerifier } from '../../../web/src/auth.js';
import { segments } from '../../../web/src/highlight.js';
import { addDays } from '../../../shared/dashboard/counters.js';
import { formatDuration, remaining } from '../../../web/src/time.js';
import { draftContentType, uploadedVersion } from '../../../web/src/upload.js';

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

describe('uploads', () => {
  it('types a draft by its extension, as the upload URL will sign it', () => {
    expect(draftContentType('notes.md')).toBe('text/markdown');
    expect(draftContentType('NOTES.MARKDOWN')).toBe('text/markdown');
    expect(draftContentType('page.htm')).toBe('text/html');
    expect(draftContentType('draft.txt')).toBe('text/plain');
    expect(draftContentType('README')).toBe('text/plain');
    expect(draftContentType('photo.png')).toBeUndefined();
  });

  it('names the version as the pipeline does: the version id when versioned, else the bare ETag', () => {
    expect(uploadedVersion('3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY', '"abc"')).toBe(
      '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    );
    expect(uploadedVersion(null, '"9b2cf535f27731c974343645a3985328"')).toBe(
      '9b2cf535f27731c974343645a3985328',
    );
    expect(uploadedVersion('', '"abc"')).toBe('abc');
    expect(uploadedVersion(null, null)).toBeUndefined();
  });
});

describe('dashboard times', () => {
  it('formats durations and counts days back in UTC', () => {
    expect([45, 720, 12_600, 190_000].map(formatDuration)).toEqual(['45 s', '12 min', '3.5 h', '2.2 d']);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-26', -29)).toBe('2026-10-28');
  });
});
