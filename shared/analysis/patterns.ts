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

/** The source without its `(?!...)` and `(?<!...)` groups: what is left matches wherever the whole did. */
function withoutNegativeLookarounds(source: string): string {
  let kept = '';
  let i = 0;
  while (i < source.length) {
    const opener = source.startsWith('(?!', i) ? 3 : source.startsWith('(?<!', i) ? 4 : 0;
    if (opener === 0) {
      // An escape is copied whole, so an escaped parenthesis opens nothing.
      const length = source[i] === '\\' ? 2 : 1;
      kept += source.slice(i, i + length);
      i += length;
      continue;
    }
    let depth = 1;
    let inClass = false;
    i += opener;
    while (i < source.length && depth > 0) {
      const char = source[i];
      if (char === '\\') i++;
      else if (inClass) inClass = char !== ']';
      else if (char === '[') inClass = true;
      else if (char === '(') depth++;
      else if (char === ')') depth--;
      i++;
    }
  }
  return kept;
}
