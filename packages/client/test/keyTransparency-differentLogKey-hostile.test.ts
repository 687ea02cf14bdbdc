/**
 * @module keyTransparency-differentLogKey-hostile.test
 * A relay that gave alice's device and bob's device separate log keys from their first contact
 * runs two logs, each consistent in itself. Bob's gossip carries his head and the key that signed
 * it: a head that verifies under his stated key, when that key is not alice's, is the proof. It is
 * recorded as 'different-log-key' (not reconciled as if it were one log, which would at best look
 * like an ordinary fork), with alice's own head as the other half of the evidence: the head she
 * held when the gossip came, not one the relay serves her afterwards. The report's message names
 * the peer and says what happened, since the app and the CLI show it as it is.
 */
import { describe, expect, it } from 'vitest';
import { newLogKey, type Handle } from '@hardline/protocol';
import { SplitViewError } from '../src/keyTransparency.ts';
import { deviceOn, T0, transparencyLog } from './support/transparencyLog.ts';

const BOB = 'bob' as Handle;

/** Alice's log, and bob's: same leaves, another key, given to bob alone. */
function twoLogs() {
  const alices = transparencyLog();
  const bobsKey = newLogKey();
  return { alices, bobsKey, bobsHead: (n: number) => alices.head(n, bobsKey.secretKey) };
}

describe('a relay that gave two devices different log keys', () => {
  it('is recorded as a different-log-key split view, with the head alice held and both keys', async () => {
    const { alices, bobsKey, bobsHead } = twoLogs();
    const ours = alices.head(10);
    // The relay has moved on since (an honest growth of alice's log).
    alices.current = alices.head(12);
    const { kt } = deviceOn(alices.api, { logKey: alices.key.publicKey, head: ours });
    await kt.onPeerHead(bobsHead(11), BOB, bobsKey.publicKey);
    expect(kt.splitView()).toEqual({
      code: 'SPLIT_VIEW',
      reason: 'different-log-key',
      detectedAt: new Date(T0).toISOString(),
      via: 'gossip',
      from: BOB,
      ours,
      theirs: bobsHead(11),
      ourLogKey: alices.key.publicKey,
      theirLogKey: bobsKey.publicKey,
    });
    // Nothing was reconciled across the two logs.
    expect(alices.asked.consistency).toBe(0);
  });

  it('a device that holds no head yet fetches its own first, and records the split view with it', async () => {
    const { alices, bobsKey, bobsHead } = twoLogs();
    const { kt } = deviceOn(alices.api, { logKey: alices.key.publicKey });
    await kt.onPeerHead(bobsHead(11), BOB, bobsKey.publicKey);
    expect(kt.splitView()).toMatchObject({ reason: 'different-log-key', ours: alices.head(10), theirs: bobsHead(11) });
  });

  it("the error's message names the peer and the separate log keys; a forked log's names both heads' sizes", async () => {
    const { alices, bobsKey, bobsHead } = twoLogs();
    const { kt } = deviceOn(alices.api, { logKey: alices.key.publicKey, head: alices.head(10) });
    await kt.onPeerHead(bobsHead(11), BOB, bobsKey.publicKey);
    const differentKey = new SplitViewError(kt.splitView()!);
    expect(differentKey.code).toBe('SPLIT_VIEW');
    expect(differentKey.message).toMatch(/^the relay gave this device and bob different key-transparency log keys/);
    const { from: _, ...unnamed } = kt.splitView()!;
    expect(new SplitViewError(unnamed).message).toMatch(/^the relay gave this device and another different key-transparency log keys/);

    const forked = new SplitViewError({ ...unnamed, reason: 'forked-log', ours: alices.head(10), theirs: alices.head(11) });
    expect(forked.message).toMatch(/^the relay signed two key-transparency tree heads \(sizes 10 and 11\) that are not one history/);
  });
});
