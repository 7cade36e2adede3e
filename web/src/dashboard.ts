// The dashboard: drafts in, flagged and why, the review backlog and decision times, over a window of days;
// and the list of drafts with filters, each linking to its report.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { addDays, utcDay } from '../../shared/dashboard/counters.js';
import type { StatsResponse } from '../../shared/dashboard/model.js';
import {
  DASHBOARD,
  DraftListResponse,
  StatsResponse as StatsResponseSchema,
} from '../../shared/dashboard/model.js';
import { RECORD_STATUSES } from '../../shared/pipeline/resources.js';
import { errorMessage } from './api.js';
import { fromId, plural, STATUS_TITLES } from '../../shared/report/words.js';
import { formatDateTime, h, notice, replace } from './dom.js';
import { draftUrl, statusBadge } from './report-view.js';
import type { PageContext } from './shell.js';
import { startPage } from './shell.js';
import { formatDuration } from './time.js';
import { titles } from './titles.js';

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

function tile(label: string, value: string, detail?: string, tone = '') {
  return h(
    'div',
    { class: `tile ${tone}`, attrs: { 'data-tile': label } },
    h('p', { class: 'tile-label' }, label),
    h('p', { class: 'tile-value' }, value),
    detail !== undefined ? h('p', { class: 'tile-detail muted' }, detail) : null,
  );
}

/** Counts as horizontal bars, largest first, each labelled with its category's or disclaimer's title. */
function bars(title: string, counts: Record<string, number>, empty: string) {
  const entries = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, count]) => count));
  return h(
    'section',
    { class: 'pane bars' },
    h('h2', null, title),
    entries.length === 0
      ? h('p', { class: 'muted' }, empty)
      : h(
          'ul',
          null,
          ...entries.map(([name, count]) => {
            const bar = h('span', { class: 'bar' });
            bar.style.width = `${(count / max) * 100}%`;
            return h(
              'li',
              null,
              h('span', { class: 'bar-label' }, titles.of(name) ?? fromId(name)),
              h('span', { class: 'bar-track' }, bar),
              h('span', { class: 'bar-count' }, String(count)),
            );
          }),
        ),
  );
}

function perDayChart(stats: StatsResponse): HTMLElement {
  const holder = h('div', { class: 'chart', attrs: { 'aria-label': 'Drafts per day' } });
  const total = stats.days.reduce((sum, day) => sum + day.processed + day.decided, 0);
  if (total === 0) {
    holder.append(
      notice('empty', 'No drafts in this period', 'Drafts appear here as soon as they are checked.'),
    );
    return holder;
  }
  const x = stats.days.map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000);
  const series = (key: 'processed' | 'flagged' | 'failed' | 'decided') => stats.days.map((day) => day[key]);
  const draw = () => {
    holder.replaceChildren();
    new uPlot(
      {
        width: Math.max(320, holder.clientWidth),
        height: 260,
        scales: { x: { time: true } },
        series: [
          {
            label: 'Day',
            value: (_u, seconds) =>
              seconds === null ? '–' : new Date(seconds * 1000).toISOString().slice(0, 10),
          },
          { label: 'Processed', stroke: '#2856c7', width: 2, points: { show: true } },
          { label: 'Flagged', stroke: '#b42318', width: 2, points: { show: true } },
          { label: 'Failed', stroke: '#5d6678', width: 1, dash: [4, 4] },
          { label: 'Decided', stroke: '#17663a', width: 2 },
        ],
        axes: [
          {},
          {
            label: 'drafts',
            values: (_u, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : '')),
          },
        ],
      },
      [x, series('processed'), series('flagged'), series('failed'), series('decided')],
      holder,
    );
  };
  requestAnimationFrame(draw);
  return holder;
}

function statsView(stats: StatsResponse): HTMLElement {
  const { totals, backlog } = stats;
  const decided = totals.uploadToDecisionSeconds;
  const { approve, reject, changes_requested: changes } = totals.decisions;
  return h(
    'div',
    { class: 'stats', attrs: { 'data-from': stats.from, 'data-to': stats.to } },
    h(
      'div',
      { class: 'tiles' },
      tile('Processed', String(totals.processed), `${totals.passed} passed`),
      tile(
        'Flagged',
        String(totals.flagged),
        `${percent(totals.flaggedRate)} of processed`,
        totals.flagged > 0 ? 'tone-warning' : '',
      ),
      tile('Failed', String(totals.failed), 'could not be checked', totals.failed > 0 ? 'tone-danger' : ''),
      backlog === null
        ? tile('Review backlog', '–', 'shown to reviewers and viewers')
        : tile(
            'Review backlog',
            String(backlog.queued + backlog.leased),
            `${backlog.queued} waiting, ${backlog.leased} being reviewed${backlog.oldestPending === null ? '' : `; oldest ${formatDuration(backlog.oldestPending.ageSeconds)}`}`,
          ),
      tile(
        'Decisions',
        String(approve + reject + changes),
        `${approve} approved, ${changes} changes requested, ${reject} rejected`,
      ),
      tile(
        'Upload to decision',
        decided.median === null ? '–' : formatDuration(decided.median),
        decided.p90 === null
          ? 'no decisions yet'
          : `median; p90 ${formatDuration(decided.p90)} over ${plural(decided.decided, 'decision')}`,
      ),
    ),
    h('section', { class: 'pane' }, h('h2', null, 'Drafts per day'), perDayChart(stats)),
    h(
      'div',
      { class: 'bar-grid' },
      bars(
        'Flagged drafts by claim category',
        totals.flaggedDraftsByCategory,
        'No flagged drafts in this period.',
      ),
      bars(
        'Drafts missing a required disclaimer',
        totals.draftsMissingDisclaimer,
        'No missing disclaimers in this period.',
      ),
      bars(
        'Drafts with an altered disclaimer',
        totals.draftsWithAlteredDisclaimer,
        'No altered disclaimers in this period.',
      ),
    ),
  );
}

function dashboardPage({ api, root }: PageContext) {
  const today = utcDay(new Date().toISOString());
  const params = new URLSearchParams(location.search);
  const filters = {
    from: params.get('from') ?? addDays(today, 1 - DASHBOARD.defaultDays),
    to: params.get('to') ?? today,
    publisherId: params.get('publisherId') ?? '',
    status: params.get('status') ?? '',
  };
  const field = (
    name: keyof typeof filters,
    label: string,
    control: HTMLInputElement | HTMLSelectElement,
  ) => {
    control.name = name;
    control.value = filters[name];
    return h('label', null, h('span', null, label), control);
  };
  const statusSelect = h(
    'select',
    null,
    h('option', { attrs: { value: '' } }, 'Any status'),
    ...RECORD_STATUSES.map((status) => h('option', { attrs: { value: status } }, STATUS_TITLES[status])),
  );
  const form = h(
    'form',
    {
      class: 'filters',
      on: {
        submit: (event) => {
          event.preventDefault();
          const data = new FormData(form);
          for (const key of Object.keys(filters) as Array<keyof typeof filters>)
            filters[key] = String(data.get(key) ?? '');
          const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
          history.replaceState(null, '', `?${query}`);
          void load();
        },
      },
    },
    field('from', 'From', h('input', { attrs: { type: 'date', required: '' } })),
    field('to', 'To', h('input', { attrs: { type: 'date', required: '' } })),
    field('publisherId', 'Publisher', h('input', { attrs: { type: 'text', placeholder: 'All publishers' } })),
    field('status', 'Status (list)', statusSelect),
    h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Apply'),
  );
  const statsArea = h('div', { attrs: { id: 'stats' } });
  const listArea = h('section', { class: 'pane drafts', attrs: { id: 'drafts' } });

  async function loadStats() {
    replace(statsArea, notice('loading', 'Counting…'));
    const query = new URLSearchParams({
      from: filters.from,
      to: filters.to,
      ...(filters.publisherId !== '' && { publisherId: filters.publisherId }),
    });
    try {
      replace(statsArea, statsView(await api.request('GET', `/stats?${query}`, StatsResponseSchema)));
    } catch (error) {
      replace(statsArea, notice('error', 'Could not load the figures', errorMessage(error)));
    }
  }

  async function loadList() {
    const body = h('tbody', null);
    const more = h('button', { attrs: { type: 'button' } }, 'Load more');
    const table = h(
      'table',
      { class: 'draft-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...['Uploaded', 'Publisher', 'Draft', 'Status', 'Risk'].map((title) => h('th', null, title)),
        ),
      ),
      body,
    );
    const footer = h('div', { class: 'table-footer' });
    replace(listArea, h('h2', null, 'Drafts, newest first'), notice('loading', 'Loading drafts…'));
    let cursor: string | undefined;
    const page = async () => {
      const query = new URLSearchParams({
        from: filters.from,
        to: filters.to,
        limit: String(DASHBOARD.defaultPageSize),
        ...(filters.publisherId !== '' && { publisherId: filters.publisherId }),
        ...(filters.status !== '' && { status: filters.status }),
        ...(cursor !== undefined && { cursor }),
      });
      const list = await api.request('GET', `/drafts?${query}`, DraftListResponse);
      for (const item of list.items)
        body.append(
          h(
            'tr',
            { attrs: { 'data-document-id': item.documentId } },
            h('td', null, formatDateTime(item.uploadedAt)),
            h('td', null, item.publisherId),
            h(
              'td',
              null,
              h(
                'a',
                {
                  attrs: {
                    href: draftUrl(item),
                  },
                },
                item.documentId,
              ),
            ),
            h('td', null, statusBadge(item.status)),
            h('td', null, item.riskScore === undefined ? '–' : String(item.riskScore)),
          ),
        );
      cursor = list.nextCursor;
      replace(
        footer,
        cursor === undefined ? h('span', { class: 'muted' }, plural(body.rows.length, 'draft')) : more,
      );
    };
    more.addEventListener('click', () => {
      more.disabled = true;
      void page().finally(() => (more.disabled = false));
    });
    try {
      await page();
      replace(
        listArea,
        h('h2', null, 'Drafts, newest first'),
        body.rows.length === 0
          ? notice('empty', 'No drafts match', 'Widen the dates or clear the filters.')
          : table,
        body.rows.length === 0 ? null : footer,
      );
    } catch (error) {
      replace(
        listArea,
        h('h2', null, 'Drafts, newest first'),
        notice('error', 'Could not list drafts', errorMessage(error)),
      );
    }
  }

  const load = () => Promise.all([loadStats(), loadList()]);
  replace(root, h('div', { class: 'dashboard-head' }, h('h1', null, 'Dashboard'), form), statsArea, listArea);
  void load();
}

void startPage('Dashboard', dashboardPage);
