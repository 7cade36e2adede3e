export interface Token {
  /** Lower-case, curly apostrophes made straight. */
  norm: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Word tokens of `text`, with offsets shifted by `offset`. */
export function tokenize(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const start = offset + match.index;
    tokens.push({ norm: match[0].toLowerCase().replace(/’/g, "'"), start, end: start + match[0].length });
  }
  return tokens;
}
