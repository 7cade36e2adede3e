// Signing in. Local mode: the bearer token `npm start` prints arrives in the URL's fragment (never sent to a
// server) and is kept for the tab. AWS: Cognito's authorization code flow with PKCE; the API gets the ID token.
import type { PageConfig } from '../../shared/review/page-config.js';

const TOKEN_KEY = 'claimscan.token';
const PKCE_KEY = 'claimscan.pkce';

export interface Session {
  token: string;
  signOut(): void;
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

export function randomVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Seconds since the epoch when a JWT expires, or 0 when it cannot be read. */
export function jwtExpiry(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp: unknown = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : 0;
  } catch {
    return 0;
  }
}

/** Where Cognito sends the user back: this page, without query or fragment. */
const redirectUri = () => `${location.origin}${location.pathname}`;

function localSession(): Session | undefined {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment !== null && fromFragment !== '') {
    sessionStorage.setItem(TOKEN_KEY, fromFragment);
    // Out of the address bar and the history, so it is not shared with a copied link.
    history.replaceState(null, '', redirectUri() + location.search);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token === null) return undefined;
  return { token, signOut: () => sessionStorage.removeItem(TOKEN_KEY) };
}

async function cognitoSession(
  config: Extract<PageConfig, { auth: 'cognito' }>,
): Promise<Session | undefined> {
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.assign(
      `${config.signInUrl}/logout?${new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() })}`,
    );
  };
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const pending = sessionStorage.getItem(PKCE_KEY);
  if (code !== null && pending !== null) {
    sessionStorage.removeItem(PKCE_KEY);
    const { verifier, state, search } = JSON.parse(pending) as {
      verifier: string;
      state: string;
      search: string;
    };
    // Cognito returns to the registered URL, without the query the page was opened with: put it back.
    history.replaceState(null, '', redirectUri() + search);
    if (params.get('state') !== state)
      throw new Error('the sign-in response does not match this tab; sign in again');
    const response = await fetch(`${config.signInUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code,
        redirect_uri: redirectUri(),
        code_verifier: verifier,
      }),
    });
    if (!response.ok) throw new Error(`sign-in failed (${response.status}); sign in again`);
    const { id_token: idToken } = (await response.json()) as { id_token?: string };
    if (idToken === undefined) throw new Error('sign-in returned no ID token');
    sessionStorage.setItem(TOKEN_KEY, idToken);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  // A minute's margin, so a request does not leave with a token about to expire.
  if (token !== null && jwtExpiry(token) > Date.now() / 1000 + 60) return { token, signOut };
  return undefined;
}

async function redirectToSignIn(config: Extract<PageConfig, { auth: 'cognito' }>): Promise<never> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, search: location.search }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email',
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${config.signInUrl}/oauth2/authorize?${query}`);
  // The page is leaving.
  return new Promise<never>(() => {});
}

/** The signed-in session; on AWS, a redirect to sign in when there is none. Undefined: local, no token. */
export async function signIn(config: PageConfig): Promise<Session | undefined> {
  if (config.auth === 'local') return localSession();
  return (await cognitoSession(config)) ?? redirectToSignIn(config);
}
