import { copyDecodingEntities } from './entities.js';
import { TextViewBuilder, type BlockKind, type TextView } from './text-view.js';

const BLOCK_KINDS: Record<string, BlockKind> = {
  h1: 'heading',
  h2: 'heading',
  h3: 'heading',
  h4: 'heading',
  h5: 'heading',
  h6: 'heading',
  li: 'listItem',
  dt: 'listItem',
  dd: 'listItem',
  td: 'tableCell',
  th: 'tableCell',
};
const PARAGRAPH_TAGS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'blockquote',
  'pre',
  'table',
  'tr',
  'thead',
  'tbody',
  'tfoot',
  'ul',
  'ol',
  'dl',
  'figure',
  'figcaption',
  'br',
  'hr',
  'address',
  'details',
  'summary',
  'caption',
  'body',
  'html',
  'center',
]);
/** Elements whose content is code or not text at all. */
const RAW_TEXT_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'textarea',
  'svg',
  'math',
  'iframe',
  'object',
  'title',
]);
/** Page furniture: menus, footers, sidebars, forms. */
const BOILERPLATE_TAGS = new Set(['nav', 'footer', 'aside', 'form', 'button', 'select', 'menu', 'dialog']);
const BOILERPLATE_ROLES = new Set([
  'navigation',
  'banner',
  'contentinfo',
  'complementary',
  'menu',
  'menubar',
  'search',
]);
const BOILERPLATE_CLASSES = new Set([
  'nav',
  'navbar',
  'navigation',
  'menu',
  'breadcrumb',
  'breadcrumbs',
  'sidebar',
  'related',
  'related-posts',
  'share',
  'social',
  'cookie',
  'cookies',
  'newsletter',
  'advert',
  'ads',
  'ad',
  'site-header',
  'site-footer',
  'footer',
  'comments',
]);
const VOID_TAGS = new Set([
  'br',
  'hr',
  'img',
  'input',
  'meta',
  'link',
  'area',
  'base',
  'col',
  'embed',
  'source',
  'track',
  'wbr',
]);

const TAG_NAME = /[A-Za-z][A-Za-z0-9-]*/y;
const ATTRIBUTE = /\b(class|id|role)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const closingTagPattern = new Map<string, RegExp>();

/**
 * HTML: a one-pass tokenizer, not a DOM. Block elements break blocks; scripts, styles and page furniture
 * (nav, footer, aside, forms, and elements whose role or class says navigation) are not read.
 */
export function readHtml(source: string): TextView {
  const builder = new TextViewBuilder(source);
  let skipName: string | undefined;
  let skipDepth = 0;
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textEnd = lt < 0 ? source.length : lt;
    if (skipName === undefined && textEnd > i) copyDecodingEntities(builder, source, i, textEnd);
    if (lt < 0) break;

    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      i = end < 0 ? source.length : end + 3;
      continue;
    }
    const second = source[lt + 1];
    if (second === '!' || second === '?') {
      i = endOfTag(source, lt + 2);
      continue;
    }
    const closing = second === '/';
    TAG_NAME.lastIndex = lt + (closing ? 2 : 1);
    const nameMatch = TAG_NAME.exec(source);
    if (!nameMatch) {
      // A lone '<' is text.
      if (skipName === undefined) builder.copy(lt, lt + 1);
      i = lt + 1;
      continue;
    }
    const name = nameMatch[0].toLowerCase();
    const tagEnd = endOfTag(source, TAG_NAME.lastIndex);
    i = tagEnd;
    const selfClosing = source[tagEnd - 2] === '/';

    if (skipName !== undefined) {
      if (name === skipName) skipDepth += closing ? -1 : selfClosing ? 0 : 1;
      if (skipDepth === 0) skipName = undefined;
      continue;
    }
    if (!closing && RAW_TEXT_TAGS.has(name)) {
      i = endOfRawText(source, name, tagEnd);
      builder.breakBlock();
      continue;
    }
    if (
      !closing &&
      !selfClosing &&
      !VOID_TAGS.has(name) &&
      isBoilerplate(name, source, TAG_NAME.lastIndex, tagEnd)
    ) {
      builder.breakBlock();
      skipName = name;
      skipDepth = 1;
      continue;
    }
    const kind = BLOCK_KINDS[name];
    if (kind) builder.breakBlock(closing ? 'paragraph' : kind);
    else if (PARAGRAPH_TAGS.has(name)) builder.breakBlock();
  }
  return builder.build();
}

/** The index after the tag's closing '>', skipping quoted attribute values. */
function endOfTag(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    const char = source[i];
    if (char === '>') return i + 1;
    if (char === '"' || char === "'") {
      const close = source.indexOf(char, i + 1);
      const gt = source.indexOf('>', i + 1);
      // An unterminated quote: the tag ends at the next '>'.
      if (close < 0) return gt < 0 ? source.length : gt + 1;
      i = close + 1;
    } else i++;
  }
  return source.length;
}

function endOfRawText(source: string, name: string, from: number): number {
  let pattern = closingTagPattern.get(name);
  if (!pattern) {
    pattern = new RegExp(`</${name}\\b[^>]{0,200}>`, 'gi');
    closingTagPattern.set(name, pattern);
  }
  pattern.lastIndex = from;
  const match = pattern.exec(source);
  return match ? match.index + match[0].length : source.length;
}

function isBoilerplate(name: string, source: string, attributesStart: number, tagEnd: number): boolean {
  if (BOILERPLATE_TAGS.has(name)) return true;
  if (tagEnd - attributesStart < 4) return false;
  const attributes = source.slice(attributesStart, tagEnd);
  for (const match of attributes.matchAll(ATTRIBUTE)) {
    const attribute = match[1]!.toLowerCase();
    const value = (match[2] ?? match[3] ?? match[4] ?? '').toLowerCase();
    if (attribute === 'role' && BOILERPLATE_ROLES.has(value.trim())) return true;
    if (attribute !== 'role' && value.split(/\s+/).some((token) => BOILERPLATE_CLASSES.has(token)))
      return true;
  }
  return false;
}
