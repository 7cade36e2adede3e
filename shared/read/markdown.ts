import { copyDecodingEntities } from './entities.js';
import { isBlank, listItemContentStart, splitLines, type Line } from './lines.js';
import { TextViewBuilder, type BlockKind, type TextView } from './text-view.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]+|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LINK_DEFINITION = /^ {0,3}\[[^\]\n]{1,200}\]:[ \t]/;
const FOOTNOTE_DEFINITION = /^ {0,3}\[\^[^\]\n]{1,50}\]:[ \t]/;
const QUOTE_MARKER = /^ {0,3}>[ \t]?/;
const TABLE_DELIMITER = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const TASK_BOX = /^\[[ xX]\][ \t]+/;
const PLAIN_RUN = /[^\\*~`_<[!]+/y;
const INLINE_TAG = /<\/?[A-Za-z][^<>\n]{0,500}>|<(?:https?|mailto):[^<>\s]{1,2000}>/y;

/**
 * Markdown: headings, list items, table cells, block quotes and paragraphs become blocks; emphasis,
 * link targets, images' addresses, inline HTML and fenced code are removed; link text stays.
 */
export function readMarkdown(text: string): TextView {
  const builder = new TextViewBuilder(text);
  const lines = splitLines(text);
  let fence: string | undefined;
  let openKind: BlockKind | undefined;
  let inTable = false;

  for (let index = 0; index < lines.length; index++) {
    const whole = lines[index]!;
    const raw = text.slice(whole.start, whole.end);
    if (fence !== undefined) {
      if (raw.trimStart().startsWith(fence)) fence = undefined;
      continue;
    }
    const fenceMatch = FENCE.exec(raw);
    if (fenceMatch) {
      builder.breakBlock();
      openKind = undefined;
      fence = fenceMatch[1]!.slice(0, 3);
      continue;
    }
    // Block quotes are read as their content.
    let start = whole.start;
    for (let quote = QUOTE_MARKER.exec(raw); quote; quote = QUOTE_MARKER.exec(text.slice(start, whole.end))) {
      start += quote[0].length;
    }
    const line: Line = { start, end: whole.end };
    const content = text.slice(line.start, line.end);

    if (isBlank(text, line)) {
      builder.breakBlock();
      openKind = undefined;
      inTable = false;
      continue;
    }
    // A footnote definition is a reference entry and is kept as written ("[^1]: Chen L. ..."); a link definition is not text.
    if (FOOTNOTE_DEFINITION.test(content)) {
      builder.breakBlock('listItem');
      copyInline(builder, text, line.start, line.end);
      openKind = 'listItem';
      continue;
    }
    if (LINK_DEFINITION.test(content)) continue;
    if (openKind === 'paragraph' && SETEXT_UNDERLINE.test(content)) {
      builder.retitleBlock('heading');
      builder.breakBlock();
      openKind = undefined;
      continue;
    }
    if (THEMATIC_BREAK.test(content)) {
      builder.breakBlock();
      openKind = undefined;
      continue;
    }
    const heading = ATX_HEADING.exec(content);
    if (heading) {
      builder.breakBlock('heading');
      const closing = /[ \t]#+[ \t]*$/.exec(content);
      copyInline(
        builder,
        text,
        line.start + heading[0].length,
        closing ? line.start + closing.index : line.end,
      );
      builder.breakBlock();
      openKind = undefined;
      continue;
    }
    const next = lines[index + 1];
    if (
      content.includes('|') &&
      (inTable || (next && TABLE_DELIMITER.test(text.slice(next.start, next.end))))
    ) {
      if (!inTable) {
        inTable = true;
        index++; // the delimiter row
      }
      copyTableRow(builder, text, line);
      openKind = undefined;
      continue;
    }
    inTable = false;
    const itemStart = listItemContentStart(text, line);
    if (itemStart >= 0) {
      builder.breakBlock('listItem');
      const box = TASK_BOX.exec(text.slice(itemStart, Math.min(line.end, itemStart + 8)));
      copyInline(builder, text, itemStart + (box ? box[0].length : 0), line.end);
      openKind = 'listItem';
      continue;
    }
    if (openKind === undefined) {
      builder.breakBlock('paragraph');
      openKind = 'paragraph';
      copyInline(builder, text, line.start, line.end);
    } else {
      // A soft line break continues the paragraph or list item.
      builder.substitute(' ', line.start, line.start);
      copyInline(builder, text, line.start, line.end);
    }
  }
  return builder.build();
}

function copyTableRow(builder: TextViewBuilder, text: string, line: Line): void {
  let cellStart = line.start;
  const flush = (end: number) => {
    builder.breakBlock('tableCell');
    copyInline(builder, text, cellStart, end);
  };
  for (let i = line.start; i < line.end; i++) {
    const code = text.charCodeAt(i);
    if (code === 92 /* \ */) i++;
    else if (code === 124 /* | */) {
      flush(i);
      cellStart = i + 1;
    }
  }
  flush(line.end);
  builder.breakBlock();
}

const ESCAPABLE = new Set('\\`*_{}[]()#+-.!|<>~"\''.split(''));

/** Copies inline Markdown, dropping its markup; `links` is false inside a link's text. */
function copyInline(builder: TextViewBuilder, text: string, from: number, to: number, links = true): void {
  let runStart = from;
  const flushUntil = (end: number) => {
    if (end > runStart) copyDecodingEntities(builder, text, runStart, end);
  };
  // Next ']' and ')' at or after each position, so that links are found in linear time.
  let closeBracket: Int32Array | undefined;
  let closeParen: Int32Array | undefined;
  const nextClose = (at: number, char: string): number => {
    if (!closeBracket || !closeParen) {
      closeBracket = nextIndexTable(text, from, to, 93);
      closeParen = nextIndexTable(text, from, to, 41);
    }
    const table = char === ']' ? closeBracket : closeParen;
    return at < to ? table[at - from]! : -1;
  };

  // Plain text is skipped a run at a time, up to the next character that can start markup; the run
  // pattern works on this line's slice, so it never scans past `to`.
  const line = text.slice(from, to);
  let i = from;
  while (i < to) {
    PLAIN_RUN.lastIndex = i - from;
    const run = PLAIN_RUN.exec(line);
    if (run) {
      i += run[0].length;
      continue;
    }
    const char = text[i]!;
    if (char === '\\' && i + 1 < to && ESCAPABLE.has(text[i + 1]!)) {
      flushUntil(i);
      builder.substitute(text[i + 1]!, i, i + 2);
      i += 2;
      runStart = i;
    } else if (char === '*' || char === '~' || char === '`' || (char === '_' && !isWordBetween(text, i))) {
      flushUntil(i);
      i++;
      runStart = i;
    } else if (char === '<') {
      INLINE_TAG.lastIndex = i;
      const tag = INLINE_TAG.exec(text);
      if (tag && i + tag[0].length <= to) {
        flushUntil(i);
        i += tag[0].length;
        runStart = i;
      } else i++;
    } else if (links && (char === '[' || (char === '!' && text[i + 1] === '['))) {
      const open = char === '!' ? i + 1 : i;
      const close = text[open + 1] === '^' ? -1 : nextClose(open + 1, ']');
      const after = close >= 0 ? text[close + 1] : undefined;
      const targetEnd =
        after === '(' ? nextClose(close + 2, ')') : after === '[' ? nextClose(close + 2, ']') : -1;
      if (close >= 0 && targetEnd >= 0) {
        flushUntil(i);
        copyInline(builder, text, open + 1, close, false);
        i = targetEnd + 1;
        runStart = i;
      } else i++;
    } else i++;
  }
  flushUntil(to);
}

function nextIndexTable(text: string, from: number, to: number, code: number): Int32Array {
  const table = new Int32Array(to - from + 1);
  let next = -1;
  table[to - from] = -1;
  for (let i = to - 1; i >= from; i--) {
    if (text.charCodeAt(i) === code) next = i;
    table[i - from] = next;
  }
  return table;
}

/** An underscore inside a word (snake_case) is text, not emphasis. */
function isWordBetween(text: string, i: number): boolean {
  return /[\p{L}\p{N}]/u.test(text[i - 1] ?? ' ') && /[\p{L}\p{N}]/u.test(text[i + 1] ?? ' ');
}
