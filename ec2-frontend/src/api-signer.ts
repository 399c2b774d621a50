/**
 * SigV4 for the API's IAM authorization: every call the portal makes is signed with the
 * instance role's credentials (the AWS SDK's credential chain: the instance profile on EC2, the
 * local stack's keys under `npm start`), and API Gateway lets in only that role.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { EXECUTE_API_SERVICE } from '../../core/contract';
import { signableQuery } from '../../core/signable-query';

/** Signs one call: the headers to send, the signature's among them. */
export type SignCall = (
  url: URL,
  method: string,
  headers: Readonly<Record<string, string>>,
  body?: string,
) => Promise<Record<string, string>>;

/**
 * `credentials`: fixed keys (the local stack's, for its tests and tools). @default the SDK's chain,
 * resolved on the first call and refreshed before it expires (the instance role rotates them)
 */
export function iamSigner(
  region: string,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined = undefined,
): SignCall {
  const signer = new SignatureV4({
    service: EXECUTE_API_SERVICE,
    region,
    credentials: credentials ?? defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
  });
  return async (url, method, headers, body) => {
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: signableQuery(url),
      headers: { ...headers, host: url.host },
      ...(body === undefined ? {} : { body }),
    });
    return signed.headers;
  };
}
