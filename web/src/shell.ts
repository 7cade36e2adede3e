// What every page does first: read the config, sign in, draw the top bar, then hand over to the page.
import type { PageConfig } from '../../shared/review/page-config.js';
import { Api, errorMessage } from './api.js';
import type { Session } from './auth.js';
import { signIn } from './auth.js';
import { loadConfig } from './config.js';
import { byId, h, notice, replace } from './dom.js';

export interface PageContext {
  api: Api;
  session: Session;
  config: PageConfig;
  /** The page's own area below the top bar. */
  root: HTMLElement;
}

const PAGES = [
  { href: '/review.html', label: 'Review queue' },
  { href: '/dashboard.html', label: 'Dashboard' },
  { href: '/publisher.html', label: 'Publisher' },
];

function topBar(session: Session | undefined): HTMLElement {
  const here = location.pathname;
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', attrs: { href: '/' } }, 'claimscan'),
    h(
      'nav',
      { attrs: { 'aria-label': 'Pages' } },
      ...PAGES.map((page) =>
        h(
          'a',
          { attrs: { href: page.href, ...(page.href === here && { 'aria-current': 'page' }) } },
          page.label,
        ),
      ),
    ),
    session === undefined
      ? null
      : h(
          'button',
          { class: 'link', on: { click: () => (session.signOut(), location.reload()) } },
          'Sign out',
        ),
  );
}

export async function startPage(title: string, run: (context: PageContext) => Promise<void> | void) {
  document.title = `${title} · claimscan`;
  const app = byId('app');
  const root = h('main', { class: 'page' });
  replace(app, topBar(undefined), root);
  replace(root, notice('loading', 'Signing in…'));
  try {
    const config = await loadConfig();
    const session = await signIn(config);
    if (session === undefined) {
      replace(
        root,
        notice(
          'error',
          'Not signed in',
          'Open this page from a link that npm start printed: each carries a local token for its role.',
        ),
      );
      return;
    }
    replace(app, topBar(session), root);
    await run({ api: new Api(config.apiUrl, session.token), session, config, root });
  } catch (error) {
    replace(root, notice('error', 'Something went wrong', errorMessage(error)));
  }
}

/**
 * A key pressed outside text fields, without modifiers: the pages' shortcuts. A key the page handles (it
 * answers true) does nothing else: when a shortcut moves the focus into a field (a note the decision needs),
 * the key must not be typed there.
 */
export function onShortcut(handle: (key: string, event: KeyboardEvent) => boolean): void {
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    const typing =
      target !== null && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (typing) {
      if (event.key === 'Escape') target.blur();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (handle(event.key, event)) event.preventDefault();
  });
}
