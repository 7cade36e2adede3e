// A draft's text with its flagged claims marked in place. Pure cutting, then DOM from text nodes only.
import type { Claim } from '../../shared/contract.js';
import { h } from './dom.js';

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

/** The draft as text, each claim a focusable <mark> that selects its card. */
export function highlightedText(
  text: string,
  claims: readonly Claim[],
  onSelect: (claim: Claim) => void,
): HTMLElement {
  const body = h('div', { class: 'draft-text', attrs: { 'aria-label': 'Draft text' } });
  for (const { text: piece, span: claim } of segments(text, claims)) {
    if (claim === undefined) {
      body.append(document.createTextNode(piece));
      continue;
    }
    const label = `${claim.riskLevel} risk: ${claim.categories.join(', ')}`;
    body.append(
      h(
        'mark',
        {
          class: `claim level-${claim.riskLevel}`,
          attrs: { id: claimMarkId(claim.id), tabindex: '0', title: label, 'data-claim-id': claim.id },
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
  return body;
}
