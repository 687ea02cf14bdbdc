/**
 * @module sendCapabilityFlood-hostile.test
 * A sender who floods one mailbox with posts under its (valid) send capability. Hashing each
 * capability cost the relay ~7% of its CPU at full load, so acceptPost.ts remembers the ones
 * that matched: the flood must cost one hash, not one per post, while a wrong capability is
 * still hashed, and refused, every time. Counted on the hash check itself (wrapped, not
 * replaced), on a stand-in relay context: no timing.
 */
import { describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { acceptPost } from '../src/post/acceptPost.ts';
import type { RelayContext } from '../src/relayContext.ts';
import { newMailboxCaps, postFrame, sha256 } from './support/envelopes.ts';

const hashes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/capabilityBytes.ts', async (original) => {
  const real = await original<typeof import('../src/capabilityBytes.ts')>();
  return {
    ...real,
    capabilityMatches: (cap: Uint8Array, hash: Uint8Array) => {
      hashes.count++;
      return real.capabilityMatches(cap, hash);
    },
  };
});

/** A relay context that stores every envelope and has no reader, push or observer. */
function relay(m: ReturnType<typeof newMailboxCaps>) {
  let seq = 0;
  return {
    store: {
      getMailbox: async () => ({ id: m.id, readCapHash: sha256(m.readCap), sendCapHash: sha256(m.sendCap) }),
      putEnvelope: async () => ({ status: 'stored', seq: ++seq }),
    },
    disk: { requireRoom: async () => undefined },
    limits: { maxMailboxEnvelopes: 1_000, maxMailboxBytes: 1 << 30 },
    now: () => 0,
    hub: { envelopeStored: () => undefined, hasReader: () => true },
    observer: undefined,
    push: undefined,
  } as unknown as RelayContext;
}

describe('a flood of posts under one send capability', () => {
  it('costs one hash of the capability, not one per post', async () => {
    const m = newMailboxCaps();
    const ctx = relay(m);
    hashes.count = 0;
    for (let i = 0; i < 20; i++) await acceptPost(ctx, postFrame(m).frame, 1);
    expect(hashes.count).toBe(1);
  });

  it('a wrong capability in the flood is hashed and refused each time, and the right one still passes from memory', async () => {
    const m = newMailboxCaps();
    const ctx = relay(m);
    hashes.count = 0;
    await acceptPost(ctx, postFrame(m).frame, 1);
    for (let i = 0; i < 5; i++) {
      await expect(acceptPost(ctx, postFrame(m, 'x', undefined, randomBytes(32)).frame, 1)).rejects.toMatchObject({ relayCode: 'BAD_CAPABILITY' });
      await acceptPost(ctx, postFrame(m).frame, 1);
    }
    expect(hashes.count).toBe(6);
  });
});
