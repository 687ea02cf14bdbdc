/**
 * Mailbox rotation (mailboxRotation.ts) from the removed device's and the relay's seats. After a
 * removal every remaining device must be on a mailbox the removed one never saw; this device
 * must move only to a mailbox it can read, keep reading the old one for the grace period only,
 * then have the relay close it; and envelopes that overtake a commit are parked, bounded, and
 * handed only to the conversation now at their mailbox.
 */
import { describe, expect, it } from 'vitest';
import {
  encodeEnvelope,
  fromHex,
  HardlineError,
  lastResortReadCap,
  randomBytes,
  toBase64Url,
  toHex,
  type DeviceId,
  type EnvelopeId,
  type Handle,
  type MailboxId,
  type Roster,
  type RosterDevice,
} from '@hardline/protocol';
import type { Conversation, DeviceState, StoredKeyPackage } from '../src/deviceState.ts';
import { MAILBOX_GRACE_MS, MailboxRotation } from '../src/mailboxRotation.ts';
import type { KeyPackageSupply } from '../src/keyPackageSupply.ts';
import type { RelayApi } from '../src/relayApi.ts';
import type { MailboxPool } from '../src/mailboxPool.ts';
import type { ClaimPacing } from '../src/claimPacing.ts';
import { SealKeys } from '../src/sealKeys.ts';

const hex16 = () => toHex(randomBytes(16));
const mailbox = () => hex16() as MailboxId;
const cap = () => toHex(randomBytes(32));
const ME = '0'.repeat(31) + 'a' as DeviceId;
const dev = (c: string, handle = 'bob'): RosterDevice => ({ deviceId: '0'.repeat(31) + c as DeviceId, handle: handle as Handle, mailboxId: mailbox(), sendCap: cap() });
const roster = (devices: RosterDevice[]): Roster => ({ v: 1, kind: 'group', name: 'g', members: ['alice', 'bob'] as Handle[], devices, sealSecrets: [cap()] });

function conv(devices: RosterDevice[], box = mailbox()): Conversation {
  return { id: hex16(), roster: roster(devices), mlsState: '', mailbox: { id: box, readCap: cap() }, pending: [], messages: [], left: false };
}

type Setup = {
  claim?: (d: DeviceId) => Promise<unknown>;
  take?: () => Promise<{ id: MailboxId; readCap: string; sendCap: string }>;
  retire?: (id: MailboxId, readCap: Uint8Array) => Promise<void>;
};

function setup(s: Setup = {}) {
  const state = { deviceId: ME, conversations: {}, keyPackages: {} } as unknown as DeviceState;
  const retired: { id: MailboxId; readCap: string }[] = [];
  const api = {
    retireMailbox: s.retire ?? (async (id: MailboxId, readCap: Uint8Array) => void retired.push({ id, readCap: toHex(readCap) })),
  } as unknown as RelayApi;
  const keyPackages = { claimDevice: s.claim ?? (async () => undefined) } as unknown as KeyPackageSupply;
  const pool = { take: s.take ?? (async () => ({ id: mailbox(), readCap: cap(), sendCap: cap() })) } as unknown as MailboxPool;
  const paced: unknown[][] = [];
  const pacing = {
    async each<T, R>(items: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
      paced.push([...items]);
      const out: R[] = [];
      for (const x of items) out.push(await f(x));
      return out;
    },
  } as unknown as ClaimPacing;
  const rotation = new MailboxRotation(state, api, keyPackages, new SealKeys(), { pool, pacing });
  return { state, rotation, retired, paced };
}

describe('freshMailboxes: every device that stays moves where the removed one cannot follow', () => {
  it('this device takes a pooled mailbox; each other device its claimed one; order kept', async () => {
    const own = { id: mailbox(), readCap: cap(), sendCap: cap() };
    const claims = new Map<string, RosterDevice>();
    const setupRef: { current?: ReturnType<typeof setup> } = {};
    const { rotation } = (setupRef.current = setup({
      take: async () => own,
      claim: async (d) => {
        const moved = { ...dev('0'), deviceId: d };
        claims.set(d, moved);
        return { device: moved };
      },
    }));
    const kept = [dev('b'), { ...dev('a', 'alice'), deviceId: ME }, dev('c')];
    const { paced } = setupRef.current!;
    const fresh = await rotation.freshMailboxes(kept);
    // Only the other devices' claims are paced; this device's mailbox comes from its pool at once.
    expect(paced).toEqual([[kept[0], kept[2]]]);
    expect(fresh.own).toBe(own);
    expect(fresh.devices.map((d) => d.deviceId)).toEqual(kept.map((d) => d.deviceId));
    expect(fresh.devices[1]).toEqual({ ...kept[1], mailboxId: own.id, sendCap: own.sendCap });
    for (const i of [0, 2]) {
      const c = claims.get(kept[i]!.deviceId)!;
      expect(fresh.devices[i]).toEqual({ ...kept[i], mailboxId: c.mailboxId, sendCap: c.sendCap });
    }
    for (const [i, d] of fresh.devices.entries()) expect(d.mailboxId).not.toBe(kept[i]!.mailboxId);
  });

  it('a device with no KeyPackage left keeps its mailbox; no pooled own mailbox when this device is not kept', async () => {
    const { rotation } = setup({ claim: async () => undefined });
    const kept = [dev('b'), dev('c')];
    const fresh = await rotation.freshMailboxes(kept);
    expect(fresh).toEqual({ devices: kept });
    expect('own' in fresh).toBe(false);
  });

  it('a refusal of one claim does not hold up the commit, but a relay that is down does', async () => {
    const { rotation } = setup({ claim: async () => Promise.reject(new HardlineError('RATE_LIMITED', 'slow down')) });
    const kept = [dev('b')];
    expect((await rotation.freshMailboxes(kept)).devices).toEqual(kept);
    const down = setup({ claim: async () => Promise.reject(new HardlineError('UNAVAILABLE', 'down')) });
    await expect(down.rotation.freshMailboxes(kept)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const broken = setup({ claim: async () => Promise.reject(new TypeError('bug')) });
    await expect(broken.rotation.freshMailboxes(kept)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('adopt: taking in the roster after a removal', () => {
  it('remembers where other devices moved from; moves this device to its claimed KeyPackage’s mailbox', () => {
    const { state, rotation } = setup();
    const meBefore = { ...dev('a', 'alice'), deviceId: ME };
    const bob = dev('b');
    const stay = dev('c');
    const c = conv([meBefore, bob, stay], meBefore.mailboxId);
    const before = c.roster;
    const kpBox = mailbox();
    const kp = { readCap: cap() } as StoredKeyPackage;
    state.keyPackages[kpBox] = kp;
    const newBob = { ...bob, mailboxId: mailbox() };
    c.roster = roster([{ ...meBefore, mailboxId: kpBox }, newBob, stay]);
    const oldMailbox = { ...c.mailbox };
    expect(rotation.adopt(c, before, undefined, 1_000)).toBe(false); // already subscribed
    expect(c.moved).toEqual([{ from: bob.mailboxId, deviceId: bob.deviceId, at: 1_000 }]);
    expect(c.mailbox).toEqual({ id: kpBox, readCap: kp.readCap });
    expect(c.retiring).toEqual([{ ...oldMailbox, until: 1_000 + MAILBOX_GRACE_MS }]);
    expect(state.keyPackages[kpBox]).toBeUndefined(); // used up
  });

  it('finds this device in the roster by id, wherever it is listed', () => {
    const { state, rotation } = setup();
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const bob = dev('b');
    const c = conv([bob, me], me.mailboxId);
    const before = c.roster;
    const kpBox = mailbox();
    state.keyPackages[kpBox] = { readCap: cap() } as StoredKeyPackage;
    c.roster = roster([{ ...bob, mailboxId: kpBox }, me]); // bob moved; this device did not
    expect(rotation.adopt(c, before, undefined, 5)).toBe(false);
    expect(c.mailbox.id).toBe(me.mailboxId);
    expect(c.retiring).toBeUndefined();
    expect(state.keyPackages[kpBox]).toBeDefined();
  });

  it('not moved: nothing changes, even with a last-resort package that could derive a read capability', () => {
    const { state, rotation } = setup();
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: cap() } as StoredKeyPackage;
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const was = { ...c.mailbox };
    expect(rotation.adopt(c, c.roster, undefined, 5)).toBe(false);
    expect(c.mailbox).toEqual(was);
    expect(c.retiring).toBeUndefined();
  });

  it('moved to the last-resort package’s own mailbox: the package stays, the read capability is derived', () => {
    const { state, rotation } = setup();
    const lrBox = mailbox();
    const secret = cap();
    const lr = { readCap: cap(), lastResortSecret: secret } as StoredKeyPackage;
    state.keyPackages[lrBox] = lr;
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const before = c.roster;
    c.roster = roster([{ ...me, mailboxId: lrBox }]);
    expect(rotation.adopt(c, before, undefined, 5)).toBe(true);
    expect(c.mailbox).toEqual({ id: lrBox, readCap: toHex(lastResortReadCap(fromHex(secret, 32), lrBox)) });
    expect(state.keyPackages[lrBox]).toBe(lr);
  });

  it('a normal package listed before the last-resort one is not taken for it', () => {
    const { state, rotation } = setup();
    state.keyPackages[mailbox()] = { readCap: cap() } as StoredKeyPackage;
    const secret = cap();
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: secret } as StoredKeyPackage;
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const before = c.roster;
    const lrBox = mailbox();
    c.roster = roster([{ ...me, mailboxId: lrBox }]);
    expect(rotation.adopt(c, before, undefined, 5)).toBe(true);
    expect(c.mailbox.readCap).toBe(toHex(lastResortReadCap(fromHex(secret, 32), lrBox)));
  });

  it('a roster naming a mailbox this device cannot read leaves it where it is', () => {
    const { rotation } = setup();
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const before = c.roster;
    c.roster = roster([{ ...me, mailboxId: mailbox() }]);
    const was = { ...c.mailbox };
    expect(rotation.adopt(c, before, undefined, 5)).toBe(false);
    expect(c.mailbox).toEqual(was);
    expect(c.retiring).toBeUndefined();
    // Not in the roster at all (removed): stays put too.
    c.roster = roster([dev('b')]);
    expect(rotation.adopt(c, before, undefined, 5)).toBe(false);
    expect(c.mailbox).toEqual(was);
  });

  it('the pooled mailbox given at commit time is taken as it is', () => {
    const { rotation } = setup();
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const before = c.roster;
    const own = { id: mailbox(), readCap: cap(), sendCap: cap() };
    c.roster = roster([{ ...me, mailboxId: own.id, sendCap: own.sendCap }]);
    expect(rotation.adopt(c, before, own, 5)).toBe(false);
    expect(c.mailbox).toEqual({ id: own.id, readCap: own.readCap });
    // An `own` for another mailbox is not believed.
    const c2 = conv([me], me.mailboxId);
    c2.roster = roster([{ ...me, mailboxId: mailbox() }]);
    expect(rotation.adopt(c2, c.roster, own, 5)).toBe(false);
    expect(c2.mailbox.id).toBe(me.mailboxId);
  });

  it('a last-resort claim’s mailbox is derived from the current last-resort secret, and read at once', () => {
    const { state, rotation } = setup();
    const secretOld = toHex(randomBytes(32));
    const secretNew = toHex(randomBytes(32));
    const secretRetiredLater = toHex(randomBytes(32));
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: secretOld, retiredAt: 100 } as StoredKeyPackage;
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: secretNew } as StoredKeyPackage;
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: secretRetiredLater, retiredAt: 200 } as StoredKeyPackage;
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const before = c.roster;
    const lrBox = mailbox();
    c.roster = roster([{ ...me, mailboxId: lrBox }]);
    expect(rotation.adopt(c, before, undefined, 5)).toBe(true);
    expect(c.mailbox).toEqual({ id: lrBox, readCap: toHex(lastResortReadCap(fromHex(secretNew, 32), lrBox)) });
    expect(Object.keys(state.keyPackages)).toHaveLength(3); // a last-resort package stays
  });

  it('with only retired last-resort packages, the most recently retired one is the relay’s', () => {
    const { state, rotation } = setup();
    const [s1, s2, s3] = [toHex(randomBytes(32)), toHex(randomBytes(32)), toHex(randomBytes(32))];
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: s1, retiredAt: 100 } as StoredKeyPackage;
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: s2, retiredAt: 300 } as StoredKeyPackage;
    state.keyPackages[mailbox()] = { readCap: cap(), lastResortSecret: s3, retiredAt: 200 } as StoredKeyPackage;
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const before = c.roster;
    const lrBox = mailbox();
    c.roster = roster([{ ...me, mailboxId: lrBox }]);
    expect(rotation.adopt(c, before, undefined, 5)).toBe(true);
    expect(c.mailbox.readCap).toBe(toHex(lastResortReadCap(fromHex(s2, 32), lrBox)));
  });

  it('forgets other devices’ moves after 30 days and keeps at most 256', () => {
    const { rotation } = setup();
    const bob = dev('b');
    const c = conv([bob]);
    const day = 24 * 3600 * 1000;
    c.moved = [
      { from: mailbox(), deviceId: bob.deviceId, at: 0 },
      { from: mailbox(), deviceId: bob.deviceId, at: 1 },
    ];
    const before = c.roster;
    c.roster = roster([{ ...bob, mailboxId: mailbox() }]);
    rotation.adopt(c, before, undefined, 30 * day);
    expect(c.moved.map((m) => m.at)).toEqual([1, 30 * day]);
    c.moved = Array.from({ length: 300 }, (_, i) => ({ from: mailbox(), deviceId: bob.deviceId, at: 30 * day + i }));
    const last = c.moved.at(-1);
    rotation.adopt(c, c.roster, undefined, 30 * day + 400);
    expect(c.moved).toHaveLength(256);
    expect(c.moved.at(-1)).toEqual(last);
  });

  it('this device’s own move is not recorded as another device’s', () => {
    const { state, rotation } = setup();
    const me = { ...dev('a', 'alice'), deviceId: ME };
    const c = conv([me], me.mailboxId);
    const before = c.roster;
    const kpBox = mailbox();
    state.keyPackages[kpBox] = { readCap: cap() } as StoredKeyPackage;
    c.roster = roster([{ ...me, mailboxId: kpBox }, dev('n')]); // and a newly added device: no move
    rotation.adopt(c, before, undefined, 5);
    expect(c.moved).toEqual([]);
  });
});

describe('retiring old mailboxes', () => {
  it('reads the old mailbox during its grace, then has the relay close it, drains once more, forgets it', async () => {
    const { state, rotation, retired } = setup();
    const c = conv([]);
    const old = { id: mailbox(), readCap: cap() };
    const other = { id: mailbox(), readCap: cap() };
    c.retiring = [{ ...other, until: 5_000 }, { ...old, until: 1_000 }];
    const plain = conv([]); // never moved: no retiring list at all
    state.conversations[plain.id] = plain;
    state.conversations[c.id] = c;
    expect(rotation.subscriptions()).toEqual([
      { id: other.id, readCap: fromHex(other.readCap, 32) },
      { id: old.id, readCap: fromHex(old.readCap, 32) },
    ]);
    expect(rotation.conversationOf(old.id)).toBe(c);
    expect(rotation.conversationOf(other.id)).toBe(c);
    expect(rotation.conversationOf(c.mailbox.id)).toBeUndefined();

    expect(await rotation.retireDue(999)).toBe(false);
    expect(retired).toEqual([]);
    expect(await rotation.retireDue(1_000)).toBe(true);
    expect(retired).toEqual([old]);
    expect(c.retiring).toEqual([{ ...other, until: 5_000 }, { ...old, until: 1_000, closed: true }]);
    expect(rotation.subscriptions()).toHaveLength(2); // drained once more
    expect(await rotation.retireDue(2_000)).toBe(false);
    expect(c.retiring).toEqual([{ ...other, until: 5_000 }]);
    expect(plain.retiring).toBeUndefined();
    expect(retired).toHaveLength(1);
  });

  it('a conversation left: its old mailboxes are neither read nor closed', async () => {
    const { state, rotation, retired } = setup();
    const c = { ...conv([]), left: true };
    c.retiring = [{ id: mailbox(), readCap: cap(), until: 0 }];
    state.conversations[c.id] = c;
    expect(rotation.subscriptions()).toEqual([]);
    expect(rotation.conversationOf(c.retiring[0]!.id)).toBeUndefined();
    expect(await rotation.retireDue(10)).toBe(false);
    expect(c.retiring).toBeUndefined();
    expect(retired).toEqual([]);
  });

  it('a mailbox that is still a KeyPackage’s (later Welcomes use it) is forgotten, never closed', async () => {
    const { state, rotation, retired } = setup();
    const c = conv([]);
    const lr = mailbox();
    state.keyPackages[lr] = { readCap: cap(), lastResortSecret: cap() } as StoredKeyPackage;
    c.retiring = [{ id: lr, readCap: cap(), until: 0 }];
    state.conversations[c.id] = c;
    expect(await rotation.retireDue(10)).toBe(false);
    expect(retired).toEqual([]);
    expect(c.retiring).toEqual([]);
  });

  it('the relay failing to close keeps it for the next try; a mailbox it no longer knows is forgotten', async () => {
    let code = 'UNAVAILABLE';
    const { state, rotation } = setup({ retire: async () => Promise.reject(new HardlineError(code as never, 'no')) });
    const c = conv([]);
    const r = { id: mailbox(), readCap: cap(), until: 0 };
    c.retiring = [r];
    state.conversations[c.id] = c;
    expect(await rotation.retireDue(10)).toBe(false);
    expect(c.retiring).toEqual([r]);
    code = 'NO_MAILBOX';
    expect(await rotation.retireDue(10)).toBe(false);
    expect(c.retiring).toEqual([]);
    const broken = setup({ retire: async () => Promise.reject(new TypeError('offline')) });
    const c2 = conv([]);
    c2.retiring = [r];
    broken.state.conversations[c2.id] = c2;
    await broken.rotation.retireDue(10);
    expect(c2.retiring).toEqual([r]);
  });
});

describe('parked envelopes', () => {
  const env = (to: MailboxId) => ({ mailboxId: to, envelopeId: hex16() as EnvelopeId, payload: new Uint8Array(256) });

  it('hands a conversation only the envelopes for its mailbox; keeps those of live KeyPackages; drops junk', () => {
    const { state, rotation } = setup();
    const c = conv([]);
    const kpBox = mailbox();
    state.keyPackages[kpBox] = { readCap: cap() } as StoredKeyPackage;
    const mine = env(c.mailbox.id);
    const forKp = env(kpBox);
    const junk = env(mailbox());
    expect(rotation.unpark(c)).toEqual([]);
    for (const e of [junk, mine, forKp]) rotation.park(e);
    expect(state.parked).toHaveLength(3);
    expect(rotation.unpark(c)).toEqual([mine]);
    expect(state.parked).toEqual([toBase64Url(encodeEnvelope(forKp))]);
  });

  it('a conversation reading a last-resort package’s own mailbox takes its envelopes out (not delivered twice)', () => {
    const { state, rotation } = setup();
    const lrBox = mailbox();
    state.keyPackages[lrBox] = { readCap: cap(), lastResortSecret: cap() } as StoredKeyPackage;
    const c = conv([], lrBox);
    const e = env(lrBox);
    rotation.park(e);
    expect(rotation.unpark(c)).toEqual([e]);
    expect(state.parked).toEqual([]);
  });

  it('refused posts are sorted by readdressPosts.ts', async () => {
    const { rotation } = setup();
    expect(await rotation.sortFailures([], [])).toEqual({ failed: [], readdressed: [], error: undefined });
  });

  it('a flood of parked junk is bounded at 1000, the newest kept', () => {
    const { state, rotation } = setup();
    const all = Array.from({ length: 1_005 }, () => env(mailbox()));
    for (const e of all) rotation.park(e);
    expect(state.parked).toHaveLength(1_000);
    expect(state.parked![999]).toBe(toBase64Url(encodeEnvelope(all.at(-1)!)));
    expect(state.parked![0]).toBe(toBase64Url(encodeEnvelope(all[5]!)));
  });
});
