// Where an offset of the draft is for a person: line and column (1-based), and the line itself.

export interface Location {
  line: number;
  /** 1-based, in UTF-16 code units as the result's offsets (and most editors' status bars) count them. */
  column: number;
  /** The line's text, without its line break. */
  lineText: string;
}

/** Finds lines by binary search over their starts, built in one pass: any number of lookups stays cheap. */
export function locator(text: string): (offset: number) => Location {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= at) low = mid;
      else high = mid - 1;
    }
    const start = starts[low] ?? 0;
    const next = starts[low + 1];
    let end = next === undefined ? text.length : next - 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    return {
      line: low + 1,
      column: at - start + 1,
      lineText: text.slice(start, end),
    };
  };
}

/**
 * At most `width` characters of a line around a column, with "…" where it was cut: a minified HTML draft is
 * one long line, and a terminal shows one screen of it.
 */
export function excerpt(lineText: string, column: number, width = 100): string {
  const from = Math.max(0, Math.min(column - 1 - Math.floor(width / 4), lineText.length - width));
  const to = Math.min(lineText.length, from + width);
  const shown = lineText.slice(from, to).replace(/\s+/g, ' ').trim();
  return `${from > 0 ? '…' : ''}${shown}${to < lineText.length ? '…' : ''}`;
}
