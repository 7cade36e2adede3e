// A draft's text with its flagged claims marked in place. Pure cutting, then DOM from text nodes only.
import type { Claim } from '../../shared/contract.js';
import { LEVEL_TITLES } from '../../shared/report/words.js';
import { h } from './dom.js';
import { titles } from './titles.js';

export interface Span {
  start: number;
  end: number;
}

export type Segment<S extends Span> = { text: string; span?: S };

/**
 * The text cut at the spans' edges, in order. Spans outside the text are clipped; where spans overlap, the
 * earlier one keeps the overlap (a claim is marked once, from its start).
 */
export function segments<S extends Span>(text: string, spans: readonly S[]): Segment<S>[] {
  const out: Segment<S>[] = [];
  let cursor = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const start = Math.max(span.start, cursor);
    const end = Math.min(span.end, text.length);
    if (start >= end) continue;
    if (start > cursor) out.push({ text: text.slice(cursor, start) });
    out.push({ text: text.slice(start, end), span });
    cursor = end;
  }
  if (cursor < text.length) out.push({ text: text.slice(cursor) });
  return out;
}

export const claimMarkId = (claimId: string) => `mark-${claimId}`;
export const claimCardId = (claimId: string) => `card-${claimId}`;

export type MarkedClaim = Claim & { number: number };

/** A claim's span in the text being marked (the draft's own offsets, or a readable view's). */
export type MarkSpan = Span & { claim: MarkedClaim };

/** A claim's <mark>: focusable, selects its claim; its number shows before it (CSS, from data-number). */
function markFor(claim: MarkedClaim, piece: string, onSelect: (claim: MarkedClaim) => void): HTMLElement {
  const categories = claim.categories.map((category) => titles.category(category)).join(', ');
  return h(
    'mark',
    {
      class: `claim level-${claim.riskLevel}`,
      attrs: {
        id: claimMarkId(claim.id),
        tabindex: '0',
        title: `Claim ${claim.number}, ${LEVEL_TITLES[claim.riskLevel].toLowerCase()}${categories === '' ? '' : `: ${categories}`}`,
        'data-claim-id': claim.id,
        'data-number': String(claim.number),
      },
      on: {
        click: () => onSelect(claim),
        keydown: (event) => {
          if (event.key === 'Enter') onSelect(claim);
        },
      },
    },
    piece,
  );
}

/** Appends `text` to `parent`, each span a <mark>; the mark's own text stays exactly the claim's. */
export function appendMarked(
  parent: HTMLElement,
  text: string,
  spans: readonly MarkSpan[],
  onSelect: (claim: MarkedClaim) => void,
): void {
  for (const { text: piece, span } of segments(text, spans))
    parent.append(span === undefined ? document.createTextNode(piece) : markFor(span.claim, piece, onSelect));
}

/** Characters per chunk of the source view: the browser lays out and paints only the chunks in view. */
const CHUNK_CHARS = 16_384;

/**
 * The draft as written (the source), each claim marked at its own offsets. A long draft is cut into chunks at
 * line ends (a mark never straddles two), each laid out only when scrolled into view: 5 MB stays usable.
 */
export function highlightedText(
  text: string,
  claims: readonly MarkedClaim[],
  onSelect: (claim: MarkedClaim) => void,
): HTMLElement {
  const body = h('div', { class: 'draft-text', attrs: { 'aria-label': 'Draft source' } });
  let chunk = h('div', { class: 'text-chunk' });
  let size = 0;
  const next = () => {
    body.append(chunk);
    chunk = h('div', { class: 'text-chunk' });
    size = 0;
  };
  const spans = claims.map((claim) => ({ start: claim.start, end: claim.end, claim }));
  for (const { text: piece, span } of segments(text, spans)) {
    if (span !== undefined) {
      chunk.append(markFor(span.claim, piece, onSelect));
      size += piece.length;
      continue;
    }
    let rest = piece;
    for (;;) {
      const lineEnd =
        size + rest.length > CHUNK_CHARS ? rest.indexOf('\n', Math.max(0, CHUNK_CHARS - size)) : -1;
      if (lineEnd < 0) break;
      chunk.append(document.createTextNode(rest.slice(0, lineEnd + 1)));
      rest = rest.slice(lineEnd + 1);
      next();
    }
    chunk.append(document.createTextNode(rest));
    size += rest.length;
  }
  body.append(chunk);
  return body;
}
