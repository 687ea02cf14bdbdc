/**
 * @module keyTransparency-emptyLog.test
 * A device that pinned the log while it was still empty (the first person enrolled in a new
 * organisation) holds a head of size 0. Every tree extends the empty one, and no consistency
 * proof from size 0 exists (protocol verifyConsistency refuses one), so the relay’s first real head is
 * adopted without asking for one: otherwise the first device of every organisation would report
 * its honest relay as a forked log.
 */
import { describe, expect, it } from 'vitest';
import { deviceOn, transparencyLog } from './support/transparencyLog.ts';

describe('a device that pinned an empty log', () => {
  it('adopts the relay’s first real head, without a proof and without a split view', async () => {
    const log = transparencyLog();
    log.current = log.head(3);
    const { kt, state } = deviceOn(log.api, { logKey: log.key.publicKey, head: log.head(0) });
    await expect(kt.refreshHead()).resolves.toEqual(log.head(3));
    expect(state.head).toEqual(log.head(3));
    expect(kt.splitView()).toBeUndefined();
    expect(log.asked.consistency).toBe(0);
  });
});
