/**
 * Tokens as an Application Load Balancer signs them after a sign-in (`x-amzn-oidc-data`): ES256
 * over base64url segments that keep their `=` padding, with `kid`, `signer`, `iss`, `client` and
 * `exp` in the protected header and the identity provider's claims as the payload; and the public
 * key as the regional endpoint serves it (PEM). The local sign-in stand-in signs with a key of the
 * local stack, so the frontend's verification is the one it runs behind a real load balancer.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

export interface AlbKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** The public key as `https://public-keys.auth.elb.<region>.amazonaws.com/<kid>` answers it. */
  readonly publicPem: string;
}

export function newAlbKey(): AlbKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid: randomUUID(), privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export interface AlbTokenFields {
  /** The load balancer's ARN. */
  readonly signer: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly iss: string;
  readonly client: string;
  /** The identity provider's user claims: `sub`, `email`, `name`… */
  readonly claims: Record<string, unknown>;
}

/** base64url with the padding the load balancer keeps. */
const padded = (data: Buffer) => {
  const text = data.toString('base64url');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
};

export function albToken(key: Pick<AlbKey, 'kid' | 'privateKey'>, fields: AlbTokenFields): string {
  const header = padded(
    Buffer.from(
      JSON.stringify({
        typ: 'JWT',
        kid: key.kid,
        alg: 'ES256',
        iss: fields.iss,
        client: fields.client,
        signer: fields.signer,
        exp: fields.exp,
      }),
    ),
  );
  const payload = padded(Buffer.from(JSON.stringify({ ...fields.claims, exp: fields.exp, iss: fields.iss })));
  // JOSE's ECDSA signature form (r || s), as the load balancer sends it.
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${header}.${payload}.${padded(signature)}`;
}
