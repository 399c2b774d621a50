/**
 * The sealing key of a deployed portal: a KMS HMAC key that never leaves KMS. Each instance asks
 * KMS, once at start, for the MAC of a fixed label per key generation; the MAC is the secret, the
 * same on every instance and worker, and is in no Terraform state. Rotating is raising the
 * generation: an instance opens what the generations either side of its own sealed, so old and
 * new instances understand each other while an instance refresh rolls the change out.
 */
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import type { FrontendConfig } from './config';
import type { SealKey } from './seal';

/** What is MACed for a generation's secret. */
export function generationLabel(generation: number): string {
  return `students-portal/seal-key/generation-${generation}`;
}

export async function resolveSealKeys(source: FrontendConfig['seal']): Promise<readonly SealKey[]> {
  if (source.kind === 'secret') return source.keys;
  const region = source.keyId.split(':')[3] as string;
  const kms = new KMSClient({ region });
  try {
    const generations = [source.generation - 1, source.generation + 1, source.generation].filter((g) => g >= 1);
    return await Promise.all(
      generations.map(async (generation) => {
        const out = await kms.send(
          new GenerateMacCommand({
            KeyId: source.keyId,
            MacAlgorithm: 'HMAC_SHA_256',
            Message: Buffer.from(generationLabel(generation)),
          }),
        );
        if (!out.Mac) throw new Error(`KMS returned no MAC for generation ${generation}`);
        return { generation, secret: Buffer.from(out.Mac) };
      }),
    );
  } finally {
    kms.destroy();
  }
}
