// What the web pages (web/) read from /config.json at start: where the API is and how to sign in.
// The CDK stack writes it next to the pages; the local server answers it itself.
import * as z from '../zod.js';

export const PAGE_CONFIG_PATH = '/config.json';

/** Where `vite build` puts the pages; the stack deploys this folder and the local server serves it. */
export const WEB_DIST_DIR = 'web/dist';

export const PageConfig = z.discriminatedUnion('auth', [
  /** Local mode: the API is on the pages' own origin; the bearer token comes in the URL's `#token=` fragment. */
  z.object({ auth: z.literal('local'), apiUrl: z.string() }),
  /** AWS: Cognito's hosted sign-in (authorization code with PKCE); the API gets the ID token. */
  z.object({
    auth: z.literal('cognito'),
    apiUrl: z.url(),
    /** The user pool's domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
    signInUrl: z.url(),
    clientId: z.string().check(z.minLength(1)),
  }),
]);
export type PageConfig = z.infer<typeof PageConfig>;
