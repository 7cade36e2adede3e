/**
 * A quick test that every text holding a match of `pattern` passes: the pattern without g and without its \b
 * assertions, which V8 checks slowly at every position under the i and u flags. Run it first, and the full
 * pattern only where it passes. The patterns screened have no \b inside a class (a backspace) and no escaped
 * backslash before a b.
 */
export function screenFor(pattern: RegExp): RegExp {
  return new RegExp(pattern.source.replaceAll('\\b', ''), pattern.flags.replace('g', ''));
}
