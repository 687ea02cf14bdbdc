/**
 * processIncoming and the MLS decoders from the side of a removed member, a relay that replays,
 * cuts or swaps messages, and junk from the network. Each outcome is asserted whole: a removed
 * device's late message is dropped as stale (not delivered), a message for a later epoch is kept
 * as `future`, a tampered one is a CRYPTO error, and bytes that are not what the call expects
 * are a DecodeError, never a crash.
 */
import { describe, expect, it } from 'vitest';
import {
  commitChanges,
  decodeKeyPackage,
  decodeState,
  encodeState,
  encryptApplication,
  epochOf,
  exportSecret,
  joinFromWelcome,
  members,
  messageEpoch,
  MAX_MLS_MESSAGE,
  newKeyPackage,
  ownLeafIndex,
  processIncoming,
  assertActive,
  groupIdText,
  isLastResort,
  lastResortMailbox,
  lastResortReadCap,
  LAST_RESORT_NONCE_SIZE,
  type MailboxId,
} from '../src/index.ts';
import { acceptAll, dev, mlsGroup } from './support/mlsGroup.ts';
import { createHash, createHmac } from 'node:crypto';

const say = (s: string) => new TextEncoder().encode(s);

describe('processIncoming against a removed member and a hostile relay', () => {
  it('drops a removed device\'s message in the old epoch, while a member\'s in the same epoch is delivered', async () => {
    const { impl, states, leafOf } = await mlsGroup(3, new Uint8Array(16).fill(5));
    let [a, b, c] = states as [typeof states[0], typeof states[0], typeof states[0]];
    // Carol and Bob each write in epoch 1; Alice removes Carol before either arrives.
    const fromCarol = await encryptApplication(c, say('still here'), impl);
    const fromBob = await encryptApplication(b, say('hello'), impl);
    const rm = await commitChanges(a, { removeLeaves: [leafOf(3)] }, impl);
    a = rm.newState;
    const r = await processIncoming(a, fromCarol.message, impl);
    expect(r).toEqual({ kind: 'stale', reason: 'sender is no longer a member' });
    const ok = await processIncoming(a, fromBob.message, impl);
    expect(ok.kind).toBe('application');
    if (ok.kind !== 'application') throw new Error();
    expect(ok.sender).toEqual(dev(2));
    expect(new TextDecoder().decode(ok.data)).toBe('hello');
    // Bob takes the commit that removed Carol: he is still active, she is gone, and the commit names Alice.
    const rb = await processIncoming(b, rm.commit, impl);
    expect(rb).toMatchObject({ kind: 'commit', removedSelf: false, committer: dev(1) });
    if (rb.kind !== 'commit') throw new Error();
    b = rb.newState;
    expect(members(b).map((m) => m.id)).toEqual([dev(1), dev(2)]);
    assertActive(b);
    const rc = await processIncoming(c, rm.commit, impl);
    expect(rc).toMatchObject({ kind: 'commit', removedSelf: true });
    if (rc.kind !== 'commit') throw new Error();
    expect(() => assertActive(rc.newState)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it("a removed device's late message is not credited to the device that took its leaf", async () => {
    const { impl, states, leafOf } = await mlsGroup(3, new Uint8Array(16).fill(4));
    const [a, , c] = states as [typeof states[0], typeof states[0], typeof states[0]];
    const fromCarol = await encryptApplication(c, say('sent before my removal'), impl);
    // One commit removes Carol and adds Dave, who takes her blank leaf.
    const dave = await newKeyPackage(dev(4), await impl.signature.keygen(), impl);
    const swap = await commitChanges(a, { removeLeaves: [leafOf(3)], add: [decodeKeyPackage(dave.bytes)] }, impl);
    expect(members(swap.newState).find((m) => m.leafIndex === leafOf(3))?.id).toEqual(dev(4));
    // The sender is read from the tree of the message's epoch (Carol), not today's (Dave).
    expect(await processIncoming(swap.newState, fromCarol.message, impl)).toEqual({ kind: 'stale', reason: 'sender is no longer a member' });
  });

  it('a message for a later epoch is kept with that epoch; one older than the retained epochs is stale', async () => {
    const { impl, states } = await mlsGroup(2, new Uint8Array(16).fill(6));
    let [a, b] = states as [typeof states[0], typeof states[0]];
    const old = await encryptApplication(b, say('old'), impl);
    for (let i = 0; i < 3; i++) a = (await commitChanges(a, {}, impl)).newState;
    expect(epochOf(a)).toBe(epochOf(b) + 3n);
    expect(await processIncoming(a, old.message, impl)).toEqual({ kind: 'stale', reason: 'epoch too old' });
    const ahead = await encryptApplication(a, say('ahead'), impl);
    expect(messageEpoch(ahead.message)).toBe(epochOf(a));
    expect(await processIncoming(b, ahead.message, impl)).toEqual({ kind: 'future', epoch: epochOf(a) });
  });

  it('a tampered message is a CRYPTO error; a Welcome or KeyPackage where a message is expected is a DecodeError', async () => {
    const { impl, states } = await mlsGroup(2, new Uint8Array(16).fill(7));
    const [a, b] = states as [typeof states[0], typeof states[0]];
    const m = await encryptApplication(a, say('x'), impl);
    const tampered = m.message.slice();
    tampered[tampered.length - 1]! ^= 1;
    await expect(processIncoming(b, tampered, impl)).rejects.toMatchObject({ code: 'CRYPTO' });
    const kp = await newKeyPackage(dev(9), await impl.signature.keygen(), impl);
    await expect(processIncoming(b, kp.bytes, impl)).rejects.toMatchObject({ code: 'DECODE' });
    expect(() => messageEpoch(kp.bytes)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    const add = await commitChanges(a, { add: [decodeKeyPackage(kp.bytes)] }, impl);
    await expect(processIncoming(b, add.welcome!, impl)).rejects.toMatchObject({ code: 'DECODE' });
    await expect(joinFromWelcome(add.commit, kp, impl, acceptAll)).rejects.toMatchObject({ code: 'DECODE' });
    expect(() => decodeKeyPackage(add.welcome!)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    await expect(processIncoming(b, new Uint8Array(MAX_MLS_MESSAGE + 1), impl)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(processIncoming(b, new Uint8Array([0, 1, 0]), impl)).rejects.toMatchObject({ code: 'DECODE' });
    expect(() => decodeKeyPackage(new Uint8Array(16 * 1024 + 1))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('a Welcome for another device\'s KeyPackage does not join', async () => {
    const { impl, states } = await mlsGroup(1, new Uint8Array(16).fill(8));
    const mine = await newKeyPackage(dev(2), await impl.signature.keygen(), impl);
    const other = await newKeyPackage(dev(3), await impl.signature.keygen(), impl);
    const add = await commitChanges(states[0]!, { add: [decodeKeyPackage(other.bytes)] }, impl);
    await expect(joinFromWelcome(add.welcome!, mine, impl, acceptAll)).rejects.toMatchObject({ code: 'CRYPTO' });
    const joined = await joinFromWelcome(add.welcome!, other, impl, acceptAll);
    expect(ownLeafIndex(joined)).toBe(1);
    expect(groupIdText(joined)).toBe('\x08'.repeat(16));
    expect(await exportSecret(joined, 'hardline/v1/roster', 32, impl)).toEqual(await exportSecret(add.newState, 'hardline/v1/roster', 32, impl));
    expect(await exportSecret(joined, 'hardline/v1/roster', 32, impl)).not.toEqual(await exportSecret(joined, 'hardline/v1/other', 32, impl));
  });

  it('a saved state decodes to the same group; a corrupt one is a DecodeError', async () => {
    const { impl, states } = await mlsGroup(2, new Uint8Array(16).fill(9));
    const saved = encodeState(states[0]!);
    const back = decodeState(saved, acceptAll);
    expect(epochOf(back)).toBe(epochOf(states[0]!));
    expect(back.clientConfig).toBe(acceptAll);
    expect(await exportSecret(back, 'x', 16, impl)).toEqual(await exportSecret(states[0]!, 'x', 16, impl));
    for (const junk of [new Uint8Array(0), saved.subarray(0, 40), new Uint8Array([255, 255, 255, 255, 255])]) {
      expect(() => decodeState(junk, acceptAll)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    }
  });
});

describe('last-resort KeyPackages (RFC 9420 §16.8)', () => {
  it('only a package carrying the extension is last-resort', async () => {
    const { impl } = await mlsGroup(1);
    const keys = await impl.signature.keygen();
    expect(isLastResort(decodeKeyPackage((await newKeyPackage(dev(1), keys, impl, { lastResort: true })).bytes))).toBe(true);
    expect(isLastResort(decodeKeyPackage((await newKeyPackage(dev(1), keys, impl)).bytes))).toBe(false);
  });

  it('each claim derives its own mailbox as protocol.md §4 says, and the device its read capability', () => {
    const kp = Uint8Array.from({ length: 200 }, (_, i) => i);
    const nonce = new Uint8Array(LAST_RESORT_NONCE_SIZE).fill(1);
    const sha = (...p: Uint8Array[]) => new Uint8Array(p.reduce((h, x) => h.update(x), createHash('sha256')).digest());
    const { mailboxId, sendCap } = lastResortMailbox(kp, nonce);
    expect(mailboxId).toBe(Buffer.from(sha(say('hardline/v1/lr-mailbox'), nonce, kp).subarray(0, 16)).toString('hex'));
    expect(sendCap).toEqual(sha(say('hardline/v1/lr-send'), nonce, kp));
    const secret = new Uint8Array(32).fill(2);
    expect(lastResortReadCap(secret, mailboxId)).toEqual(
      new Uint8Array(createHmac('sha256', secret).update(say('hardline/v1/lr-read')).update(Buffer.from(mailboxId, 'hex')).digest()),
    );
    expect(lastResortMailbox(kp, new Uint8Array(LAST_RESORT_NONCE_SIZE).fill(3)).mailboxId).not.toBe(mailboxId);
    expect(() => lastResortReadCap(secret, 'ab' as MailboxId)).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });
});
