// One draft version's report, as a publisher needs it: the verdict, what to fix, the text with its risky
// claims marked, the reviewer's notes at their claims, and the decision history. Used after an upload
// (publisher page) and from the lists (draft page).
import type { RecordStatus } from '../../shared/pipeline/resources.js';
import { scoreExplanation, totalsOf } from '../../shared/report/advice.js';
import { plural, STATUS_TITLES } from '../../shared/report/words.js';
import type { AuditView, ReportResponse, VersionSummary } from '../../shared/review/model.js';
import { badge, formatDateTime, h, notice } from './dom.js';
import { draftView } from './draft-text.js';
import { citationList, claimCard, disclaimerList, fixes, genreSummary, moreClaims } from './findings.js';
import { claimCardId } from './highlight.js';
import { titles } from './titles.js';

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

export const statusBadge = (status: RecordStatus) => badge(STATUS_TITLES[status], STATUS_TONE[status]);

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

const DECISION_TITLES: Record<AuditView['decision'], string> = {
  approve: 'Approved',
  reject: 'Rejected',
  changes_requested: 'Changes requested',
};

/**
 * The version's audit trail, oldest first: when, what, and who where the API says (reviewers and viewers),
 * the note, each claim's note by the claim's number, and the risk score and policy the reviewer saw.
 */
/** What the reviewer had in front of them: "What the reviewer saw: risk 82, policy 2026-11-26.1." */
function seen(entry: AuditView): HTMLElement | null {
  const parts = [
    entry.riskScore === undefined ? undefined : `risk ${entry.riskScore}`,
    entry.policyVersion === undefined ? undefined : `policy ${entry.policyVersion}`,
  ].filter((part): part is string => part !== undefined);
  return parts.length === 0
    ? null
    : h('p', { class: 'muted' }, `What the reviewer saw: ${parts.join(', ')}.`);
}

export function decisionHistory(
  entries: readonly AuditView[],
  numbers: ReadonlyMap<string, number>,
): HTMLElement {
  return h(
    'section',
    { class: 'pane history', attrs: { 'aria-label': 'Decision history' } },
    h('h2', null, 'Decision history'),
    entries.length === 0
      ? h('p', { class: 'muted' }, 'No reviewer has decided on this version yet.')
      : h(
          'ol',
          { class: 'history-list' },
          ...entries.map((entry) => {
            const who = entry.byName ?? entry.by;
            return h(
              'li',
              { class: 'history-entry', attrs: { 'data-decision': entry.decision } },
              h(
                'p',
                null,
                h('strong', null, DECISION_TITLES[entry.decision]),
                ` on ${formatDateTime(entry.at)}`,
                who === undefined ? '' : ` by ${who}`,
              ),
              entry.note === ''
                ? h('p', { class: 'muted' }, 'No note.')
                : h('blockquote', { class: 'reviewer-note' }, entry.note),
              entry.claimNotes.length === 0
                ? null
                : h(
                    'ul',
                    { class: 'history-claim-notes' },
                    ...entry.claimNotes.map((claimNote) => {
                      const number = numbers.get(claimNote.claimId);
                      return h(
                        'li',
                        null,
                        h('strong', null, number === undefined ? 'A claim: ' : `Claim ${number}: `),
                        claimNote.note,
                      );
                    }),
                  ),
              seen(entry),
            );
          }),
        ),
  );
}

export interface ReportViewOptions {
  /** The draft's text (the report's, or fetched from its presigned GET); null when it is not available. */
  text: string | null;
  /** The version's audit trail: each claim's reviewer notes show at the claim, and the history below. */
  audit?: readonly AuditView[];
}

export function reportView(report: ReportResponse, options: ReportViewOptions): HTMLElement {
  const { draft, result, claims } = report;
  const latestNote = draft.decisionNote ?? '';
  const head = h(
    'section',
    { class: `verdict verdict-${draft.status}`, attrs: { 'data-status': draft.status } },
    h(
      'div',
      null,
      statusBadge(draft.status),
      result !== null ? badge(`Risk ${result.riskScore}`, 'category') : null,
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
    latestNote !== '' ? h('blockquote', { class: 'reviewer-note' }, `Reviewer's note: ${latestNote}`) : null,
    h(
      'p',
      { class: 'muted' },
      `Uploaded ${formatDateTime(draft.uploadedAt)} · checked ${formatDateTime(draft.processedAt)} · version ${draft.version.slice(0, 12)}${result !== null ? ` · policy ${result.policyVersion}` : ''}`,
    ),
  );
  const numbers = new Map(claims.map((claim) => [claim.id, claim.number]));
  const history = options.audit === undefined ? null : decisionHistory(options.audit, numbers);
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
      history,
    );
  const totals = report.totals ?? totalsOf(result);
  const notesByClaim = new Map<string, string[]>();
  for (const entry of options.audit ?? [])
    for (const { claimId, note } of entry.claimNotes)
      notesByClaim.set(claimId, [...(notesByClaim.get(claimId) ?? []), note]);
  const select = (claimId: string) =>
    document.getElementById(claimCardId(claimId))?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  const flagged = totals.claims.high + totals.claims.medium;
  return h(
    'div',
    { class: 'report' },
    head,
    genreSummary(result),
    h(
      'p',
      { class: 'score-explained' },
      scoreExplanation(result, titles, totals, (claim) => `claim ${numbers.get(claim.id) ?? '?'}`),
    ),
    h(
      'div',
      { class: 'review-grid' },
      h(
        'section',
        { class: 'pane text-pane' },
        h(
          'h2',
          null,
          'Your draft ',
          h('span', { class: 'muted' }, `${plural(claims.length, 'risky claim')} marked`),
        ),
        options.text === null
          ? notice('error', 'The draft is no longer in storage', 'The findings on the right still apply.')
          : draftView(options.text, result.format, claims, (claim) => select(claim.id)).element,
      ),
      h(
        'aside',
        { class: 'pane side-pane' },
        h('h2', null, 'What to fix'),
        fixes(result, totals),
        h('h2', null, `Risky claims (${flagged.toLocaleString('en-US')})`),
        moreClaims(claims.length, totals),
        claims.length === 0
          ? h('p', { class: 'ok' }, 'No risky claims.')
          : h(
              'div',
              { class: 'claim-cards' },
              ...claims.map((claim) =>
                claimCard(claim, { advice: true, reviewerNotes: notesByClaim.get(claim.id) ?? [] }),
              ),
            ),
        h('h2', null, 'Disclaimers'),
        disclaimerList(result),
        h('h2', null, `Citations not in your references (${totals.citations.unsupported})`),
        citationList(result, totals),
      ),
    ),
    history,
  );
}
