// One draft version's report and decision history, opened from a list: /draft.html?publisherId=…&documentId=…&version=…
import { AuditResponse, ReportResponse } from '../../shared/review/model.js';
import { path } from './api.js';
import { loadText } from './draft-text.js';
import { notice, replace } from './dom.js';
import { reportView } from './report-view.js';
import { startPage } from './shell.js';

void startPage('Draft', async ({ api, root }) => {
  const params = new URLSearchParams(location.search);
  const [publisherId, documentId, version] = ['publisherId', 'documentId', 'version'].map((name) =>
    params.get(name),
  );
  if (!publisherId || !documentId || !version) {
    replace(
      root,
      notice('error', 'No draft named', 'Open a draft from the dashboard or your recent drafts.'),
    );
    return;
  }
  replace(root, notice('loading', `Loading ${documentId}…`));
  const query = `?${new URLSearchParams({ publisherId })}`;
  const [report, audit] = await Promise.all([
    api.request('GET', `${path`/drafts/${documentId}/versions/${version}/report`}${query}`, ReportResponse),
    api.request('GET', `${path`/drafts/${documentId}/versions/${version}/audit`}${query}`, AuditResponse),
  ]);
  replace(root, reportView(report, { text: await loadText(report), audit: audit.entries }));
});
