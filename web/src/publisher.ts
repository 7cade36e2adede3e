// The publisher's page: upload a draft, watch it being checked, read what to fix; and the recent drafts.
import { MAX_DRAFT_BYTES } from '../../shared/pipeline/resources.js';
import { DraftListResponse } from '../../shared/dashboard/model.js';
import type { ReportResponse } from '../../shared/review/model.js';
import { ReportResponse as ReportResponseSchema, UploadResponse } from '../../shared/review/model.js';
import type { Api } from './api.js';
import { ApiError, errorMessage, path } from './api.js';
import { formatDateTime, h, notice, replace } from './dom.js';
import { draftUrl, reportView, statusBadge } from './report-view.js';
import type { PageContext } from './shell.js';
import { startPage } from './shell.js';
import { loadText } from './draft-text.js';
import { draftContentType, putFile } from './upload.js';

const POLL_MS = 1000;
/** After this, the page says the check is slow, and keeps waiting. */
const SLOW_MS = 60_000;

async function waitForReport(
  api: Api,
  documentId: string,
  uploaded: { version: string; eTag?: string },
  onWait: (elapsedMs: number) => void,
): Promise<ReportResponse> {
  const started = Date.now();
  // The ETag lets the API answer with the latest version's report when these bytes are the same as its.
  const hint = uploaded.eTag === undefined ? '' : `?${new URLSearchParams({ eTag: uploaded.eTag })}`;
  for (;;) {
    try {
      return await api.request(
        'GET',
        path`/drafts/${documentId}/versions/${uploaded.version}/report` + hint,
        ReportResponseSchema,
      );
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    onWait(Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function publisherPage({ api, root }: PageContext) {
  const status = h('div', { class: 'upload-status', attrs: { id: 'upload-status', 'aria-live': 'polite' } });
  const report = h('div', { attrs: { id: 'report' } });
  const recent = h('section', { class: 'pane recent' });
  const input = h('input', {
    attrs: {
      type: 'file',
      id: 'draft-file',
      accept: '.txt,.text,.md,.markdown,.html,.htm,text/plain,text/markdown,text/html',
    },
    on: { change: () => void send(input.files?.[0]) },
  });
  const drop = h(
    'label',
    {
      class: 'drop',
      attrs: { for: 'draft-file' },
      on: {
        dragover: (event) => (event.preventDefault(), drop.classList.add('over')),
        dragleave: () => drop.classList.remove('over'),
        drop: (event) => {
          event.preventDefault();
          drop.classList.remove('over');
          void send(event.dataTransfer?.files[0]);
        },
      },
    },
    h('strong', null, 'Choose a draft'),
    ' or drop it here',
    h(
      'span',
      { class: 'muted' },
      `Text, Markdown or HTML, UTF-8, up to ${Math.round(MAX_DRAFT_BYTES / 1024 / 1024)} MB.`,
    ),
    input,
  );

  function step(text: string, fraction?: number) {
    replace(
      status,
      h('p', null, text),
      fraction === undefined
        ? null
        : h('progress', {
            attrs: { max: '100', value: String(Math.round(fraction * 100)), 'aria-label': 'Upload progress' },
          }),
    );
  }

  async function send(file: File | undefined) {
    if (file === undefined) return;
    replace(report);
    const contentType = draftContentType(file.name);
    if (contentType === undefined)
      return step(`${file.name}: only .txt, .md and .html drafts can be checked.`);
    if (file.size === 0) return step(`${file.name} is empty.`);
    if (file.size > MAX_DRAFT_BYTES)
      return step(
        `${file.name} is larger than the ${(MAX_DRAFT_BYTES / 1024 / 1024).toFixed(0)} MB a draft may have.`,
      );
    try {
      step(`Uploading ${file.name}…`, 0);
      const target = await api.request('POST', '/uploads', UploadResponse, {
        name: file.name,
        contentType,
        size: file.size,
      });
      const uploaded = await putFile(target, file, (fraction) => step(`Uploading ${file.name}…`, fraction));
      step(`Uploaded. Checking ${file.name}…`);
      const result = await waitForReport(api, target.documentId, uploaded, (elapsed) =>
        step(
          elapsed < SLOW_MS
            ? `Uploaded. Checking ${file.name}… ${Math.round(elapsed / 1000)} s`
            : `Still checking ${file.name} (${Math.round(elapsed / 1000)} s): the pipeline is busier than usual.`,
        ),
      );
      const text = await loadText(result);
      replace(status, h('p', { class: 'ok' }, `Checked ${file.name}.`));
      replace(report, reportView(result, { text }));
      void loadRecent();
    } catch (error) {
      replace(status, notice('error', 'The draft was not checked', errorMessage(error)));
    } finally {
      input.value = '';
    }
  }

  async function loadRecent() {
    replace(recent, h('h2', null, 'Your recent drafts'), notice('loading', 'Loading your drafts…'));
    try {
      const { items } = await api.request('GET', '/drafts?limit=10', DraftListResponse);
      replace(
        recent,
        h('h2', null, 'Your recent drafts'),
        items.length === 0
          ? h('p', { class: 'muted' }, 'Nothing uploaded yet: your checked drafts will be listed here.')
          : h(
              'ul',
              { class: 'recent-list' },
              ...items.map((item) =>
                h(
                  'li',
                  null,
                  h('a', { attrs: { href: draftUrl(item) } }, item.documentId),
                  statusBadge(item.status),
                  h('span', { class: 'muted' }, formatDateTime(item.uploadedAt)),
                ),
              ),
            ),
      );
    } catch (error) {
      replace(
        recent,
        h('h2', null, 'Your recent drafts'),
        notice('error', 'Could not list your drafts', errorMessage(error)),
      );
    }
  }

  replace(
    root,
    h(
      'div',
      { class: 'publisher-top' },
      h('section', { class: 'pane upload' }, h('h1', null, 'Check a draft before you publish'), drop, status),
      recent,
    ),
    report,
  );
  void loadRecent();
}

void startPage('Publisher', publisherPage);
