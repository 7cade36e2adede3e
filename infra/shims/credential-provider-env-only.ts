// Bundled in place of @aws-sdk/credential-provider-node (esbuild `alias`, see infra/bundling.ts).
// Lambda gives the function its role's credentials in environment variables: the first link of the SDK's
// default chain. The other links (SSO, ini files, web identity, process, ECS/IMDS) cannot apply in Lambda,
// yet they would bundle STS/SSO clients and every credential provider. Same exports, environment only.
// Clients given explicit `credentials` (a local run against emulators) never call it. Should the function ever
// get its credentials another way (SnapStart, for one, serves them from a container endpoint), drop the alias.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { FromEnvInit } from '@aws-sdk/credential-provider-env';

type CredentialProvider = ReturnType<typeof fromEnv>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;

/** As in the default chain: credentials that carry an expiry are read again five minutes before it. */
const REFRESH_BEFORE_EXPIRY_MS = 300_000;

export const credentialsWillNeedRefresh = (credentials: Credentials): boolean =>
  credentials.expiration !== undefined;

export const credentialsTreatedAsExpired = (credentials: Credentials): boolean =>
  credentials.expiration !== undefined &&
  credentials.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS;

/** Reads the environment once and keeps the result (as the default chain does) until it is about to expire. */
export function defaultProvider(init: FromEnvInit = {}): CredentialProvider {
  const read = fromEnv(init);
  let cached: Promise<Credentials> | undefined;
  return async (options) => {
    if (cached !== undefined && options?.forceRefresh !== true) {
      const credentials = await cached;
      if (!credentialsTreatedAsExpired(credentials)) return credentials;
    }
    const pending = read(options);
    cached = pending;
    // A failed read is not kept: the next request looks at the environment again.
    pending.catch(() => {
      if (cached === pending) cached = undefined;
    });
    return pending;
  };
}
