/**
 * `fetch` for the local API as the portal calls it: signed with SigV4 (the portal's own signer)
 * and the local stack's credentials, which the local gateway checks as API Gateway checks the
 * instance role's. Tests, benchmarks and `npm run smoke -- --local` reach the API through it.
 */
import { iamSigner } from '../../ec2-frontend/src/api-signer';
import { LOCAL_AWS_ENV, LOCAL_CREDENTIALS } from './data-tier';

const sign = iamSigner(LOCAL_AWS_ENV.AWS_REGION, LOCAL_CREDENTIALS);

export async function signedFetch(
  url: string | URL,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const target = new URL(url);
  // fetch sets Host itself, from the URL the signature was made for.
  const { host: _host, ...headers } = await sign(target, init.method ?? 'GET', init.headers ?? {}, init.body);
  return fetch(target, { ...init, headers });
}
