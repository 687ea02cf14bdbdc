/**
 * @module sealKeys
 * Derived AES keys for sealing envelopes, cached: HKDF + importKey per envelope would cost more
 * than the AES itself when fanning out to many devices.
 */
import { deriveSealKey, fromHex, type MailboxId } from '@hardline/protocol';

export class SealKeys {
  private readonly cache = new Map<string, CryptoKey>();

  async conversation(secretHex: string, mailboxId: MailboxId): Promise<CryptoKey> {
    const id = `c:${secretHex}:${mailboxId}`;
    let k = this.cache.get(id);
    if (!k) {
      k = await deriveSealKey(fromHex(secretHex, 32), 'seal', mailboxId);
      if (this.cache.size > 4096) this.cache.clear();
      this.cache.set(id, k);
    }
    return k;
  }

  keyPackage(keyPackage: Uint8Array, mailboxId: MailboxId): Promise<CryptoKey> {
    return deriveSealKey(keyPackage, 'kp-seal', mailboxId);
  }
}
