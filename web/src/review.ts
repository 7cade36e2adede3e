// The review page: take the next flagged draft, read it with its flagged claims marked, decide.
import type { Claim } from '../../shared/contract.js';
import type { Decision, NextResponse } from '../../shared/review/model.js';
import {
  DecisionResponse,
  LeaseResponse,
  NextResponse as NextResponseSchema,
} from '../../shared/review/model.js';
import { REVIEW_API } from '../../shared/pipeline/resources.js';
import { ApiError, errorMessage, path } from './api.js';
import { badge, formatDateTime, h, humanize, notice, replace } from './dom.js';
import { citationList, claimCard, disclaimerList, reasonList, unsupportedCitations } from './findings.js';
import { claimCardId, claimMarkId, highlightedText } from './highlight.js';
import type { PageContext } from './shell.js';
import { remaining } from './time.js';
import { onShortcut, startPage } from './shell.js';

type Leased = Extract<NextResponse, { empty: false }>;

const DECISIONS: Array<{ decision: Decision; label: string; key: string; tone: string; needsNote: boolean }> =
  [
    { decision: 'approve', label: 'Approve', key: 'a', tone: 'approve', needsNote: false },
    { decision: 'changes_requested', label: 'Request changes', key: 'c', tone: 'changes', needsNote: true },
    { decision: 'reject', label: 'Reject', key: 'r', tone: 'reject', needsNote: true },
  ];

function reviewPage({ api, root }: PageContext) {
  let leased: Leased | undefined;
  let busy = false;
  let timer: number | undefined;
  const claimNotes = new Map<string, HTMLTextAreaElement>();

  const startButton = (label: string) =>
    h(
      'button',
      { class: 'primary', attrs: { 'data-action': 'next' }, on: { click: () => void takeNext() } },
      label,
      h('kbd', null, 'N'),
    );

  function showIdle() {
    replace(
      root,
      notice(
        'empty',
        'Ready when you are',
        'Take the flagged draft that has waited longest.',
        startButton('Take next draft'),
      ),
    );
  }

  async function takeNext() {
    if (busy) return;
    busy = true;
    stopTimer();
    replace(root, notice('loading', 'Taking the next flagged draft…'));
    try {
      const next = await api.request('POST', '/reviews/next', NextResponseSchema);
      if (next.empty) {
        leased = undefined;
        replace(
          root,
          notice(
            'empty',
            'The queue is empty',
            'No flagged drafts are waiting for review.',
            startButton('Check again'),
          ),
        );
      } else {
        leased = next;
        showDraft(next);
      }
    } catch (error) {
      showError(error);
    } finally {
      busy = false;
    }
  }

  async function extend() {
    if (leased === undefined || busy) return;
    busy = true;
    try {
      const lease = await api.request('POST', path`/reviews/${leased.leaseId}/extend`, LeaseResponse);
      leased = { ...leased, ...lease };
      tick();
    } catch (error) {
      flash(errorMessage(error), 'error');
    } finally {
      busy = false;
    }
  }

  async function decide(decision: Decision) {
    if (leased === undefined || busy) return;
    const choice = DECISIONS.find((d) => d.decision === decision);
    const noteField = document.getElementById('decision-note') as HTMLTextAreaElement | null;
    const note = noteField?.value.trim() ?? '';
    if (choice?.needsNote === true && note === '') {
      flash(`${choice.label}: say in the note what the publisher must change.`, 'error');
      noteField?.focus();
      return;
    }
    if (remaining(leased.leaseExpiresAt, Date.now()) === undefined) {
      flash('The lease has expired: take the draft again.', 'error');
      return;
    }
    busy = true;
    const { draft } = leased;
    const notes = [...claimNotes.entries()]
      .map(([claimId, field]) => ({ claimId, note: field.value.trim() }))
      .filter((entry) => entry.note !== '');
    try {
      const response = await api.request(
        'POST',
        `${path`/drafts/${draft.documentId}/versions/${draft.version}/decision`}?${new URLSearchParams({ publisherId: draft.publisherId })}`,
        DecisionResponse,
        { leaseId: leased.leaseId, decision, note, ...(notes.length > 0 && { claimNotes: notes }) },
      );
      leased = undefined;
      stopTimer();
      replace(
        root,
        h(
          'div',
          { class: 'notice notice-done', attrs: { role: 'status', 'data-decided': response.draft.status } },
          h('p', { class: 'notice-title' }, `${choice?.label ?? decision}: recorded`),
          h(
            'p',
            { class: 'notice-detail' },
            `${response.draft.documentId} (${response.draft.publisherId}) is now ${humanize(response.draft.status)}, by ${response.audit.by} at ${formatDateTime(response.audit.at)}.`,
          ),
          startButton('Next draft'),
        ),
      );
    } catch (error) {
      const stale = error instanceof ApiError && error.status === 409;
      flash(stale ? `Not recorded: ${errorMessage(error)}` : errorMessage(error), 'error');
    } finally {
      busy = false;
    }
  }

  function select(claim: Claim) {
    for (const element of document.querySelectorAll('.selected')) element.classList.remove('selected');
    document.getElementById(claimMarkId(claim.id))?.classList.add('selected');
    const card = document.getElementById(claimCardId(claim.id));
    card?.classList.add('selected');
    card?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    card?.focus({ preventScroll: true });
  }

  /** j/k: the next or previous flagged claim in reading order. */
  function step(delta: 1 | -1) {
    if (leased === undefined) return;
    const claims = leased.flaggedClaims;
    const current = document.querySelector<HTMLElement>('.claim-card.selected')?.dataset.claimId;
    const index = claims.findIndex((claim) => claim.id === current);
    const next = claims[(index + delta + claims.length) % claims.length];
    if (next !== undefined) {
      select(next);
      document.getElementById(claimMarkId(next.id))?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  }

  function showDraft(next: Leased) {
    claimNotes.clear();
    const { draft, result, text } = next;
    // The API sends them already: the medium and high claims in reading order.
    const claims = next.flaggedClaims;
    const noteFor = (claim: Claim) => {
      const field = h('textarea', {
        class: 'claim-note',
        attrs: {
          rows: '1',
          maxlength: String(REVIEW_API.maxNoteChars),
          placeholder: 'Note on this claim (optional)',
          'aria-label': `Note on claim ${claim.id}`,
        },
      });
      claimNotes.set(claim.id, field);
      return field;
    };
    const unsupported = unsupportedCitations(result).length;
    const missing = result.disclaimers.filter((d) => d.required && d.status !== 'present').length;
    replace(
      root,
      h(
        'section',
        { class: 'lease-bar' },
        h(
          'div',
          null,
          h('h1', { class: 'doc-title' }, draft.documentId),
          h(
            'p',
            { class: 'muted' },
            `${draft.publisherId} · version ${draft.version.slice(0, 12)} · uploaded ${formatDateTime(draft.uploadedAt)} · policy ${result.policyVersion}`,
          ),
        ),
        h(
          'div',
          { class: 'lease' },
          badge(`risk ${result.riskScore}`, result.riskScore >= 70 ? 'danger' : 'warning'),
          h('span', { class: 'lease-timer', attrs: { id: 'lease-timer', 'aria-live': 'off' } }),
          h('button', { on: { click: () => void extend() } }, 'Extend lease', h('kbd', null, 'E')),
        ),
      ),
      h('div', { class: 'flash', attrs: { id: 'flash', role: 'status', 'aria-live': 'polite' } }),
      h(
        'div',
        { class: 'review-grid' },
        h(
          'section',
          { class: 'pane text-pane' },
          h(
            'h2',
            null,
            'Draft text ',
            h('span', { class: 'muted' }, `${claims.length} flagged claims marked`),
          ),
          text === null
            ? notice(
                'error',
                'The draft is no longer in the bucket',
                'Decide from the claims and reasons alone.',
              )
            : highlightedText(text, claims, select),
        ),
        h(
          'aside',
          { class: 'pane side-pane' },
          h('h2', null, 'Why it was flagged'),
          reasonList(result),
          h(
            'h2',
            null,
            `Flagged claims (${claims.length})`,
            ' ',
            h('span', { class: 'hint' }, h('kbd', null, 'J'), h('kbd', null, 'K')),
          ),
          claims.length === 0
            ? h('p', { class: 'muted' }, 'No claim is above low risk; see the reasons above.')
            : h(
                'div',
                { class: 'claim-cards' },
                ...claims.map((claim) => claimCard(claim, { advice: false, note: noteFor })),
              ),
          h('h2', null, `Unsupported citations (${unsupported})`),
          citationList(result),
          h('h2', null, `Disclaimers (${missing} to fix)`),
          disclaimerList(result),
        ),
      ),
      h(
        'section',
        { class: 'decision-bar' },
        h('textarea', {
          attrs: {
            id: 'decision-note',
            rows: '2',
            maxlength: String(REVIEW_API.maxNoteChars),
            placeholder:
              'Decision note for the audit trail and the publisher (required to reject or request changes)',
            'aria-label': 'Decision note',
          },
        }),
        h(
          'div',
          { class: 'decision-buttons' },
          ...DECISIONS.map((choice) =>
            h(
              'button',
              {
                class: `decide decide-${choice.tone}`,
                attrs: { 'data-decision': choice.decision },
                on: { click: () => void decide(choice.decision) },
              },
              choice.label,
              h('kbd', null, choice.key.toUpperCase()),
            ),
          ),
        ),
        h('p', { class: 'hint' }, 'Shortcuts work outside text fields; Esc leaves a field.'),
      ),
    );
    for (const claim of claims.slice(0, 1)) select(claim);
    startTimer();
  }

  function tick() {
    const label = document.getElementById('lease-timer');
    if (label === null || leased === undefined) return;
    const left = remaining(leased.leaseExpiresAt, Date.now());
    label.textContent = left === undefined ? 'Lease expired' : `Lease ${left}`;
    label.className = `lease-timer ${left === undefined ? 'expired' : Date.parse(leased.leaseExpiresAt) - Date.now() < 120_000 ? 'ending' : ''}`;
    for (const button of document.querySelectorAll<HTMLButtonElement>('.decide'))
      button.disabled = left === undefined;
  }

  function startTimer() {
    stopTimer();
    tick();
    timer = window.setInterval(tick, 1000);
  }

  function stopTimer() {
    if (timer !== undefined) window.clearInterval(timer);
    timer = undefined;
  }

  function flash(message: string, tone: 'error' | 'info') {
    const element = document.getElementById('flash');
    if (element === null) return;
    element.className = `flash flash-${tone}`;
    element.textContent = message;
  }

  function showError(error: unknown) {
    const message = errorMessage(error);
    replace(root, notice('error', 'Could not take a draft', message, startButton('Try again')));
  }

  onShortcut((key) => {
    const shortcut = key.toLowerCase();
    if (shortcut === 'n' && leased === undefined) void takeNext();
    else if (shortcut === 'e') void extend();
    else if (shortcut === 'j') step(1);
    else if (shortcut === 'k') step(-1);
    else {
      const choice = DECISIONS.find((d) => d.key === shortcut);
      if (choice !== undefined) void decide(choice.decision);
    }
  });
  showIdle();
}

void startPage('Review queue', reviewPage);
