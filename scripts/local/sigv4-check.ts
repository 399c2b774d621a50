/**
 * The local gateway's IAM authorization: a request must carry a SigV4 signature made with the
 * local stack's credentials, as API Gateway checks the instance role's. The signature is made
 * again with the AWS SDK's signer over what the request says it signed, and compared.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EXECUTE_API_SERVICE } from '../../core/contract';
import { signableQuery } from '../../core/signable-query';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** API Gateway's answers, word for word. */
export const MISSING_TOKEN = 'Missing Authentication Token';
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
/** How far a request's X-Amz-Date may be from the gateway's clock. */
const MAX_SKEW_MS = 5 * 60_000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Whether the request may be let in before its body is read: undefined, or the 403's message. */
export function authorizationProblem(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return MISSING_TOKEN;
  return AUTHORIZATION.test(header)
    ? undefined
    : `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders'.`;
}

/** Checks the whole signature, body included: undefined when it is good, else the 403's message. */
export async function verifySignature(
  req: IncomingMessage,
  body: Buffer,
  credentials: Credentials,
  region: string,
  now = Date.now(),
): Promise<string | undefined> {
  const match = AUTHORIZATION.exec(req.headers.authorization ?? '');
  if (!match) return MISSING_TOKEN;
  const [, keyId, day, scopeRegion, service, signedList, signature] = match as unknown as string[];
  if (keyId !== credentials.accessKeyId) return 'The security token included in the request is invalid.';
  if (service !== EXECUTE_API_SERVICE || scopeRegion !== region)
    return `Credential should be scoped to a valid region and the ${EXECUTE_API_SERVICE} service.`;
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  const signedAt = date ? Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!) : Number.NaN;
  if (!Number.isFinite(signedAt) || amzDate.slice(0, 8) !== day) return 'Date in Credential scope does not match.';
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return 'Signature expired: the request was signed too long ago.';
  const signed = (signedList as string).split(';');
  if (!signed.includes('host')) return MISMATCH;
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== bodyHash) return MISMATCH;

  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = req.headers[name];
    if (value === undefined) return MISMATCH;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const signer = new SignatureV4({
    service,
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const expected = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: String(req.headers.host ?? ''),
      path: url.pathname,
      query: signableQuery(url),
      headers,
      body,
    },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signed) },
  );
  const ours = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1] ?? '';
  return ours.length === 64 && timingSafeEqual(Buffer.from(ours), Buffer.from(signature as string))
    ? undefined
    : MISMATCH;
}
