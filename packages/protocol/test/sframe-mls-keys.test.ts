/**
 * SFrame keys from MLS (RFC 9605 §5.2): every member derives the same per-sender keys from the
 * epoch, senders get distinct KIDs, frames round-trip between members, and a removed member's
 * keys (from its last epoch) cannot decrypt the next epoch's frames.
 */
import { describe, expect, it } from 'vitest';
import { commitChanges, exportSecret, processIncoming, sframe } from '../src/index.ts';
import { mlsGroup } from './support/mlsGroup.ts';

describe('SFrame keys from MLS', () => {
  it('KIDs pack epoch and sender index', () => {
    const kid = sframe.mlsSenderKid(257n, 3);
    expect(sframe.parseMlsKid(kid)).toEqual({ epochLow: 1n, senderIndex: 3, contextId: 0n });
    expect(sframe.mlsSenderKid(1n, 0)).not.toBe(sframe.mlsSenderKid(1n, 1));
    expect(() => sframe.mlsSenderKid(1n, 70000)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('members agree on keys; a removed member cannot decrypt the next epoch', async () => {
    const { impl, states, leafOf } = await mlsGroup(3);
    let a = states[0]!;
    const [b, c] = [states[1]!, states[2]!];

    const secretA = await exportSecret(a, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    expect(await exportSecret(b, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl)).toEqual(secretA);
    const aIndex = leafOf(1);
    const kid = sframe.mlsSenderKid(a.groupContext.epoch, aIndex);

    const sender = new sframe.SFrameContext({ suite: sframe.CipherSuites.AES_128_GCM_SHA256_128 });
    await sender.addSendKey(kid, sframe.mlsSenderBaseKey(secretA, aIndex));
    const receiver = new sframe.SFrameContext({ suite: sframe.CipherSuites.AES_128_GCM_SHA256_128 });
    const secretB = await exportSecret(b, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    await receiver.addReceiveKey(kid, sframe.mlsSenderBaseKey(secretB, aIndex));
    const frame = new Uint8Array(160).fill(9);
    const ct = await sender.encrypt(frame);
    expect((await receiver.decrypt(ct)).plaintext).toEqual(frame);

    // Remove C; A and B move to the next epoch; C's old keys fail on new frames.
    const cIndex = leafOf(3);
    const rm = await commitChanges(a, { removeLeaves: [cIndex] }, impl);
    a = rm.newState;
    const b2 = await processIncoming(b, rm.commit, impl);
    expect(b2.kind).toBe('commit');
    const next = await exportSecret(a, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    const oldC = await exportSecret(c, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    expect(next).not.toEqual(oldC);
    const kid2 = sframe.mlsSenderKid(a.groupContext.epoch, aIndex);
    const sender2 = new sframe.SFrameContext({ suite: sframe.CipherSuites.AES_128_GCM_SHA256_128 });
    await sender2.addSendKey(kid2, sframe.mlsSenderBaseKey(next, aIndex));
    const removed = new sframe.SFrameContext({ suite: sframe.CipherSuites.AES_128_GCM_SHA256_128 });
    await removed.addReceiveKey(kid2, sframe.mlsSenderBaseKey(oldC, aIndex));
    await expect(removed.decrypt(await sender2.encrypt(frame))).rejects.toMatchObject({ code: 'CRYPTO' });
  });
});
