import type { TextViewBuilder } from './text-view.js';

// The named entities drafts use in practice; an unknown one is kept as written.
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  sbquo: '‚',
  bdquo: '„',
  hellip: '…',
  bull: '•',
  middot: '·',
  deg: '°',
  micro: 'µ',
  plusmn: '±',
  times: '×',
  divide: '÷',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  copy: '©',
  reg: '®',
  trade: '™',
  sect: '§',
  para: '¶',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  iuml: 'ï',
  ccedil: 'ç',
  ntilde: 'ñ',
  oacute: 'ó',
  uacute: 'ú',
  iacute: 'í',
  szlig: 'ß',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  mu: 'μ',
  le: '≤',
  ge: '≥',
  ne: '≠',
  larr: '←',
  rarr: '→',
  shy: '',
  zwj: '',
  zwnj: '',
};

const ENTITY = /&(?:#(\d{1,7});?|#[xX]([0-9a-fA-F]{1,6});?|([A-Za-z][A-Za-z0-9]{1,31});)/y;

/**
 * Copies source[from, to) into the builder, decoding character references. Each decoded character maps
 * back to the whole reference, so offsets stay exact.
 */
export function copyDecodingEntities(
  builder: TextViewBuilder,
  source: string,
  from: number,
  to: number,
): void {
  let runStart = from;
  let amp = source.indexOf('&', from);
  while (amp >= 0 && amp < to) {
    ENTITY.lastIndex = amp;
    const match = ENTITY.exec(source);
    const decoded = match && match.index + match[0].length <= to ? decode(match) : undefined;
    if (match && decoded !== undefined) {
      builder.copy(runStart, amp);
      const end = amp + match[0].length;
      builder.substitute(decoded, amp, end);
      runStart = end;
      amp = source.indexOf('&', end);
    } else {
      amp = source.indexOf('&', amp + 1);
    }
  }
  builder.copy(runStart, to);
}

function decode(match: RegExpExecArray): string | undefined {
  const [, decimal, hex, name] = match;
  if (name !== undefined) return NAMED[name] ?? NAMED[name.toLowerCase()];
  const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
  if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return '\ufffd';
  return String.fromCodePoint(code);
}
