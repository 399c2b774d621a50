/**
 * Sealed state: what the portal puts in a URL or a cookie (a page's position, a search, a signup's
 * confirmation) is encrypted and authenticated with AES-256-GCM, so it is opaque (no name or email
 * can be read from it) and tamper-evident (an edited or forged one does not open). Each seal
 * carries its issue time and the generation of the key that made it: a rotated key keeps opening
 * what the previous generation sealed, so nobody is logged out mid-signup.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** One generation of the sealing key: its number and the secret it is derived from. */
export interface SealKey {
  /** 0..255; the newest generation seals, every given one opens. */
  readonly generation: number;
  /** At least 32 bytes of secret (a KMS HMAC, or the local stack's random secret). */
  readonly secret: Buffer;
}

/** What a seal is for: it opens only for the same purpose (a search token is not a cookie). */
export type SealPurpose = 'list' | 'confirmation' | 'form' | 'remove' | 'removed';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 2 + IV_BYTES;
/** A sealed token as it may appear in a URL or a cookie. */
export const SEALED_PATTERN = /^[A-Za-z0-9_-]{40,4096}$/;

export class Sealer {
  private readonly keys: ReadonlyMap<number, Buffer>;
  private readonly current: number;

  /** `sealWith`: the generation that seals (the others only open). @default the newest given */
  constructor(keys: readonly SealKey[], sealWith = Math.max(...keys.map((k) => k.generation))) {
    this.keys = new Map(keys.map((k) => [k.generation, derive(k.secret)]));
    if (!this.keys.has(sealWith)) throw new Error(`no sealing key of generation ${sealWith}`);
    this.current = sealWith;
  }

  seal(purpose: SealPurpose, payload: unknown, now = Date.now()): string {
    const iv = randomBytes(IV_BYTES);
    const header = Buffer.concat([Buffer.from([VERSION, this.current]), iv]);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.current) as Buffer, iv);
    cipher.setAAD(Buffer.concat([header, Buffer.from(purpose)]));
    const plain = Buffer.from(JSON.stringify([Math.floor(now / 1000), payload]));
    return Buffer.concat([header, cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString('base64url');
  }

  /** The payload, or undefined when the token is not one of ours, was altered, or is older than maxAgeMs. */
  open(purpose: SealPurpose, token: string, maxAgeMs: number, now = Date.now()): unknown {
    if (!SEALED_PATTERN.test(token)) return undefined;
    const bytes = Buffer.from(token, 'base64url');
    // One spelling per seal: base64url's unused trailing bits must not make a second one.
    if (bytes.toString('base64url') !== token) return undefined;
    if (bytes.length < HEADER_BYTES + TAG_BYTES || bytes[0] !== VERSION) return undefined;
    const key = this.keys.get(bytes[1] as number);
    if (!key) return undefined;
    const header = bytes.subarray(0, HEADER_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(2, HEADER_BYTES));
      decipher.setAAD(Buffer.concat([header, Buffer.from(purpose)]));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      const [issued, payload] = JSON.parse(plain.toString('utf8')) as [number, unknown];
      const age = now - issued * 1000;
      // A little clock skew between instances is forgiven; a token from the future is not.
      return age >= -60_000 && age <= maxAgeMs ? payload : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The AES key of a secret: HKDF, so the secret itself is never used as a cipher key. */
function derive(secret: Buffer): Buffer {
  if (secret.length < 32) throw new Error('a sealing secret must be at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', secret, 'students-portal', 'seal/aes-256-gcm', 32));
}
