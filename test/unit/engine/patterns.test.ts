import { describe, expect, it } from 'vitest';
import { screenedTest, screenFor } from '../../../shared/analysis/patterns.js';

describe('a pattern screen', () => {
  const pattern = /\b(?:daily|twice|times\s+a\s+day)\b/giu;
  const screen = screenFor(pattern);

  it('passes every text the pattern matches, in any case', () => {
    for (const text of ['Take it DAILY.', 'twice, with food', 'three Times a  day'])
      expect([text, new RegExp(pattern.source, 'iu').test(text), screen.test(text)]).toEqual([
        text,
        true,
        true,
      ]);
  });

  it('skips a text without the words, and may pass one the full pattern then rejects', () => {
    expect(screen.test('once a week')).toBe(false);
    expect(screen.test('dailyness')).toBe(true);
    expect(/\b(?:daily)\b/iu.test('dailyness')).toBe(false);
  });

  it('is not global, so one test does not move the next one on', () => {
    expect(screen.flags).not.toContain('g');
    expect([screen.test('daily'), screen.test('daily')]).toEqual([true, true]);
  });

  it('passes what a pattern with a negative lookaround matches, where a \\b taken out of it would refuse', () => {
    const guarded = /(?<!\bmay\s)\bis\s+not\s+meant(?![(\w])/iu;
    const guardedScreen = screenFor(guarded);
    // "dismay" does not end in the word "may", so the full pattern matches after it.
    expect([
      guarded.test('to their dismay is not meant'),
      guardedScreen.test('to their dismay is not meant'),
    ]).toEqual([true, true]);
    expect(guardedScreen.test('it is not said')).toBe(false);
  });

  it('as a screened test, answers as the whole pattern does, again and again for a global one', () => {
    const saysDaily = screenedTest(pattern);
    expect(['Take it daily.', 'Take it daily.', 'dailyness', 'once a week'].map(saysDaily)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
