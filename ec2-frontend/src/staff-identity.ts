/**
 * Who is signed in, from the load balancer's `x-amzn-oidc-data` header, trusted only once verified
 * with jose: an ES256 signature by the regional public key the token's `kid` names (fetched once
 * per key and kept), the `signer` equal to this load balancer's ARN, and `exp` in the future. The
 * load balancer's tokens are base64url with padding; jose verifies them as sent. Anything else
 * (no header, unsigned, `alg: none`, another key, another signer, expired, malformed) is
 * anonymous.
 */
import { compactVerify, decodeProtectedHeader, importSPKI } from 'jose';
import { log } from '../../core/log';

/** A verified staff member: the identity provider's subject, and the email and name it gave. */
export interface Staff {
  readonly subject: string;
  readonly email?: string;
  readonly name?: string;
}

export interface StaffIdentityOptions {
  /** The load balancer whose tokens are trusted: its ARN, the tokens' `signer`. */
  readonly signerArn: string;
  /** Where the public keys are, `<keysUrl>/<kid>`: `https://public-keys.auth.elb.<region>.amazonaws.com`. */
  readonly keysUrl: string;
  /** How long fetching a key may take. @default 2000 */
  readonly fetchTimeoutMs?: number;
}

type Key = Awaited<ReturnType<typeof importSPKI>>;

/** A key id as the load balancer makes them (a UUID): nothing that could steer the key URL. */
const KID = /^[A-Za-z0-9-]{1,64}$/;

export class StaffIdentity {
  private readonly keys = new Map<string, Promise<Key>>();

  constructor(private readonly options: StaffIdentityOptions) {}

  /** The staff member the header proves, or undefined (anonymous). Never throws. */
  async verify(header: string | undefined): Promise<Staff | undefined> {
    if (!header) return undefined;
    try {
      const claimed = decodeProtectedHeader(header);
      // Checked before any key is fetched: a token for another load balancer costs nothing.
      if (claimed.alg !== 'ES256' || claimed.signer !== this.options.signerArn || !KID.test(String(claimed.kid)))
        return undefined;
      const { payload, protectedHeader } = await compactVerify(header, await this.key(String(claimed.kid)), {
        algorithms: ['ES256'],
      });
      const exp = Number(protectedHeader.exp);
      if (protectedHeader.signer !== this.options.signerArn || !(exp * 1000 > Date.now())) return undefined;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      if (typeof claims.sub !== 'string' || claims.sub === '') return undefined;
      return {
        subject: claims.sub,
        ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
        ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
      };
    } catch (err) {
      log('warn', 'staff identity refused', { reason: (err as Error).name });
      return undefined;
    }
  }

  private key(kid: string): Promise<Key> {
    let key = this.keys.get(kid);
    if (!key) {
      key = this.fetchKey(kid);
      this.keys.set(kid, key);
      // A failed fetch is not kept: the next request tries again.
      key.catch(() => this.keys.delete(kid));
    }
    return key;
  }

  private async fetchKey(kid: string): Promise<Key> {
    const res = await fetch(`${this.options.keysUrl}/${kid}`, {
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 2000),
    });
    if (!res.ok) throw new Error(`public key ${kid}: ${res.status}`);
    return importSPKI(await res.text(), 'ES256');
  }
}
