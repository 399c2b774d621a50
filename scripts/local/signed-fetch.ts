/**
 * `fetch` for the local API as the portal calls it: signed with SigV4 and the local stack's
 * credentials (LOCAL_AWS_ENV), which the local gateway checks as API Gateway checks the instance
 * role's. Tests, benchmarks and `npm run smoke -- --local` reach the API through it.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { EXECUTE_API_SERVICE } from '../../core/contract';
import { signableQuery } from '../../core/signable-query';
import { LOCAL_AWS_ENV } from './data-tier';

const signer = new SignatureV4({
  service: EXECUTE_API_SERVICE,
  region: LOCAL_AWS_ENV.AWS_REGION,
  credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  sha256: Hash.bind(null, 'sha256'),
});

export async function signedFetch(
  url: string | URL,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const target = new URL(url);
  const signed = await signer.sign({
    method: init.method ?? 'GET',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port ? { port: Number(target.port) } : {}),
    path: target.pathname,
    query: signableQuery(target),
    headers: { ...init.headers, host: target.host },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const { host: _host, ...headers } = signed.headers;
  return fetch(target, { ...init, headers });
}
