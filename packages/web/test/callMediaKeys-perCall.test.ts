/**
 * The web app's call keys are per call (calls/mediaKeys.ts over sframe/call-secret.ts): the two
 * ends of one call agree, and a second call in the same epoch, whose worker again counts from 0
 * under the same KIDs, gets other keys, so no (key, nonce) pair repeats.
 */
import { describe, expect, it } from 'vitest';
import { sframe } from '@hardline/protocol';
import { mediaKeys } from '../src/calls/mediaKeys.ts';

const material = (ownLeafIndex: number) => ({ epoch: 7n, epochSecret: new Uint8Array(32).fill(5), ownLeafIndex, members: [{ leafIndex: 0 }, { leafIndex: 1 }] });

describe('media keys per call', () => {
  it('both ends of a call agree; two calls in one epoch share KIDs but no key', () => {
    const [c1, c2] = ['0a1b2c3d4e5f60718293a4b5', 'ffeeddccbbaa998877665544'];
    const alice1 = mediaKeys(material(0), c1);
    const bob1 = mediaKeys(material(1), c1);
    const alice2 = mediaKeys(material(0), c2);
    expect(bob1.receive[0]).toEqual(alice1.send);
    expect(alice2.send.kid).toBe(alice1.send.kid);
    expect(alice2.send.key).not.toEqual(alice1.send.key);
    expect(alice2.receive[0]!.key).not.toEqual(alice1.receive[0]!.key);
  });

  it('frames of the first call do not open with the second call’s keys', async () => {
    const [c1, c2] = ['0a1b2c3d4e5f60718293a4b5', 'ffeeddccbbaa998877665544'];
    const tx = new sframe.SFrameContext();
    await tx.addSendKey(mediaKeys(material(0), c1).send.kid, mediaKeys(material(0), c1).send.key);
    const rx = new sframe.SFrameContext();
    for (const r of mediaKeys(material(1), c2).receive) await rx.addReceiveKey(r.kid, r.key);
    await expect(rx.decrypt(await tx.encrypt(new Uint8Array([1, 2, 3])))).rejects.toMatchObject({ code: 'CRYPTO' });
  });

  it('refuses a call id too short to keep calls apart', () => {
    expect(() => mediaKeys(material(0), 'abc')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
