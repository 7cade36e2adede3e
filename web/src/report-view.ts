// One draft version's report, as a publisher needs it: the verdict, what to fix, and the text with its risky
// claims marked. Used after an upload (publisher page) and from the lists (draft page).
import type { ReportResponse, VersionSummary } from '../../shared/review/model.js';
import type { RecordStatus } from '../../shared/pipeline/resources.js';
import { badge, formatDateTime, h, humanize, notice } from './dom.js';
import { citationList, claimCard, disclaimerList, reasonList, unsupportedCitations } from './findings.js';
import { claimCardId, highlightedText } from './highlight.js';

const STATUS_TONE: Record<RecordStatus, string> = {
  pending_review: 'warning',
  passed: 'ok',
  approved: 'ok',
  rejected: 'danger',
  changes_requested: 'warning',
  failed: 'danger',
};

/** The draft page's link for one version (web/src/draft.ts reads these parameters). */
export const draftUrl = (version: Pick<VersionSummary, 'publisherId' | 'documentId' | 'version'>) =>
  `/draft.html?${new URLSearchParams({ publisherId: version.publisherId, documentId: version.documentId, version: version.version })}`;

export const statusBadge = (status: RecordStatus) => badge(humanize(status), STATUS_TONE[status]);

/** What the status means for the publisher, in a sentence. */
const STATUS_MEANING: Record<RecordStatus, string> = {
  passed: 'Nothing needs a reviewer and every required disclaimer is in place: ready to publish.',
  pending_review:
    'Flagged: a compliance reviewer will look at it. Fixing the points below first saves a round.',
  approved: 'Approved by a compliance reviewer.',
  changes_requested: 'A compliance reviewer asked for changes: see the note and the points below.',
  rejected: 'Rejected by a compliance reviewer.',
  failed: 'The draft could not be checked.',
};

export function reportView(report: ReportResponse): HTMLElement {
  const { draft, result, text, claims } = report;
  const head = h(
    'section',
    { class: `verdict verdict-${draft.status}`, attrs: { 'data-status': draft.status } },
    h(
      'div',
      null,
      statusBadge(draft.status),
      result !== null ? badge(`risk ${result.riskScore}`, 'category') : null,
    ),
    h('h1', { class: 'doc-title' }, draft.documentId),
    h('p', null, STATUS_MEANING[draft.status]),
    draft.status === 'passed' && claims.length > 0
      ? h(
          'p',
          { class: 'muted' },
          'The claims marked below are medium risk: worth a second look, not a blocker.',
        )
      : null,
    draft.decisionNote !== undefined && draft.decisionNote !== ''
      ? h('blockquote', { class: 'reviewer-note' }, `Reviewer's note: ${draft.decisionNote}`)
      : null,
    h(
      'p',
      { class: 'muted' },
      `Uploaded ${formatDateTime(draft.uploadedAt)} · checked ${formatDateTime(draft.processedAt)} · version ${draft.version.slice(0, 12)}${result !== null ? ` · policy ${result.policyVersion}` : ''}`,
    ),
  );
  if (result === null)
    return h(
      'div',
      { class: 'report' },
      head,
      notice(
        'error',
        draft.failure?.message ?? 'The draft could not be checked.',
        'Fix the file and upload it again.',
      ),
    );
  const select = (claimId: string) =>
    document.getElementById(claimCardId(claimId))?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  return h(
    'div',
    { class: 'report' },
    head,
    h(
      'div',
      { class: 'review-grid' },
      h(
        'section',
        { class: 'pane text-pane' },
        h('h2', null, 'Your draft ', h('span', { class: 'muted' }, `${claims.length} risky claims marked`)),
        text === null
          ? notice('error', 'The draft is no longer in storage', 'The findings on the right still apply.')
          : highlightedText(text, claims, (claim) => select(claim.id)),
      ),
      h(
        'aside',
        { class: 'pane side-pane' },
        h('h2', null, 'What to fix'),
        reasonList(result),
        h('h2', null, `Risky claims (${claims.length})`),
        claims.length === 0
          ? h('p', { class: 'ok' }, 'No risky claims.')
          : h('div', { class: 'claim-cards' }, ...claims.map((claim) => claimCard(claim, { advice: true }))),
        h('h2', null, 'Disclaimers'),
        disclaimerList(result),
        h('h2', null, `Citations not in your references (${unsupportedCitations(result).length})`),
        citationList(result),
      ),
    ),
  );
}
