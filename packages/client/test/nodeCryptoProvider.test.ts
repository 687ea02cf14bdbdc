/**
 * The node:crypto provider must be a drop-in for ts-mls's default: same outputs on random
 * inputs, and interoperable in a real group (one side on each provider).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultCryptoProvider, getCiphersuiteFromName, type CiphersuiteName } from 'ts-mls';
import {
  clientConfigWith,
  commitChanges,
  createConversationGroup,
  decodeKeyPackage,
  DEFAULT_SUITE,
  POST_QUANTUM_SUITE,
  encryptApplication,
  joinFromWelcome,
  loadSuite,
  newKeyPackage,
  processIncoming,
  type DeviceId,
  type Handle,
} from '@hardline/protocol';
import { nodeCryptoProvider } from '../src/node/nodeCryptoProvider.ts';

const acceptAll = clientConfigWith({ async validateCredential() { return true; } });

describe('node:crypto CryptoProvider', () => {
  for (const suite of [DEFAULT_SUITE, POST_QUANTUM_SUITE] as CiphersuiteName[]) {
    it(`matches the default provider on 200 random inputs (${suite})`, async () => {
      const cs = getCiphersuiteFromName(suite);
      const ours = await nodeCryptoProvider.getCiphersuiteImpl(cs);
      const ref = await defaultCryptoProvider.getCiphersuiteImpl(cs);
      const keyLen = suite === DEFAULT_SUITE ? 16 : 32;
      for (let i = 0; i < 200; i++) {
        const data = randomBytes(i * 7);
        const key = randomBytes(ours.kdf.size);
        expect(await ours.hash.digest(data)).toEqual(await ref.hash.digest(data));
        expect(await ours.hash.mac(key, data)).toEqual(await ref.hash.mac(key, data));
        const prk = await ours.kdf.extract(key, data);
        expect(prk).toEqual(await ref.kdf.extract(key, data));
        expect(await ours.kdf.expand(prk, data.subarray(0, 20), 1 + (i % 90))).toEqual(await ref.kdf.expand(prk, data.subarray(0, 20), 1 + (i % 90)));
        const aeadKey = randomBytes(keyLen);
        const nonce = randomBytes(12);
        const aad = randomBytes(i % 5);
        const ct = await ours.hpke.encryptAead(aeadKey, nonce, aad, data);
        expect(ct).toEqual(await ref.hpke.encryptAead(aeadKey, nonce, aad, data));
        expect(await ref.hpke.decryptAead(aeadKey, nonce, aad, ct)).toEqual(new Uint8Array(data));
        const { signKey, publicKey } = await ours.signature.keygen();
        const sig = await ours.signature.sign(signKey, data);
        expect(await ref.signature.verify(publicKey, data, sig)).toBe(true);
        expect(await ours.signature.verify(publicKey, data, sig)).toBe(true);
      }
      await expect(ours.hpke.decryptAead(randomBytes(keyLen), randomBytes(12), undefined, randomBytes(40))).rejects.toThrow();
    });
  }

  it('interoperates with the default provider in one group', async () => {
    const a = await loadSuite(DEFAULT_SUITE, nodeCryptoProvider);
    const b = await loadSuite(DEFAULT_SUITE);
    const id = (n: number) => ({ handle: `u${n}` as Handle, deviceId: n.toString(16).padStart(32, '0') as DeviceId });
    const ka = await newKeyPackage(id(1), await a.signature.keygen(), a);
    const kb = await newKeyPackage(id(2), await b.signature.keygen(), b);
    let sa = await createConversationGroup(new Uint8Array(16), ka, a, acceptAll);
    const add = await commitChanges(sa, { add: [decodeKeyPackage(kb.bytes)] }, a);
    sa = add.newState;
    const sb = await joinFromWelcome(add.welcome!, kb, b, acceptAll);
    const m = await encryptApplication(sa, new TextEncoder().encode('x'), a);
    const r = await processIncoming(sb, m.message, b);
    expect(r.kind).toBe('application');
  });
});
