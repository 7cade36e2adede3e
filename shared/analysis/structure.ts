import type { Block, TextView } from '../read/index.js';
import { normalise } from './citations.js';

export interface DraftStructure {
  /** Blocks of the reference list (its heading included). */
  referenceBlocks: Set<number>;
  /** Entries of the reference list, in analysis offsets. */
  referenceEntries: Array<{ start: number; end: number; text: string }>;
  /** Menus, "you may also like" lists and similar page furniture. */
  navigationBlocks: Set<number>;
}

const MAX_CUE_LENGTH = 40;
const MAX_ENTRY_LENGTH = 600;
/** A footnote definition ("[^1]: Chen L. ...") is a reference entry wherever it stands. */
const FOOTNOTE = /^\[\^\d{1,4}\]:\s/;
/** A numbered bibliography entry without a heading: "[2] Shannon, S., & Opila-Lehman, J. (2015). ...". */
const NUMBERED_ENTRY =
  /^\s*(?:\[\d{1,3}\]|\d{1,3}\.)\s+\p{Lu}[\p{L}'’-]+,\s+(?:\p{Lu}\.\s*)+[^]*?\((?:19|20)\d{2}[a-z]?\)/u;
const REFERENCE_LIKE =
  /\b(?:19|20)\d{2}\b|\bdoi\b|10\.\d{4,9}\/|https?:\/\/|\bretrieved\b|\bet al\b|\bjournal\b|\bvol\.|\bpp\./iu;
const MENU = /^(?:[^|·•]{1,40}\s[|·•]\s){2,}[^|·•]{1,40}$/u;

export function findStructure(
  view: TextView,
  referenceHeadings: readonly string[],
  navigationCues: readonly string[],
): DraftStructure {
  const headings = new Set(referenceHeadings.map(normalise));
  const cues = new Set(navigationCues.map(normalise));
  const structure: DraftStructure = {
    referenceBlocks: new Set(),
    referenceEntries: [],
    navigationBlocks: new Set(),
  };
  const blockText = (block: Block) => view.text.slice(block.start, block.end);

  let inReferences = false;
  let inNavigation = false;
  view.blocks.forEach((block, index) => {
    const text = blockText(block);
    // Headings and cues are short; longer blocks need no normalising.
    const key = text.length <= MAX_CUE_LENGTH ? normalise(text) : '';
    if (headings.has(key)) {
      inReferences = true;
      inNavigation = false;
      structure.referenceBlocks.add(index);
      return;
    }
    if (FOOTNOTE.test(text) || (text.length <= MAX_ENTRY_LENGTH && NUMBERED_ENTRY.test(text))) {
      structure.referenceBlocks.add(index);
      structure.referenceEntries.push({ start: block.start, end: block.end, text });
      return;
    }
    if (inReferences) {
      if (block.kind === 'listItem' || REFERENCE_LIKE.test(text)) {
        structure.referenceBlocks.add(index);
        structure.referenceEntries.push({ start: block.start, end: block.end, text });
        return;
      }
      inReferences = false;
    }
    if (cues.has(key)) {
      inNavigation = true;
      structure.navigationBlocks.add(index);
      return;
    }
    if (inNavigation && (block.kind === 'heading' || block.kind === 'listItem') && isTitleLike(text)) {
      structure.navigationBlocks.add(index);
      return;
    }
    inNavigation = false;
    if (text.length <= 200 && MENU.test(text)) structure.navigationBlocks.add(index);
  });
  return structure;
}

/** Most words capitalised, as in a linked article title. */
function isTitleLike(text: string): boolean {
  const words = text.split(/\s+/u).filter((word) => /^[\p{L}]/u.test(word) && word.length > 3);
  if (words.length === 0) return false;
  const capitalised = words.filter((word) => /^[\p{Lu}]/u.test(word)).length;
  return capitalised / words.length >= 0.6;
}
