import { describe, expect, it } from 'vitest';
import { DraftError } from '../../../shared/errors.js';
import { decodeDraft, detectFormat, readDraft } from '../../../shared/read/index.js';

const blocksOf = (text: string, format: 'text' | 'markdown' | 'html') => {
  const view = readDraft(text, format);
  return view.blocks.map((block) => {
    const span = view.toSource(block.start, block.end);
    return {
      kind: block.kind,
      text: view.text.slice(block.start, block.end),
      source: text.slice(span.start, span.end),
    };
  });
};

describe('reading plain text', () => {
  it('makes each line a block, list markers removed, offsets exact', () => {
    const text = 'Why Magnesium?\nIt supports sleep. It calms.\n- Spinach and kale\n2. Almonds';
    expect(blocksOf(text, 'text')).toEqual([
      { kind: 'heading', text: 'Why Magnesium?', source: 'Why Magnesium?' },
      { kind: 'paragraph', text: 'It supports sleep. It calms.', source: 'It supports sleep. It calms.' },
      { kind: 'listItem', text: 'Spinach and kale', source: 'Spinach and kale' },
      { kind: 'listItem', text: 'Almonds', source: 'Almonds' },
    ]);
  });

  it('joins hard-wrapped lines into one paragraph', () => {
    const line = 'Magnesium is a mineral that the body needs for hundreds of reactions and';
    const text = [line, line, line, line, 'ends here.', '', 'Next paragraph.'].join('\n');
    const blocks = blocksOf(text, 'text');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.text).not.toContain('\n');
    expect(blocks[0]!.source).toContain('\n');
  });
});

describe('reading Markdown', () => {
  it('removes markup but maps back to the draft', () => {
    const text =
      '# Zinc *facts*\n\nZinc **may** support [immunity](https://x.org "t") and `skin`.\nSecond line.\n\n| Food | mg |\n|---|---|\n| Oysters &amp; crab | 74 |\n\n```\nzinc cures colds\n```\n';
    const blocks = blocksOf(text, 'markdown');
    expect(blocks.map((block) => [block.kind, block.text])).toEqual([
      ['heading', 'Zinc facts'],
      ['paragraph', 'Zinc may support immunity and skin. Second line.'],
      ['tableCell', 'Food'],
      ['tableCell', 'mg'],
      ['tableCell', 'Oysters & crab'],
      ['tableCell', '74'],
    ]);
    expect(blocks[1]!.source).toBe(
      'Zinc **may** support [immunity](https://x.org "t") and `skin`.\nSecond line.',
    );
    expect(blocks[4]!.source).toBe('Oysters &amp; crab');
  });

  it('turns setext underlines and list items into blocks', () => {
    const blocks = blocksOf('Title\n=====\n\n- [x] done item\n* other', 'markdown');
    expect(blocks.map((block) => [block.kind, block.text])).toEqual([
      ['heading', 'Title'],
      ['listItem', 'done item'],
      ['listItem', 'other'],
    ]);
  });
});

describe('reading HTML', () => {
  const page =
    '<html><head><title>T</title><style>p{}</style></head><body>' +
    '<nav><ul><li>Home</li><li>Shop <nav>deep</nav></li></ul></nav>' +
    '<h1>Fish oil &amp; you</h1><p>It helps\nthe heart. Don&rsquo;t wait.</p>' +
    '<script>document.write("<p>cures cancer</p>")</script>' +
    '<div class="sidebar related">Related: miracle cure</div>' +
    '<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>' +
    '<footer>Copyright</footer></body></html>';

  it('keeps content, drops scripts, styles and page furniture', () => {
    const blocks = blocksOf(page, 'html');
    expect(blocks.map((block) => [block.kind, block.text])).toEqual([
      ['heading', 'Fish oil & you'],
      ['paragraph', 'It helps the heart. Don’t wait.'],
      ['listItem', 'one'],
      ['listItem', 'two'],
      ['tableCell', 'a'],
      ['tableCell', 'b'],
    ]);
  });

  it('maps decoded entities back to the reference as written', () => {
    const blocks = blocksOf(page, 'html');
    expect(blocks[0]!.source).toBe('Fish oil &amp; you');
    expect(blocks[1]!.source).toBe('It helps\nthe heart. Don&rsquo;t wait.');
  });

  it('survives malformed markup', () => {
    const blocks = blocksOf('<p class="x>Text <b>bold</p> < 5 and <unclosed', 'html');
    expect(blocks.map((block) => block.text).join(' ')).toContain('< 5 and');
  });
});

describe('decoding and formats', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const codeOf = (action: () => unknown) => {
    try {
      action();
    } catch (error) {
      return (error as DraftError).code;
    }
    return 'no error';
  };

  it('picks the format by content type, then by extension', () => {
    expect(detectFormat('a.md')).toBe('markdown');
    expect(detectFormat('a.HTM')).toBe('html');
    expect(detectFormat('draft', 'text/html; charset=utf-8')).toBe('html');
    expect(codeOf(() => detectFormat('a.pdf'))).toBe('unknown_format');
  });

  it('refuses empty, binary, non-UTF-8 and oversized drafts with specific codes', () => {
    expect(codeOf(() => decodeDraft(new Uint8Array(), 100))).toBe('empty');
    expect(codeOf(() => decodeDraft(bytes('  \n\t'), 100))).toBe('empty');
    expect(codeOf(() => decodeDraft(new Uint8Array([0x25, 0x50, 0x00, 0x46]), 100))).toBe('binary');
    expect(codeOf(() => decodeDraft(new Uint8Array([0x68, 0xe9, 0x6c, 0x6c, 0x6f]), 100))).toBe('not_utf8');
    expect(codeOf(() => decodeDraft(bytes('x'.repeat(101)), 100))).toBe('too_large');
    expect(decodeDraft(bytes('héllo'), 100)).toBe('héllo');
  });

  it('names UTF-16 and UTF-32 as encodings rather than calling them binary', () => {
    const text = 'Zinc shortens colds.';
    const utf16le = Buffer.from(text, 'utf16le');
    const utf16be = Buffer.from(utf16le).swap16();
    const messageOf = (input: Uint8Array) => {
      try {
        decodeDraft(input, 1000);
      } catch (error) {
        return `${(error as DraftError).code}: ${(error as DraftError).message}`;
      }
      return 'no error';
    };
    expect(messageOf(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]))).toMatch(
      /^not_utf8: .*UTF-16 \(little-endian\)/,
    );
    expect(messageOf(utf16le)).toMatch(/^not_utf8: .*UTF-16 \(little-endian\)/);
    expect(messageOf(utf16be)).toMatch(/^not_utf8: .*UTF-16 \(big-endian\)/);
    expect(messageOf(new Uint8Array([0xff, 0xfe, 0, 0, 0x5a, 0, 0, 0]))).toMatch(/^not_utf8: .*UTF-32/);
    // A single-byte encoding breaks UTF-8 at its first accented letter, and the message says what it may be.
    expect(messageOf(Buffer.from('caf\xe9 au lait', 'latin1'))).toMatch(
      /^not_utf8: .*byte 3, perhaps Windows-1252 or Latin-1/,
    );
    // Binary content with NULs scattered at random stays binary.
    expect(messageOf(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x00, 0x12, 0x9c, 0x00, 0x41]))).toMatch(
      /^binary/,
    );
  });
});
