import type { DraftFormat } from '../contract.js';
import { readHtml } from './html.js';
import { readMarkdown } from './markdown.js';
import { readPlainText } from './plain.js';
import type { TextView } from './text-view.js';

export { decodeDraft, DEFAULT_MAX_BYTES, detectFormat, SUPPORTED_EXTENSIONS } from './decode.js';
export type { Block, BlockKind, TextView } from './text-view.js';

const READERS: Record<DraftFormat, (text: string) => TextView> = {
  text: readPlainText,
  markdown: readMarkdown,
  html: readHtml,
};

/** The analysis view of a draft's text: markup removed, offsets mapped back to `text`. */
export function readDraft(text: string, format: DraftFormat): TextView {
  return READERS[format](text);
}
