import { describe, expect, it } from 'vitest';
import { analyseText } from '../../../shared/engine.js';

const sentencesOf = (text: string) =>
  analyseText({ source: 'test', documentId: 'test', text, format: 'text' }).sentences.map((sentence) =>
    sentence.text.trim(),
  );

describe('sentence ends', () => {
  it('ends a question that trails off into an ellipsis before a capital, space or none', () => {
    expect(sentencesOf('Does your child skip breakfast?...Kids who skip it tire by noon.')).toEqual([
      'Does your child skip breakfast?...',
      'Kids who skip it tire by noon.',
    ]);
    expect(sentencesOf('Tired all the time?... Your iron may be low.')).toEqual([
      'Tired all the time?...',
      'Your iron may be low.',
    ]);
  });

  it('keeps a sentence whole where the ellipsis only pauses it', () => {
    expect(sentencesOf('We tried everything... and then the rash faded.')).toHaveLength(1);
    expect(sentencesOf('Could it really be that simple?... maybe not.')).toHaveLength(1);
  });
});
