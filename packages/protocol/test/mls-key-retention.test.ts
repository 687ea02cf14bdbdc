/**
 * Past epochs' secrets leave the stored group state as soon as the reordering window allows
 * (mls/keyRetention.ts): after four commits, the state a device saves holds the receiver
 * secrets of the last two past epochs only. Read as a thief would: decode the saved bytes and
 * try the messages of every past epoch; look for each epoch's sender-data secret in the bytes.
 */
import { describe, expect, it } from 'vitest';
import type { ClientState } from 'ts-mls';
import { commitChanges, decodeState, encodeAppMessage, encodeState, encryptApplication, processIncoming, toHex } from '../src/index.ts';
import { RETAINED_PAST_EPOCHS } from '../src/mls/keyRetention.ts';
import { acceptAll as config, mlsGroup } from './support/mlsGroup.ts';
const text = (i: number) => encodeAppMessage({ t: 'text', id: `m${i}`, text: `message from epoch ${i}`, sentAt: '2026-01-01T00:00:00.000Z' });

describe('MLS key retention', () => {
  it('the saved state keeps the last two past epochs, and only those open late messages', async () => {
    const { impl, states } = await mlsGroup(2, new Uint8Array(16).fill(4));
    let a: ClientState = states[0]!;
    let b: ClientState = states[1]!;

    // Bob writes one message per epoch that reaches Alice only after four more commits of hers.
    const late: { epoch: bigint; bytes: Uint8Array }[] = [];
    const senderDataSecrets: { epoch: bigint; hex: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const m = await encryptApplication(b, text(i), impl);
      b = m.newState;
      late.push({ epoch: b.groupContext.epoch, bytes: m.message });
      senderDataSecrets.push({ epoch: a.groupContext.epoch, hex: toHex(a.keySchedule.senderDataSecret) });
      const c = await commitChanges(a, {}, impl);
      a = c.newState;
      const r = await processIncoming(b, c.commit, impl);
      if (r.kind !== 'commit') throw new Error('Bob did not take the commit');
      b = r.newState;
    }
    const current = a.groupContext.epoch;

    const saved = encodeState(a);
    const stolen = decodeState(saved, config);
    expect([...stolen.historicalReceiverData.keys()].sort()).toEqual([current - 2n, current - 1n]);
    expect(RETAINED_PAST_EPOCHS).toBe(2);

    const savedHex = toHex(saved);
    for (const s of senderDataSecrets) expect(savedHex.includes(s.hex)).toBe(s.epoch >= current - 2n);

    for (const m of late) {
      const r = await processIncoming(stolen, m.bytes, impl);
      expect({ epoch: m.epoch, kind: r.kind }).toEqual({ epoch: m.epoch, kind: m.epoch >= current - 2n ? 'application' : 'stale' });
    }
  });
});
