// One draft version's report, opened from a list: /draft.html?publisherId=…&documentId=…&version=…
import { ReportResponse } from '../../shared/review/model.js';
import { path } from './api.js';
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
  const report = await api.request(
    'GET',
    `${path`/drafts/${documentId}/versions/${version}/report`}?${new URLSearchParams({ publisherId })}`,
    ReportResponse,
  );
  replace(root, reportView(report));
});
