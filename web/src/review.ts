// The review page: take the next flagged draft (or pick up the one already held), read it with its flagged
// claims marked, decide, skip or hand it back; the queue's size always in view.
import type { Claim } from '../../shared/contract.js';
import { REVIEW_API } from '../../shared/pipeline/resources.js';
import { scoreExplanation } from '../../shared/report/advice.js';
import { plural, STATUS_TITLES } from '../../shared/report/words.js';
import type { Decision, NextResponse, QueueCounts } from '../../shared/review/model.js';
import {
  DecisionResponse,
  LeaseResponse,
  NextResponse as NextResponseSchema,
  QueueResponse,
  ReleaseResponse,
} from '../../shared/review/model.js';
import { ApiError, errorMessage, path } from './api.js';
import { badge, formatDateTime, h, notice, replace } from './dom.js';
import { draftView, loadText } from './draft-text.js';
import {
  citationList,
  claimCard,
  disclaimerList,
  disclaimerProblems,
  fixes,
  genreSummary,
  moreClaims,
} from './findings.js';
import { claimCardId, claimMarkId } from './highlight.js';
import type { PageContext } from './shell.js';
import { onShortcut, startPage } from './shell.js';
import { remaining } from './time.js';
import { titles } from './titles.js';

type Leased = Extract<NextResponse, { empty: false }>;

const DECISIONS: Array<{ decision: Decision; label: string; key: string; tone: string; needsNote: boolean }> =
  [
    { decision: 'approve', label: 'Approve', key: 'a', tone: 'approve', needsNote: false },
    { decision: 'changes_requested', label: 'Request changes', key: 'c', tone: 'changes', needsNote: true },
    { decision: 'reject', label: 'Reject', key: 'r', tone: 'reject', needsNote: true },
  ];

/** How often the queue's counts are refreshed while the page is open. */
const QUEUE_REFRESH_MS = 30_000;

const queueLine = (queue: QueueCounts) =>
  `${plural(queue.waiting, 'draft')} waiting · ${queue.inReviewByOthers} in review by others`;

function reviewPage({ api, root }: PageContext) {
  let leased: Leased | undefined;
  let busy = false;
  let confirmingApprove = false;
  let timer: number | undefined;
  let toggleView: (() => void) | undefined;
  const claimNotes = new Map<string, HTMLTextAreaElement>();
  const counts = h('p', { class: 'queue-counts', attrs: { id: 'queue-counts', 'aria-live': 'polite' } });

  const showCounts = (queue: QueueCounts) => {
    counts.textContent = queueLine(queue);
    counts.dataset.waiting = String(queue.waiting);
    counts.dataset.inReviewByOthers = String(queue.inReviewByOthers);
  };

  const actionButton = (action: string, label: string, key: string, run: () => void, primary = false) =>
    h(
      'button',
      { class: primary ? 'primary' : '', attrs: { 'data-action': action }, on: { click: run } },
      label,
      h('kbd', null, key),
    );
  const startButton = (label: string) => actionButton('next', label, 'N', () => void takeNext(), true);

  function showIdle(title: string, detail: string) {
    leased = undefined;
    stopTimer();
    replace(
      root,
      h('div', { class: 'idle' }, notice('empty', title, detail, startButton('Take next draft')), counts),
    );
  }

  async function refreshQueue() {
    try {
      showCounts((await api.request('GET', '/reviews/queue', QueueResponse)).queue);
    } catch {
      // The counts are a guide; the next action refreshes them anyway.
    }
  }

  /** On load: pick up the draft this reviewer already holds (a reload), else wait to be asked. */
  async function start() {
    try {
      const state = await api.request('GET', '/reviews/queue', QueueResponse);
      showCounts(state.queue);
      if (state.held !== null) await takeNext();
      else showIdle('Ready when you are', 'Take the flagged draft that has waited longest.');
    } catch (error) {
      showError(error);
    }
    window.setInterval(() => void refreshQueue(), QUEUE_REFRESH_MS);
  }

  /** Next draft; with `skip`, the held one goes back to the queue once another is leased. */
  async function takeNext(skip?: Leased) {
    if (busy) return;
    busy = true;
    stopTimer();
    replace(root, notice('loading', skip ? 'Skipping to the next draft…' : 'Taking the next flagged draft…'));
    try {
      const next = await api.request(
        'POST',
        '/reviews/next',
        NextResponseSchema,
        skip === undefined ? undefined : { skip: skip.leaseId },
      );
      showCounts(next.queue);
      if (next.empty) {
        showIdle(
          'The queue is empty',
          skip
            ? `No other flagged draft is waiting; ${skip.draft.documentId} is back in the queue.`
            : 'No flagged drafts are waiting for review.',
        );
        return;
      }
      leased = next;
      const text = await loadText(next);
      showDraft(next, text);
      if (next.resumed) flash('You already held this draft: picked up where you left off.', 'info');
      else if (skip) flash(`Skipped: ${skip.draft.documentId} is back in the queue.`, 'info');
    } catch (error) {
      showError(error);
    } finally {
      busy = false;
    }
  }

  async function release() {
    if (leased === undefined || busy) return;
    busy = true;
    const held = leased;
    try {
      const { draft } = await api.request('POST', path`/reviews/${held.leaseId}/release`, ReleaseResponse);
      showIdle('Released', `${draft.documentId} is back in the queue for any reviewer.`);
      void refreshQueue();
    } catch (error) {
      flash(errorMessage(error), 'error');
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

  function askToConfirmApprove(high: number) {
    confirmingApprove = true;
    const bar = document.getElementById('confirm-approve');
    if (bar === null) return;
    replace(
      bar,
      h(
        'p',
        null,
        `${plural(high, 'high-risk claim')} ${high === 1 ? 'is' : 'are'} still in this draft. Approve it anyway?`,
      ),
      actionButton('confirm-approve', 'Approve anyway', 'A', () => void decide('approve')),
      actionButton('cancel-approve', 'Cancel', 'Esc', cancelConfirm),
    );
    bar.hidden = false;
  }

  function cancelConfirm() {
    confirmingApprove = false;
    const bar = document.getElementById('confirm-approve');
    if (bar !== null) bar.hidden = true;
  }

  async function decide(decision: Decision) {
    if (leased === undefined || busy) return;
    const choice = DECISIONS.find((d) => d.decision === decision);
    const noteField = document.getElementById('decision-note') as HTMLTextAreaElement | null;
    const note = noteField?.value.trim() ?? '';
    if (choice?.needsNote === true && note === '') {
      cancelConfirm();
      flash(`${choice.label}: say in the note what the publisher must change.`, 'error');
      noteField?.focus();
      return;
    }
    if (remaining(leased.leaseExpiresAt, Date.now()) === undefined) {
      flash('The lease has expired: take the draft again.', 'error');
      return;
    }
    const high = leased.totals.claims.high;
    if (decision === 'approve' && high > 0 && !confirmingApprove) {
      askToConfirmApprove(high);
      return;
    }
    cancelConfirm();
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
          h('p', { class: 'notice-title' }, `${choice?.label ?? 'Decision'}: recorded`),
          h(
            'p',
            { class: 'notice-detail' },
            `${response.draft.documentId} from ${response.draft.publisherId}: ${STATUS_TITLES[response.draft.status]}. Recorded on ${formatDateTime(response.audit.at)}.`,
          ),
          startButton('Next draft'),
        ),
        counts,
      );
      void refreshQueue();
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

  function showDraft(next: Leased, text: string | null) {
    claimNotes.clear();
    confirmingApprove = false;
    const { draft, result, totals } = next;
    // The API sends them already: the medium and high claims in reading order, numbered.
    const claims = next.flaggedClaims;
    const byId = new Map(claims.map((claim) => [claim.id, claim]));
    const noteFor = (claim: Claim) => {
      const field = h('textarea', {
        class: 'claim-note',
        attrs: {
          rows: '1',
          maxlength: String(REVIEW_API.maxNoteChars),
          placeholder: 'Note on this claim (optional; the publisher reads it)',
          'aria-label': `Note on claim ${byId.get(claim.id)?.number ?? ''}`,
        },
      });
      claimNotes.set(claim.id, field);
      return field;
    };
    const flagged = totals.claims.high + totals.claims.medium;
    const view = text === null ? undefined : draftView(text, result.format, claims, select);
    toggleView = view?.toggle;
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
          genreSummary(result),
          h(
            'p',
            { class: 'score-explained' },
            scoreExplanation(result, titles, totals, (claim) => `claim ${byId.get(claim.id)?.number ?? '?'}`),
          ),
          counts,
        ),
        h(
          'div',
          { class: 'lease' },
          badge(`Risk ${result.riskScore}`, result.riskScore >= 70 ? 'danger' : 'warning'),
          h('span', { class: 'lease-timer', attrs: { id: 'lease-timer', 'aria-live': 'off' } }),
          actionButton('extend', 'Extend lease', 'E', () => void extend()),
          actionButton('skip', 'Skip', 'S', () => void takeNext(next)),
          actionButton('release', 'Release', 'L', () => void release()),
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
            h('span', { class: 'muted' }, `${plural(claims.length, 'flagged claim')} marked`),
          ),
          view?.element ??
            notice('error', 'The draft is no longer in storage', 'Decide from the claims and reasons alone.'),
        ),
        h(
          'aside',
          { class: 'pane side-pane' },
          h('h2', null, 'Why it was flagged'),
          fixes(result, totals),
          h(
            'h2',
            null,
            `Flagged claims (${flagged.toLocaleString('en-US')})`,
            ' ',
            h('span', { class: 'hint' }, h('kbd', null, 'J'), h('kbd', null, 'K')),
          ),
          moreClaims(claims.length, totals),
          claims.length === 0
            ? h('p', { class: 'muted' }, 'No claim is above low risk; see the reasons above.')
            : h(
                'div',
                { class: 'claim-cards' },
                ...claims.map((claim) => claimCard(claim, { advice: false, note: noteFor })),
              ),
          h('h2', null, `Citations not in the references (${totals.citations.unsupported})`),
          citationList(result, totals),
          h('h2', null, `Disclaimers (${disclaimerProblems(result).length} to fix)`),
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
        h('div', { class: 'confirm-bar', attrs: { id: 'confirm-approve', role: 'alert', hidden: '' } }),
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
        h(
          'p',
          { class: 'hint' },
          `Shortcuts work outside text fields; Esc leaves a field.${result.format === 'text' ? '' : ' T switches between the readable text and the source.'}`,
        ),
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
    leased = undefined;
    replace(
      root,
      notice('error', 'Could not take a draft', errorMessage(error), startButton('Try again')),
      counts,
    );
  }

  onShortcut((key) => {
    const shortcut = key.toLowerCase();
    if (shortcut === 'escape') {
      if (!confirmingApprove) return false;
      cancelConfirm();
    } else if (shortcut === 'n' && leased === undefined) void takeNext();
    else if (leased === undefined) return false;
    else if (shortcut === 'e') void extend();
    else if (shortcut === 's') void takeNext(leased);
    else if (shortcut === 'l') void release();
    else if (shortcut === 't') toggleView?.();
    else if (shortcut === 'j') step(1);
    else if (shortcut === 'k') step(-1);
    else {
      const choice = DECISIONS.find((d) => d.key === shortcut);
      if (choice === undefined) return false;
      void decide(choice.decision);
    }
    return true;
  });
  void start();
}

void startPage('Review queue', reviewPage);
