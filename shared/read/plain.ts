import { isBlank, listItemContentStart, splitLines, type Line } from './lines.js';
import { TextViewBuilder, type TextView } from './text-view.js';

/**
 * Plain text: every line is a block (drafts pasted from a CMS put one paragraph, heading or list item on
 * a line), unless the text is hard-wrapped, in which case only blank lines and list items break blocks.
 */
export function readPlainText(text: string): TextView {
  const builder = new TextViewBuilder(text);
  const lines = splitLines(text);
  const wrapped = isHardWrapped(text, lines);
  let previousBlank = true;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (isBlank(text, line)) {
      builder.breakBlock();
      previousBlank = true;
      continue;
    }
    const itemStart = listItemContentStart(text, line);
    if (itemStart >= 0) {
      builder.breakBlock('listItem');
      builder.copy(itemStart, line.end);
    } else if (!wrapped) {
      builder.breakBlock(looksLikeHeading(text, line) ? 'heading' : 'paragraph');
      builder.copy(line.start, line.end);
    } else {
      const next = lines[index + 1];
      const standsAlone = previousBlank && (!next || isBlank(text, next));
      if (standsAlone && looksLikeHeading(text, line)) builder.breakBlock('heading');
      else if (previousBlank) builder.breakBlock('paragraph');
      // A wrapped line continues the paragraph: its line break becomes a space.
      builder.copy(previousBlank ? line.start : line.start - 1, line.end);
    }
    previousBlank = false;
  }
  return builder.build();
}

/** Most long lines end near the same width, without closing their sentence. */
function isHardWrapped(text: string, lines: Line[]): boolean {
  let long = 0;
  let withinWidth = 0;
  let open = 0;
  for (const line of lines) {
    const length = line.end - line.start;
    if (length < 40) continue;
    long++;
    if (length <= 100) withinWidth++;
    if (!/[.!?:;"”’)]\s*$/u.test(text.slice(Math.max(line.start, line.end - 4), line.end))) open++;
  }
  return long >= 4 && withinWidth >= long * 0.9 && open >= long * 0.4;
}

/** Short, without closing punctuation, starting with a capital or a number. */
function looksLikeHeading(text: string, line: Line): boolean {
  const content = text.slice(line.start, line.end).trim();
  if (content.length === 0 || content.length > 120) return false;
  if (/[.,;]$/u.test(content)) return false;
  if (!/^[\p{Lu}\p{N}"“'‘]/u.test(content)) return false;
  return content.split(/\s+/u).length <= 16;
}
