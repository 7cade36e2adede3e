// A moderation result's findings as DOM: claim cards, disclaimers, citations. Shared by the review and
// publisher pages; all text goes in as text nodes.
import type {
  Citation,
  Claim,
  ClaimCategory,
  DisclaimerResult,
  ModerationResult,
} from '../../shared/contract.js';
import { badge, h, humanize } from './dom.js';
import { claimCardId, claimMarkId } from './highlight.js';

/** What a publisher can do about a claim of each category (from the domain notes' rules). */
export const CATEGORY_ADVICE: Record<ClaimCategory, string> = {
  disease_claim:
    'A supplement may not claim to diagnose, treat, cure or prevent a disease. Reword it as a structure/function statement ("supports normal …") or remove it.',
  drug_interaction:
    'Do not say the product changes how a medicine works or its side effects. Remove the claim; readers on medication need a consult-your-doctor statement.',
  quantitative_efficacy:
    'A number needs proof of that size: cite the study in the reference list, or remove the figure.',
  establishment_claim:
    '"Studies show" needs the studies: name them and list each in the references, or remove the claim.',
  safety_absolute: 'Avoid absolute safety wording ("no side effects"); state the known risks and limits.',
  dosage_advice:
    'Dosage is medical advice: defer to a healthcare professional and keep within the adult upper limit.',
  vulnerable_group:
    'Children, pregnancy, older adults and people with conditions need extra care: add evidence and a consult-your-doctor statement.',
  mechanism: 'Keep mechanism statements to normal function, not a disorder or a drug.',
  testimonial: 'Testimonials cannot support a health claim and must not imply typical results.',
  general_health: 'Check the claim is supported by a cited source and worded as general information.',
};

const LEVEL_TONE = { high: 'danger', medium: 'warning', low: 'muted' } as const;

const levelBadge = (level: Claim['riskLevel']) => badge(`${level} risk`, LEVEL_TONE[level]);

export interface ClaimCardOptions {
  /** Publishers see what to change; reviewers see the scoring factors first. */
  advice: boolean;
  /** A note field per claim (review page). */
  note?: (claim: Claim) => HTMLElement;
}

export function claimCard(claim: Claim, options: ClaimCardOptions): HTMLElement {
  const categories = claim.categories.map((category) => badge(humanize(category), 'category'));
  const advice = [...new Set(claim.categories)].map((category) => h('li', null, CATEGORY_ADVICE[category]));
  return h(
    'article',
    {
      class: `claim-card level-${claim.riskLevel}`,
      attrs: { id: claimCardId(claim.id), tabindex: '-1', 'data-claim-id': claim.id },
    },
    h(
      'header',
      { class: 'claim-card-head' },
      levelBadge(claim.riskLevel),
      h('span', { class: 'score', attrs: { title: 'Risk score, 0-100' } }, `score ${claim.riskScore}`),
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
    options.advice ? h('ul', { class: 'advice' }, ...advice) : null,
    h(
      'details',
      { class: 'factors', attrs: options.advice ? {} : { open: '' } },
      h('summary', null, 'Why it was flagged'),
      h(
        'ul',
        null,
        ...claim.factors.map((factor) =>
          h('li', null, factor.detail, h('span', { class: 'weight' }, ` (+${factor.weight})`)),
        ),
      ),
    ),
    options.note?.(claim) ?? null,
  );
}

function disclaimerItem(disclaimer: DisclaimerResult): HTMLElement {
  const tone = disclaimer.status === 'missing' ? 'danger' : 'warning';
  return h(
    'li',
    { class: 'disclaimer' },
    h('div', null, badge(disclaimer.status, tone), ' ', h('strong', null, humanize(disclaimer.id))),
    h('p', { class: 'muted' }, disclaimer.requiredBecause),
    disclaimer.missingParts?.length ? h('p', null, 'Missing: ', disclaimer.missingParts.join('; ')) : null,
    ...(disclaimer.notes ?? []).map((note) => h('p', null, note)),
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

/** Required disclaimers that are missing or altered. */
export function disclaimerList(result: ModerationResult): HTMLElement {
  const problems = result.disclaimers.filter((d) => d.required && d.status !== 'present');
  if (problems.length === 0) return h('p', { class: 'ok' }, 'All required disclaimers are present.');
  return h('ul', { class: 'disclaimers' }, ...problems.map(disclaimerItem));
}

export const unsupportedCitations = (result: ModerationResult): Citation[] =>
  result.citations.filter((citation) => citation.matchedReference === null);

export function citationList(result: ModerationResult): HTMLElement {
  const unsupported = unsupportedCitations(result);
  if (unsupported.length === 0) return h('p', { class: 'ok' }, 'Every cited study is in the reference list.');
  return h(
    'div',
    null,
    h(
      'p',
      { class: 'muted' },
      `${unsupported.length} of ${result.citations.length} citations are not in the draft's reference list (${result.references.length} references).`,
    ),
    h(
      'ul',
      { class: 'citations' },
      ...unsupported.map((citation) => h('li', null, h('q', null, citation.text))),
    ),
  );
}

export function reasonList(result: ModerationResult): HTMLElement {
  if (result.reasons.length === 0) return h('p', { class: 'ok' }, 'Nothing to fix.');
  return h('ul', { class: 'reasons' }, ...result.reasons.map((reason) => h('li', null, reason.detail)));
}
