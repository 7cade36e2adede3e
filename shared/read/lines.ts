export interface Line {
  start: number;
  /** End of the line's content, before its line break. */
  end: number;
}

/** Splits text into lines (\n, \r\n or \r) in one pass. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13) {
      lines.push({ start, end: i });
      if (code === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < text.length) lines.push({ start, end: text.length });
  return lines;
}

/** A list marker at the start of a line: "- ", "* ", "• ", "1. ", "2) ". Returns the content start or -1. */
export function listItemContentStart(text: string, line: Line): number {
  const match = LIST_MARKER.exec(text.slice(line.start, Math.min(line.end, line.start + 16)));
  return match ? line.start + match[0].length : -1;
}

const LIST_MARKER = /^[ \t]{0,6}(?:[-*+•▪◦‣–—]|\d{1,3}[.)])[ \t]+(?=\S)/u;

export function isBlank(text: string, line: Line): boolean {
  for (let i = line.start; i < line.end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 160 && code !== 0xfeff) return false;
  }
  return true;
}
