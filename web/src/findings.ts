// A moderation result's findings as DOM: claim cards, what to fix, disclaimers, citations. Shared by the review,
// publisher and draft pages; the words come from shared/report/ (as the CLI's), all text goes in as text nodes.
import type { Claim, DisclaimerResult, ModerationResult } from '../../shared/contract.js';
import type { ReportTotals } from '../../shared/report/digest.js';
import {
  claimAdvice,
  factorLine,
  fixList,
  genreExplained,
  shownFactors,
} from '../../shared/report/advice.js';
import { LEVEL_TITLES, listing, plural, readable, requiredBecause } from '../../shared/report/words.js';
import { badge, h } from './dom.js';
import { claimCardId, claimMarkId } from './highlight.js';
import { titles } from './titles.js';

const LEVEL_TONE = { high: 'danger', medium: 'warning', low: 'muted' } as const;

export const levelBadge = (level: Claim['riskLevel']) => badge(LEVEL_TITLES[level], LEVEL_TONE[level]);

/** A claim as the pages show it: numbered among the draft's flagged claims (0 when it is not flagged). */
export type NumberedClaim = Claim & { number: number };

export interface ClaimCardOptions {
  /** Publishers see what to change; reviewers see the scoring factors first. */
  advice: boolean;
  /** A note field per claim (review page). */
  note?: (claim: Claim) => HTMLElement;
  /** What a reviewer wrote about this claim, shown at it. */
  reviewerNotes?: readonly string[];
}

export function claimCard(claim: NumberedClaim, options: ClaimCardOptions): HTMLElement {
  const categories = claim.categories.map((category) => badge(titles.category(category), 'category'));
  const factors = shownFactors(claim);
  return h(
    'article',
    {
      class: `claim-card level-${claim.riskLevel}`,
      attrs: { id: claimCardId(claim.id), tabindex: '-1', 'data-claim-id': claim.id },
    },
    h(
      'header',
      { class: 'claim-card-head' },
      h('strong', { class: 'claim-number' }, `Claim ${claim.number}`),
      levelBadge(claim.riskLevel),
      h('span', { class: 'score', attrs: { title: 'Risk score, 0-100' } }, `score ${claim.riskScore}`),
      claim.assertion === undefined
        ? null
        : h(
            'span',
            { class: 'assertion', attrs: { title: 'How the claim is put' } },
            titles.assertion(claim.assertion),
          ),
      ...categories,
    ),
    h(
      'blockquote',
      {
        class: 'claim-quote',
        on: {
          click: () => document.getElementById(claimMarkId(claim.id))?.scrollIntoView({ block: 'center' }),
        },
        attrs: { title: 'Show in the text' },
      },
      claim.text,
    ),
    ...(options.reviewerNotes ?? []).map((note) =>
      h('p', { class: 'reviewer-claim-note' }, h('strong', null, "Reviewer's note: "), note),
    ),
    options.advice
      ? h(
          'div',
          { class: 'advice' },
          h('p', { class: 'label' }, 'What to change'),
          h('ul', null, ...claimAdvice(claim).map((line) => h('li', null, line))),
        )
      : null,
    factors.length === 0
      ? null
      : h(
          'details',
          { class: 'factors', attrs: options.advice ? {} : { open: '' } },
          h('summary', null, 'Why it was flagged'),
          h('ul', null, ...factors.map((factor) => h('li', null, factorLine(factor, titles)))),
        ),
    options.note?.(claim) ?? null,
  );
}

/**
 * What the draft is read as and what follows for its claims ("Reference text: hedged evidence summaries are not
 * claims, ..."), with what pointed that way. Nothing for a result stored before genres existed.
 */
export function genreSummary(result: Pick<ModerationResult, 'genre'>): HTMLElement | null {
  if (result.genre === undefined) return null;
  const { title, consequence, details } = genreExplained(result.genre, titles);
  return h(
    'div',
    { class: 'genre', attrs: { 'data-genre': result.genre.kind } },
    h('p', null, h('strong', null, consequence === '' ? `${title}.` : `${title}: `), consequence),
    ...details.map((detail) => h('p', { class: 'muted' }, detail)),
  );
}

function disclaimerItem(disclaimer: DisclaimerResult): HTMLElement {
  const tone = disclaimer.status === 'missing' ? 'danger' : 'warning';
  const parts = (disclaimer.missingParts ?? []).map((part) => titles.part(disclaimer.id, part));
  return h(
    'li',
    { class: 'disclaimer' },
    h(
      'div',
      null,
      badge(disclaimer.status === 'missing' ? 'Missing' : 'Altered', tone),
      ' ',
      h('strong', null, titles.disclaimer(disclaimer.id)),
    ),
    h('p', { class: 'muted' }, `Required because ${requiredBecause(disclaimer)}.`),
    parts.length > 0 ? h('p', null, `Missing or changed: ${listing(parts)}.`) : null,
    ...(disclaimer.notes ?? []).map((note) => h('p', null, readable(note, titles, disclaimer.id))),
    disclaimer.expectedText !== undefined
      ? h(
          'div',
          null,
          h('p', { class: 'label' }, 'Expected wording'),
          h('blockquote', { class: 'expected' }, disclaimer.expectedText),
        )
      : null,
  );
}

export const disclaimerProblems = (result: ModerationResult) =>
  result.disclaimers.filter((d) => d.required && d.status !== 'present');

/** Required disclaimers that are missing or altered. */
export function disclaimerList(result: ModerationResult): HTMLElement {
  const problems = disclaimerProblems(result);
  if (problems.length === 0)
    return h(
      'p',
      { class: 'ok' },
      result.disclaimers.some((d) => d.required)
        ? 'Every required disclaimer is present.'
        : 'This draft needs no disclaimer.',
    );
  return h('ul', { class: 'disclaimers' }, ...problems.map(disclaimerItem));
}

export function citationList(result: ModerationResult, totals: ReportTotals): HTMLElement {
  const { all, unsupported } = totals.citations;
  if (all === 0) return h('p', { class: 'muted' }, 'The draft cites no studies.');
  if (unsupported === 0)
    return h(
      'p',
      { class: 'ok' },
      `Every cited study (${plural(all, 'citation')}) is in the reference list.`,
    );
  const listed = result.citations.filter((citation) => citation.matchedReference === null);
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'muted' },
      `${unsupported} of ${plural(all, 'citation')} ${unsupported === 1 ? 'is' : 'are'} not in the draft's reference list (${plural(totals.references, 'reference')}).`,
    ),
    h('ul', { class: 'citations' }, ...listed.map((citation) => h('li', null, h('q', null, citation.text)))),
    listed.length < unsupported
      ? h('p', { class: 'muted' }, `${unsupported - listed.length} more not listed.`)
      : null,
  );
}

/** What to fix, one sentence each (the same sentences as the CLI's). */
export function fixes(result: ModerationResult, totals: ReportTotals): HTMLElement {
  const items = fixList(result, titles, totals);
  if (items.length === 0) return h('p', { class: 'ok' }, 'Nothing to fix.');
  return h('ul', { class: 'reasons' }, ...items.map((item) => h('li', null, item)));
}

/** "12 more risky claims are not listed here" when the API sent only the riskiest. */
export function moreClaims(shown: number, totals: ReportTotals): HTMLElement | null {
  const hidden = totals.claims.high + totals.claims.medium - shown;
  if (hidden <= 0) return null;
  return h(
    'p',
    { class: 'notice-inline', attrs: { 'data-more-claims': String(hidden) } },
    `${plural(hidden, 'more risky claim')} ${hidden === 1 ? 'is' : 'are'} not listed: this draft has too many to show at once, so the riskiest come first. Fix these and check the draft again.`,
  );
}
