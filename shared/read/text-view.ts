/** Where a draft breaks into separate units of text: sentences never cross a block. */
export type BlockKind = 'paragraph' | 'heading' | 'listItem' | 'tableCell';

export interface Block {
  /** Offsets in the analysis text. */
  start: number;
  end: number;
  kind: BlockKind;
}

/**
 * The text a draft is analysed on (markup removed, entities decoded, line breaks inside a block
 * turned into spaces), its blocks, and the way back to offsets in the draft as read.
 */
export interface TextView {
  readonly text: string;
  readonly blocks: readonly Block[];
  /** Maps an analysis span [start, end) to the span of the draft's text it came from. */
  toSource(start: number, end: number): { start: number; end: number };
}

// A run maps analysis [at, at + length) to source [sourceAt, ...): one to one when `identity`,
// otherwise every analysis character maps to the whole source span (an entity, say).
interface Run {
  at: number;
  sourceAt: number;
  length: number;
  sourceLength: number;
  identity: boolean;
}

const LINE_BREAKS = /[\r\n\t\f\v\u2028\u2029]/g;

/** Builds a TextView in one pass; every append is O(length). */
export class TextViewBuilder {
  private readonly chunks: string[] = [];
  private readonly runs: Run[] = [];
  private readonly blocks: Block[] = [];
  private length = 0;
  private blockStart = -1;
  private blockKind: BlockKind = 'paragraph';
  private blockHasText = false;

  constructor(private readonly source: string) {}

  /** Copies source[from, to) into the current block, line breaks turned into spaces. */
  copy(from: number, to: number): void {
    if (to <= from) return;
    this.ensureBlock();
    const piece = this.source.slice(from, to).replace(LINE_BREAKS, ' ');
    this.push(piece, from, to - from, true);
  }

  /** Appends text that stands for source[from, to), such as a decoded entity. */
  substitute(text: string, from: number, to: number): void {
    if (text.length === 0) return;
    this.ensureBlock();
    this.push(text, from, to - from, false);
  }

  /** Ends the current block (if it holds any text) and makes `kind` the kind of the next one. */
  breakBlock(kind: BlockKind = 'paragraph'): void {
    if (this.blockStart >= 0) {
      if (this.blockHasText) this.closeBlock();
      // A separator keeps adjacent blocks apart for anything that reads the whole text.
      this.push('\n', this.lastSourceEnd(), 0, false);
      this.blockStart = -1;
    }
    this.blockKind = kind;
  }

  /** Changes the kind of the block being built (a Markdown setext underline makes it a heading). */
  retitleBlock(kind: BlockKind): void {
    this.blockKind = kind;
  }

  build(): TextView {
    this.breakBlock();
    const text = this.chunks.join('');
    // Trim white space so that a block's offsets cover text only.
    for (const block of this.blocks) {
      while (block.start < block.end && isSpace(text.charCodeAt(block.start))) block.start++;
      while (block.end > block.start && isSpace(text.charCodeAt(block.end - 1))) block.end--;
    }
    const runs = this.runs;
    const sourceLength = this.source.length;
    const findRun = (index: number): Run | undefined => {
      let low = 0;
      let high = runs.length - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const run = runs[mid]!;
        if (index < run.at) high = mid - 1;
        else if (index >= run.at + run.length) low = mid + 1;
        else return run;
      }
      return undefined;
    };
    return {
      text,
      blocks: this.blocks,
      toSource(start, end) {
        const first = findRun(start);
        const last = findRun(Math.max(start, end - 1));
        const sourceStart = first ? first.sourceAt + (first.identity ? start - first.at : 0) : sourceLength;
        const sourceEnd = last
          ? last.identity
            ? last.sourceAt + (end - 1 - last.at) + 1
            : last.sourceAt + last.sourceLength
          : sourceStart;
        return { start: sourceStart, end: Math.max(sourceStart, sourceEnd) };
      },
    };
  }

  private ensureBlock(): void {
    if (this.blockStart < 0) {
      this.blockStart = this.length;
      this.blockHasText = false;
    }
  }

  private closeBlock(): void {
    this.blocks.push({ start: this.blockStart, end: this.length, kind: this.blockKind });
  }

  private push(text: string, sourceAt: number, sourceLength: number, identity: boolean): void {
    if (!this.blockHasText && /\S/u.test(text)) this.blockHasText = true;
    const previous = this.runs.at(-1);
    if (
      identity &&
      previous?.identity &&
      previous.at + previous.length === this.length &&
      previous.sourceAt + previous.length === sourceAt
    ) {
      previous.length += text.length;
      previous.sourceLength += text.length;
    } else {
      this.runs.push({ at: this.length, sourceAt, length: text.length, sourceLength, identity });
    }
    this.chunks.push(text);
    this.length += text.length;
  }

  private lastSourceEnd(): number {
    const last = this.runs.at(-1);
    return last ? last.sourceAt + last.sourceLength : 0;
  }
}

function isSpace(code: number): boolean {
  return (
    code === 32 || code === 10 || code === 13 || code === 9 || code === 160 || code === 12 || code === 11
  );
}
