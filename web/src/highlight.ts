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

/**
 * Appends `text` to `parent`, each span a focusable <mark> that selects its claim. The claim's number shows
 * before it (CSS, from data-number), so the mark's own text stays exactly the claim's.
 */
export function appendMarked(
  parent: HTMLElement,
  text: string,
  spans: readonly MarkSpan[],
  onSelect: (claim: MarkedClaim) => void,
): void {
  for (const { text: piece, span } of segments(text, spans)) {
    if (span === undefined) {
      parent.append(document.createTextNode(piece));
      continue;
    }
    const { claim } = span;
    const categories = claim.categories.map((category) => titles.category(category)).join(', ');
    parent.append(
      h(
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
      ),
    );
  }
}

/** The draft as written (the source), each claim marked at its own offsets. */
export function highlightedText(
  text: string,
  claims: readonly MarkedClaim[],
  onSelect: (claim: MarkedClaim) => void,
): HTMLElement {
  const body = h('div', { class: 'draft-text', attrs: { 'aria-label': 'Draft source' } });
  appendMarked(
    body,
    text,
    claims.map((claim) => ({ start: claim.start, end: claim.end, claim })),
    onSelect,
  );
  return body;
}
