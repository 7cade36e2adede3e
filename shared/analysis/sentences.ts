import type { BlockKind, TextView } from '../read/index.js';
import type { Token } from './tokens.js';

export interface Sentence {
  index: number;
  /** Analysis offsets. */
  start: number;
  end: number;
  text: string;
  blockIndex: number;
  blockKind: BlockKind;
  /** Word tokens, filled in on first use by tokensOf(). */
  tokens?: Token[];
}

// V8's Intl.Segmenter slows down quadratically on long strings, so long blocks are fed to it in pieces
// cut where a sentence may end (or, in a pathological run without one, at a space).
const CHUNK = 2000;
// A sentence longer than this is cut at a space: no sentence of the labelled corpus reaches it, and the
// steps after segmentation compare a sentence's words with each other, so its length must be bounded.
export const MAX_SENTENCE = 1000;
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

// Abbreviations after which ICU ends a sentence that has not ended.
const ABBREVIATION_END =
  /(?:^|[\s(])(?:dr|mr|mrs|ms|prof|st|vs|no|fig|approx|ca|inc|ltd|jr|sr|e\.g|i\.e|u\.s|u\.k|et al)\.\s*$/i;

const LEADING_CITATION = /^\s*(?:\[\^?\d{1,4}(?:\s*[,–-]\s*\d{1,4}){0,10}\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+\*?)/u;
const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** "[" or a superscript digit at `at`, or after one space: the cheap test before LEADING_CITATION runs. */
function opensWithMark(text: string, at: number): boolean {
  const isMark = (code: number) => code === 91 || SUPERSCRIPTS.includes(String.fromCharCode(code));
  const code = text.charCodeAt(at);
  return isMark(code) || ((code === 32 || code === 160) && isMark(text.charCodeAt(at + 1)));
}

/** A sentence's end as ICU may miss it: a full stop, maybe a closing quote, maybe a glued citation mark. */
const END_MARK = String.raw`[.!?]["”’)]?(?:\d{1,2}\*?)?`;
/** A question or exclamation trailing off into an ellipsis: "... enough calcium?...Kids who ...". */
const TRAILING_END_MARK = String.raw`[!?](?:\.{2,3}|…)`;
/**
 * Sentence ends ICU misses: before a sentence that opens with a figure ("... at all. 9 out of 10 said"),
 * after a glued citation mark ("... the mind and body.1 Ashwagandha ..."), and after a question or an
 * exclamation that trails off, space or none ("calcium?...Kids").
 */
const MISSED_END = new RegExp(
  String.raw`(?<=\p{Ll}{2}${END_MARK})\s+(?=\d|\p{Lu})|(?<=\p{Ll}{2}${TRAILING_END_MARK})\s*(?=\p{Lu})`,
  'gu',
);
// The same ends read forwards, without the letters before them: a quick test that every segment holding a
// missed end passes, so that most segments skip the lookbehinds MISSED_END tries at every space.
const MAY_MISS_END = new RegExp(String.raw`${END_MARK}\s+(?=\d|\p{Lu})|${TRAILING_END_MARK}\s*\p{Lu}`, 'u');
const ABBREVIATION_BEFORE =
  /(?:^|[\s(])(?:fig|no|vol|approx|ca|vs|inc|ltd|jr|sr|st|dr|mr|mrs|ms|prof|al)\.\d{0,2}\*?$/iu;

export function segmentSentences(view: TextView): Sentence[] {
  const sentences: Sentence[] = [];
  view.blocks.forEach((block, blockIndex) => {
    let pendingStart = -1;
    const firstInBlock = sentences.length;
    for (const [segmentStart, end] of segmentBlock(view.text, block.start, block.end)) {
      let start = segmentStart;
      // ICU ends a sentence before a trailing footnote mark ("...in 7 days.[^1]"), or inside it after
      // its "[": give the mark back to the sentence it belongs to.
      const previous = sentences.length > firstInBlock ? sentences.at(-1) : undefined;
      const markStart = view.text[start - 1] === '[' ? start - 1 : start;
      const mark =
        previous && pendingStart < 0 && opensWithMark(view.text, markStart)
          ? LEADING_CITATION.exec(view.text.slice(markStart, markStart + 40))
          : null;
      if (previous && mark && markStart + mark[0].length > start) {
        previous.end = markStart + mark[0].length;
        previous.text = view.text.slice(previous.start, previous.end);
        start = previous.end;
        if (start >= end) continue;
      }
      const from = pendingStart >= 0 ? pendingStart : start;
      // Rejoining stops at a sentence's maximum length, so "Dr. Dr. Dr. ..." cannot grow one without bound.
      if (
        end < block.end &&
        end - from < MAX_SENTENCE &&
        ABBREVIATION_END.test(view.text.slice(Math.max(from, end - 12), end))
      ) {
        pendingStart = from;
        continue;
      }
      pendingStart = -1;
      pushSentence(sentences, view.text, from, end, blockIndex, block.kind);
    }
    if (pendingStart >= 0)
      pushSentence(sentences, view.text, pendingStart, block.end, blockIndex, block.kind);
  });
  return sentences;
}

function pushSentence(
  sentences: Sentence[],
  text: string,
  start: number,
  end: number,
  blockIndex: number,
  blockKind: BlockKind,
): void {
  while (end > start && /\s/u.test(text[end - 1]!)) end--;
  while (start < end && /\s/u.test(text[start]!)) start++;
  if (end <= start) return;
  while (end - start > MAX_SENTENCE) {
    let cut = lastSpaceBefore(text, start, start + MAX_SENTENCE);
    let pieceEnd = cut;
    while (pieceEnd > start && /\s/u.test(text[pieceEnd - 1]!)) pieceEnd--;
    sentences.push({
      index: sentences.length,
      start,
      end: pieceEnd,
      text: text.slice(start, pieceEnd),
      blockIndex,
      blockKind,
    });
    while (cut < end && /\s/u.test(text[cut]!)) cut++;
    start = cut;
  }
  sentences.push({
    index: sentences.length,
    start,
    end,
    text: text.slice(start, end),
    blockIndex,
    blockKind,
  });
}

/** Where to cut an over-long sentence: after the last space before `limit`, else at `limit` (never inside a surrogate pair). */
function lastSpaceBefore(text: string, start: number, limit: number): number {
  for (let i = limit - 1; i > start + MAX_SENTENCE / 2; i--) if (/\s/u.test(text[i]!)) return i + 1;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

function* segmentBlock(text: string, start: number, end: number): Generator<[number, number]> {
  // Most headings, list items and short paragraphs are one sentence: no need to ask ICU.
  if (end - start <= MAX_SENTENCE && !mayHoldSeveralSentences(text, start, end)) {
    yield [start, end];
    return;
  }
  let chunkStart = start;
  while (chunkStart < end) {
    const chunkEnd = end - chunkStart <= CHUNK ? end : cutPoint(text, chunkStart, chunkStart + CHUNK);
    const chunk = text.slice(chunkStart, chunkEnd);
    for (const segment of segmenter.segment(chunk)) {
      const segmentStart = chunkStart + segment.index;
      yield* splitMissedEnds(text, segmentStart, segmentStart + segment.segment.length);
    }
    chunkStart = chunkEnd;
  }
}

function* splitMissedEnds(text: string, start: number, end: number): Generator<[number, number]> {
  const segment = text.slice(start, end);
  let from = 0;
  if (MAY_MISS_END.test(segment))
    for (const match of segment.matchAll(MISSED_END)) {
      if (ABBREVIATION_BEFORE.test(segment.slice(Math.max(from, match.index - 12), match.index))) continue;
      yield [start + from, start + match.index + match[0].length];
      from = match.index + match[0].length;
    }
  yield [start + from, end];
}

/** Characters after which a ".", "!", "?" or "…" may end a sentence: space, quotes, ")", "[" and citation marks. */
const SENTENCE_END_FOLLOWERS = new Set([
  32, 160, 34, 39, 0x201d, 0x2019, 41, 91,
  // A glued citation mark: "body.1 Next", "apigenin.¹ It".
  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 0xb9, 0xb2, 0xb3, 0x2070, 0x2074, 0x2075, 0x2076, 0x2077, 0x2078,
  0x2079,
]);

/** Whether a sentence end stands before the block's end. */
function mayHoldSeveralSentences(text: string, start: number, end: number): boolean {
  for (let i = start; i < end - 1; i++) {
    const code = text.charCodeAt(i);
    if (
      (code === 46 || code === 33 || code === 63 || code === 0x2026) &&
      SENTENCE_END_FOLLOWERS.has(text.charCodeAt(i + 1))
    ) {
      return true;
    }
    // A question or exclamation that trails off: "?...", "!…".
    if ((code === 33 || code === 63) && (text.charCodeAt(i + 1) === 46 || text.charCodeAt(i + 1) === 0x2026))
      return true;
  }
  return false;
}

/** The last likely sentence end before `limit`, else the last space, else `limit`. */
function cutPoint(text: string, from: number, limit: number): number {
  let space = -1;
  for (let i = limit - 1; i > from + CHUNK / 4; i--) {
    const code = text.charCodeAt(i);
    if (code === 32) {
      const before = text.charCodeAt(i - 1);
      if (before === 46 || before === 33 || before === 63) return i + 1;
      if (space < 0) space = i + 1;
    }
  }
  return space > 0 ? space : limit;
}
