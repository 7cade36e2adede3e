// A draft's text for people: readable (markup removed, headings and lists kept, claims marked in place), with
// a toggle to the source as written. The readable view is the engine's own reading of the draft
// (shared/read), so what a reviewer reads is what was analysed; claims are mapped back onto it.
import type { DraftFormat } from '../../shared/contract.js';
import type { BlockKind, TextView } from '../../shared/read/index.js';
import { readDraft } from '../../shared/read/index.js';
import type { PresignedGet } from '../../shared/review/model.js';
import { ApiError } from './api.js';
import { h } from './dom.js';
import type { MarkedClaim, MarkSpan } from './highlight.js';
import { appendMarked, highlightedText } from './highlight.js';

/** The text a response carries, or fetched from its presigned GET when it was too large to send. */
export async function loadText(view: {
  text: string | null;
  textUrl?: PresignedGet;
}): Promise<string | null> {
  if (view.text !== null || view.textUrl === undefined) return view.text;
  let response: Response;
  try {
    response = await fetch(view.textUrl.url, { headers: view.textUrl.headers });
  } catch {
    throw new ApiError(
      0,
      'network',
      'The draft text could not be fetched. Check the connection and try again.',
    );
  }
  if (response.status === 404 || response.status === 412) return null;
  if (!response.ok)
    throw new ApiError(response.status, 'http', `The draft text could not be fetched (${response.status}).`);
  return response.text();
}

/** The first view offset whose source offset is at least `source`: toSource is monotonic in the view. */
function viewOffset(view: TextView, source: number): number {
  let low = 0;
  let high = view.text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (view.toSource(mid, mid + 1).start < source) low = mid + 1;
    else high = mid;
  }
  return low;
}

const BLOCK_TAG: Record<BlockKind, 'p' | 'h3' | 'li' | 'span'> = {
  paragraph: 'p',
  heading: 'h3',
  listItem: 'li',
  tableCell: 'span',
};

/** The draft as the engine read it: one element per block, lists and tables grouped, claims marked. */
export function readableText(
  text: string,
  format: DraftFormat,
  claims: readonly MarkedClaim[],
  onSelect: (claim: MarkedClaim) => void,
): HTMLElement {
  const view = readDraft(text, format);
  const spans: MarkSpan[] = claims
    .map((claim) => ({ start: viewOffset(view, claim.start), end: viewOffset(view, claim.end), claim }))
    .sort((a, b) => a.start - b.start);
  const body = h('div', { class: 'readable-text', attrs: { 'aria-label': 'Draft text' } });
  let group: HTMLElement | undefined;
  let groupKind: BlockKind | undefined;
  let next = 0;
  for (const block of view.blocks) {
    const element = h(BLOCK_TAG[block.kind], { class: `rd-${block.kind}` });
    // Spans overlapping this block, shifted to it; a span reaching past it continues in the next one.
    while (next < spans.length && (spans[next]?.end ?? 0) <= block.start) next++;
    const inside: MarkSpan[] = [];
    for (let i = next; i < spans.length && (spans[i]?.start ?? Infinity) < block.end; i++) {
      const span = spans[i]!;
      inside.push({ ...span, start: span.start - block.start, end: span.end - block.start });
    }
    appendMarked(element, view.text.slice(block.start, block.end), inside, onSelect);
    if (block.kind === 'listItem' || block.kind === 'tableCell') {
      if (groupKind !== block.kind || group === undefined) {
        group = h(block.kind === 'listItem' ? 'ul' : 'div', { class: `rd-${block.kind}-group` });
        groupKind = block.kind;
        body.append(group);
      }
      group.append(element);
    } else {
      group = undefined;
      groupKind = undefined;
      body.append(element);
    }
  }
  return body;
}

export type TextMode = 'readable' | 'source';

/**
 * The text pane's body: Markdown and HTML drafts open readable, with a toggle to the source; a plain-text
 * draft is readable as written. Switching keeps the selected claim marked.
 */
export function draftView(
  text: string,
  format: DraftFormat,
  claims: readonly MarkedClaim[],
  onSelect: (claim: MarkedClaim) => void,
): { element: HTMLElement; toggle: () => void } {
  const holder = h('div', { class: 'draft-view' });
  const hasMarkup = format !== 'text';
  let mode: TextMode = hasMarkup ? 'readable' : 'source';
  const buttons = {
    readable: h('button', { class: 'seg', on: { click: () => show('readable') } }, 'Readable'),
    source: h('button', { class: 'seg', on: { click: () => show('source') } }, 'Source'),
  };
  const content = h('div', null);
  function show(next: TextMode) {
    mode = next;
    const selected = document.querySelector<HTMLElement>('mark.claim.selected')?.dataset.claimId;
    content.replaceChildren(
      mode === 'readable'
        ? readableText(text, format, claims, onSelect)
        : highlightedText(text, claims, onSelect),
    );
    for (const [name, button] of Object.entries(buttons)) {
      button.setAttribute('aria-pressed', String(name === mode));
    }
    holder.dataset.mode = mode;
    if (selected !== undefined)
      content.querySelector(`[data-claim-id="${CSS.escape(selected)}"]`)?.classList.add('selected');
  }
  if (hasMarkup)
    holder.append(
      h(
        'div',
        { class: 'view-toggle', attrs: { role: 'group', 'aria-label': 'How to show the draft' } },
        buttons.readable,
        buttons.source,
        h('kbd', null, 'T'),
      ),
    );
  holder.append(content);
  show(mode);
  return { element: holder, toggle: () => hasMarkup && show(mode === 'readable' ? 'source' : 'readable') };
}
