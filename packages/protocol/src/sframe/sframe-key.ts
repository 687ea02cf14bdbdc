/**
 * @module sframe/sframe-key
 * One KID's prepared key: derived from base_key once, imported into WebCrypto once, then used
 * for every frame under that KID. This is what a context caches per KID.
 */
import { cipherSuite, type CipherSuiteId, type CipherSuiteParams } from './cipher-suite.ts';
import { deriveKeyMaterial } from './key-schedule.ts';
import { importAead, type SFrameAead } from './aead.ts';

export type SFrameKey = {
  readonly kid: bigint;
  readonly suite: CipherSuiteParams;
  readonly aead: SFrameAead;
  readonly salt: Uint8Array;
};

export async function importSFrameKey(suiteId: CipherSuiteId, kid: bigint, baseKey: Uint8Array): Promise<SFrameKey> {
  const suite = cipherSuite(suiteId);
  const { secret, key, salt } = deriveKeyMaterial(suite, kid, baseKey);
  try {
    const aead = await importAead(suite, key);
    return { kid, suite, aead, salt };
  } finally {
    // The imported CryptoKey is all that is needed from here on; don't leave copies in the heap.
    secret.fill(0);
    key.fill(0);
  }
}
