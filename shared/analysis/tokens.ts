import type { Sentence } from './sentences.js';

export interface Token {
  /** Lower-case, curly apostrophes made straight. */
  norm: string;
  start: number;
  end: number;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(code: number, text: string, at: number): boolean {
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  // Surrogate pairs and other non-ASCII: ask Unicode.
  return LETTER_OR_DIGIT.test(code >= 0xd800 && code <= 0xdbff ? text.slice(at, at + 2) : text[at]!);
}

/**
 * Word tokens of `text` (letters and digits, with inner apostrophes: "don't"), offsets shifted by
 * `offset`. A hand-written scan: this runs over every character of every draft.
 */
export function tokenize(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (!isWordChar(code, text, i)) {
      i++;
      continue;
    }
    const start = i;
    let apostrophe = false;
    while (i < length) {
      const next = text.charCodeAt(i);
      if (isWordChar(next, text, i)) i += next >= 0xd800 && next <= 0xdbff ? 2 : 1;
      else if (
        (next === 39 || next === 0x2019) &&
        i + 1 < length &&
        isWordChar(text.charCodeAt(i + 1), text, i + 1)
      ) {
        apostrophe ||= next === 0x2019;
        i++;
      } else break;
    }
    const lower = text.slice(start, i).toLowerCase();
    tokens.push({
      norm: apostrophe ? lower.replace(/’/g, "'") : lower,
      start: offset + start,
      end: offset + i,
    });
  }
  return tokens;
}

/** A sentence's tokens, computed once however many analyses read them. */
export function tokensOf(sentence: Sentence): Token[] {
  sentence.tokens ??= tokenize(sentence.text, sentence.start);
  return sentence.tokens;
}
