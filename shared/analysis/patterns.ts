/**
 * A quick test that every text holding a match of `pattern` passes: the pattern without g, without its \b
 * assertions, which V8 checks slowly at every position under the i and u flags, and without its negative
 * lookarounds (a \b taken out of one would make it refuse more). Run it first, and the full pattern only where
 * it passes. The patterns screened have no \b inside a class (a backspace) and no escaped backslash before a b.
 */
export function screenFor(pattern: RegExp): RegExp {
  return new RegExp(
    withoutNegativeLookarounds(pattern.source).replaceAll('\\b', ''),
    pattern.flags.replace('g', ''),
  );
}

/**
 * Whether a text holds a match of `pattern`, its screen tried first: for the patterns run on most sentences,
 * which rarely match.
 */
export function screenedTest(pattern: RegExp): (text: string) => boolean {
  const screen = screenFor(pattern);
  // Without g, so that one test does not move the next one on.
  const whole = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  return (text) => screen.test(text) && whole.test(text);
}

/** The source without its `(?!...)` and `(?<!...)` groups: what is left matches wherever the whole did. */
function withoutNegativeLookarounds(source: string): string {
  let kept = '';
  let i = 0;
  while (i < source.length) {
    const opener = source.startsWith('(?!', i) ? 3 : source.startsWith('(?<!', i) ? 4 : 0;
    if (opener === 0) {
      const end = unitEnd(source, i);
      kept += source.slice(i, end);
      i = end;
      continue;
    }
    let depth = 1;
    i += opener;
    while (i < source.length && depth > 0) {
      if (source[i] === '(') depth++;
      else if (source[i] === ')') depth--;
      i = unitEnd(source, i);
    }
  }
  return kept;
}

/**
 * Where the unit of a pattern's source at `i` ends: an escape, a whole character class, or one character (so an
 * escaped or classed parenthesis opens and closes nothing).
 */
function unitEnd(source: string, i: number): number {
  if (source[i] === '\\') return i + 2;
  if (source[i] !== '[') return i + 1;
  let j = i + 1;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}
