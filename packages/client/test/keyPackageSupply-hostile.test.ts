/**
 * keyPackageSupply.ts from the relay's and a stranger's seats. A stranger can claim every normal
 * KeyPackage of a device; the relay can lose them all in a restart, hand back a package this
 * device never made, or hand out junk under another device's id. The supply must keep packages
 * (and a last-resort one) at the relay, with their private halves saved first; never take a
 * mailbox it cannot read; skip what no member would accept; and drop replaced last-resort keys.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { CiphersuiteImpl, KeyPackage } from 'ts-mls';
import {
  capabilityHash,
  certifiedAuthenticationService,
  decodeKeyPackage,
  isLastResort,
  certifyDevice,
  DEFAULT_SUITE,
  fromBase64Url,
  fromHex,
  HardlineError,
  keyPackageMailbox,
  lastResortMailbox,
  lastResortReadCap,
  loadSuite,
  newIdentityKey,
  newKeyPackage,
  randomBytes,
  toBase64Url,
  toHex,
  type DeviceId,
  type Handle,
  type MailboxId,
  type Roster,
} from '@hardline/protocol';
import type { DeviceState, StoredKeyPackage } from '../src/deviceState.ts';
import { KeyPackageSupply, RETIRED_LAST_RESORT_MS } from '../src/keyPackageSupply.ts';
import type { RelayApi } from '../src/relayApi.ts';

let impl: CiphersuiteImpl;
beforeAll(async () => {
  impl = await loadSuite(DEFAULT_SUITE);
});

const ME = '0'.repeat(31) + 'a' as DeviceId;
const BOB = '0'.repeat(31) + 'b' as DeviceId;

type Upload = { keyPackage: Uint8Array; readCapHash: Uint8Array; readSecret?: Uint8Array };

async function setup(opts: { certified?: boolean; count?: number; lastResort?: boolean; target?: number; claim?: (d: DeviceId) => Promise<{ keyPackage: Uint8Array; mailboxNonce?: Uint8Array }>; handleOf?: (d: DeviceId) => Handle | undefined; accepts?: (kp: KeyPackage) => Promise<boolean> } = {}) {
  const keys = await impl.signature.keygen();
  const identity = newIdentityKey();
  const state = {
    handle: 'alice',
    deviceId: ME,
    signKey: toBase64Url(keys.signKey),
    signPub: toBase64Url(keys.publicKey),
    keyPackages: {},
    ...(opts.certified === false ? {} : { certificate: certifyDevice(identity, { handle: 'alice' as Handle, deviceId: ME, deviceKey: toBase64Url(keys.publicKey) }) }),
  } as unknown as DeviceState;
  const log: string[] = [];
  const uploads: Upload[][] = [];
  const relay = { count: opts.count ?? 0, lastResort: opts.lastResort ?? false };
  const api = {
    async keyPackageCount() {
      log.push('count');
      return { count: relay.count, ...(relay.lastResort ? { lastResort: true } : {}) };
    },
    async uploadKeyPackages(items: Upload[]) {
      log.push(`upload ${items.length}`);
      uploads.push(items);
    },
    claimKeyPackage: opts.claim ?? (async () => Promise.reject(new HardlineError('NO_KEYPACKAGE', 'none'))),
  } as unknown as RelayApi;
  const supply = new KeyPackageSupply(
    state,
    api,
    impl,
    async () => void log.push(`save ${Object.keys(state.keyPackages).length}`),
    opts.handleOf ?? ((d) => (d === BOB ? ('bob' as Handle) : undefined)),
    opts.accepts ?? (async () => true),
    ...(opts.target !== undefined ? [opts.target] : []),
  );
  return { state, supply, log, uploads, relay, identity, keys };
}

const lastResorts = (s: DeviceState) => Object.values(s.keyPackages).filter((k) => k.lastResortSecret !== undefined);

describe('replenish', () => {
  it('an uncertified device uploads nothing and asks nothing', async () => {
    const { supply, log } = await setup({ certified: false });
    expect(await supply.replenish()).toBe(0);
    expect(log).toEqual([]);
  });

  it('after a relay restart (nothing there): the target, plus a last-resort package, private halves saved before upload', async () => {
    const { state, supply, log, uploads } = await setup({ count: 0, target: 4 });
    expect(await supply.replenish(1_000)).toBe(5);
    expect(log).toEqual(['count', 'save 5', 'upload 5']);
    const all = uploads.flat();
    // The first is the last-resort one, with its read secret; the rest are normal.
    expect(all[0]!.readSecret).toHaveLength(32);
    expect(all.slice(1).every((u) => u.readSecret === undefined)).toBe(true);
    for (const u of all) {
      const { mailboxId } = keyPackageMailbox(u.keyPackage);
      const stored = state.keyPackages[mailboxId]!;
      expect(stored.publicBytes).toBe(toBase64Url(u.keyPackage));
      // The relay holds only the hash of the read capability.
      expect(toHex(capabilityHash(fromHex(stored.readCap, 32)))).toBe(toHex(u.readCapHash));
      expect(fromBase64Url(stored.initPrivateKey).length).toBeGreaterThan(0);
      expect(fromBase64Url(stored.hpkePrivateKey).length).toBeGreaterThan(0);
    }
    const [lr] = lastResorts(state);
    expect(lr!.lastResortSecret).toBe(toHex(all[0]!.readSecret!));
    expect(lr!.retiredAt).toBeUndefined();
  });

  it('tops up only at half the target or below, to the target', async () => {
    const { supply, uploads, relay } = await setup({ count: 2, target: 4, lastResort: true });
    // No last-resort package held here, though the relay says it has one: a fresh one goes up.
    expect(await supply.replenish()).toBe(1);
    relay.count = 3;
    expect(await supply.replenish()).toBe(0);
    relay.count = 1;
    expect(await supply.replenish()).toBe(3);
    expect(uploads.map((u) => u.length)).toEqual([1, 3]);
    expect(uploads[1]!.every((u) => u.readSecret === undefined)).toBe(true);
  });

  it('the default target is 20: topped up below 10', async () => {
    const { supply, relay } = await setup({ count: 10, lastResort: true });
    expect(await supply.replenish()).toBe(1); // the last-resort one only
    relay.count = 9;
    expect(await supply.replenish()).toBe(11);
  });

  it('replaces a last-resort package a Welcome came through, and keeps the old one for a while', async () => {
    const { state, supply, relay } = await setup({ count: 0, target: 2 });
    await supply.replenish(1_000);
    relay.count = 2;
    relay.lastResort = true;
    expect(await supply.replenish(2_000)).toBe(0);
    const [first] = lastResorts(state);
    first!.used = true;
    expect(await supply.replenish(3_000)).toBe(1);
    expect(first!.retiredAt).toBe(3_000);
    const current = lastResorts(state).filter((k) => k.retiredAt === undefined);
    expect(current).toHaveLength(1);
    expect(current[0]).not.toBe(first);
    expect(await supply.replenish(4_000)).toBe(0);
  });

  it('two current last-resort packages (a crash mid-replacement) are both retired for a fresh one', async () => {
    const { state, supply } = await setup({ count: 10, target: 2, lastResort: true });
    state.keyPackages[toHex(randomBytes(16)) as MailboxId] = { readCap: '', lastResortSecret: toHex(randomBytes(32)) } as StoredKeyPackage;
    state.keyPackages[toHex(randomBytes(16)) as MailboxId] = { readCap: '', lastResortSecret: toHex(randomBytes(32)) } as StoredKeyPackage;
    expect(await supply.replenish(7)).toBe(1);
    expect(lastResorts(state).filter((k) => k.retiredAt === 7)).toHaveLength(2);
    expect(lastResorts(state).filter((k) => k.retiredAt === undefined)).toHaveLength(1);
  });

  it('forgets a replaced last-resort package’s private keys after 14 days, and saves that', async () => {
    const { state, supply, log } = await setup({ count: 10, target: 2, lastResort: true });
    await supply.replenish(0); // a current last-resort one
    const oldId = toHex(randomBytes(16)) as MailboxId;
    state.keyPackages[oldId] = { readCap: '', lastResortSecret: toHex(randomBytes(32)), retiredAt: 1_000 } as StoredKeyPackage;
    log.length = 0;
    expect(await supply.replenish(1_000 + RETIRED_LAST_RESORT_MS)).toBe(0);
    expect(state.keyPackages[oldId]).toBeDefined();
    expect(log).toEqual(['count']); // nothing changed, nothing saved
    expect(await supply.replenish(1_001 + RETIRED_LAST_RESORT_MS)).toBe(0);
    expect(state.keyPackages[oldId]).toBeUndefined();
    expect(log).toEqual(['count', 'count', `save ${Object.keys(state.keyPackages).length}`]);
  });

  it('uploads at most 100 per request, and no empty request after a full one', async () => {
    const { supply, uploads } = await setup({ count: 0, target: 200, lastResort: true });
    expect(await supply.replenish()).toBe(201);
    expect(uploads.map((u) => u.length)).toEqual([100, 100, 1]);
    const exact = await setup({ count: 0, target: 199, lastResort: true });
    expect(await exact.supply.replenish()).toBe(200);
    expect(exact.uploads.map((u) => u.length)).toEqual([100, 100]);
  });

  it('each package carries this device’s certificate (members accept its leaf); only the last-resort one is marked so', async () => {
    const { supply, uploads, identity } = await setup({ count: 0, target: 2 });
    await supply.replenish();
    const as = certifiedAuthenticationService((h) => (h === 'alice' ? identity.publicKey : undefined));
    const all = uploads.flat();
    for (const u of all) {
      const kp = decodeKeyPackage(u.keyPackage);
      expect(await as.validateCredential(kp.leafNode.credential, kp.leafNode.signaturePublicKey)).toBe(true);
      expect(isLastResort(kp)).toBe(u.readSecret !== undefined);
    }
    expect(all.filter((u) => u.readSecret !== undefined)).toHaveLength(1);
  });

  it('an uncertified device makes no package of its own (USAGE), so none without a certificate can exist', async () => {
    const { supply } = await setup({ certified: false });
    await expect(supply.ownPackage()).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('claimOwnMailbox', () => {
  it('refuses a package this device does not hold (the relay handing it someone else’s)', async () => {
    const other = await newKeyPackage({ handle: 'mallory' as Handle, deviceId: BOB }, await impl.signature.keygen(), impl);
    const { supply } = await setup({ claim: async () => ({ keyPackage: other.bytes }) });
    await expect(supply.claimOwnMailbox()).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a normal package is used up; its mailbox and read capability are the ones stored', async () => {
    let handOut: Uint8Array | undefined;
    const { state, supply } = await setup({ count: 0, target: 2, claim: async () => ({ keyPackage: handOut! }) });
    await supply.replenish();
    const [id, kp] = Object.entries(state.keyPackages).find(([, k]) => k.lastResortSecret === undefined)!;
    handOut = fromBase64Url(kp.publicBytes);
    // A nonce on a normal package changes nothing: it is not a last-resort one.
    const own = await supply.claimOwnMailbox();
    expect(own).toEqual({ id, readCap: kp.readCap, sendCap: toHex(keyPackageMailbox(handOut).sendCap) });
    expect(state.keyPackages[id as MailboxId]).toBeUndefined();
    const { supply: s2, state: st2 } = await setup({ count: 0, target: 2, claim: async () => ({ keyPackage: handOut2!, mailboxNonce: randomBytes(16) }) });
    await s2.replenish();
    const [id2, kp2] = Object.entries(st2.keyPackages).find(([, k]) => k.lastResortSecret === undefined)!;
    const handOut2 = fromBase64Url(kp2.publicBytes);
    expect((await s2.claimOwnMailbox()).id).toBe(id2);
    expect(st2.keyPackages[id2 as MailboxId]).toBeUndefined();
  });

  it('its own last-resort package: the claim’s own mailbox, derived; the package stays', async () => {
    const nonce = randomBytes(16);
    let handOut: Uint8Array | undefined;
    const { state, supply } = await setup({ count: 0, target: 0, claim: async () => ({ keyPackage: handOut!, mailboxNonce: nonce }) });
    await supply.replenish();
    const [id, lr] = Object.entries(state.keyPackages)[0]!;
    handOut = fromBase64Url(lr.publicBytes);
    const own = await supply.claimOwnMailbox();
    const m = lastResortMailbox(handOut, nonce);
    expect(own).toEqual({ id: m.mailboxId, readCap: toHex(lastResortReadCap(fromHex(lr.lastResortSecret!, 32), m.mailboxId)), sendCap: toHex(m.sendCap) });
    expect(state.keyPackages[id as MailboxId]).toBe(lr);
    // Without a nonce the relay gave no claim of its own: the package's mailbox, package used up.
    const again = await setup({ count: 0, target: 0, claim: async () => ({ keyPackage: fromBase64Url(Object.values(again.state.keyPackages)[0]!.publicBytes) }) });
    await again.supply.replenish();
    const [id2, lr2] = Object.entries(again.state.keyPackages)[0]!;
    expect(await again.supply.claimOwnMailbox()).toEqual({ id: id2, readCap: lr2.readCap, sendCap: toHex(keyPackageMailbox(fromBase64Url(lr2.publicBytes)).sendCap) });
  });
});

describe('claimDevice', () => {
  const bobPackage = async (lastResort = false) => newKeyPackage({ handle: 'bob' as Handle, deviceId: BOB }, await impl.signature.keygen(), impl, { lastResort });

  it('a member’s package: the device and its Welcome both at the package’s mailbox', async () => {
    const kp = await bobPackage();
    const { supply } = await setup({ claim: async () => ({ keyPackage: kp.bytes }) });
    const c = (await supply.claimDevice(BOB))!;
    const m = keyPackageMailbox(kp.bytes);
    expect(c.bytes).toBe(kp.bytes);
    expect(c.device).toEqual({ deviceId: BOB, handle: 'bob', mailboxId: m.mailboxId, sendCap: toHex(m.sendCap) });
    expect(c.welcomeTo).toEqual({ mailboxId: m.mailboxId, sendCap: toHex(m.sendCap) });
    expect(supply.missedRecently(BOB, Date.now(), 60_000)).toBe(false);
  });

  it('a last-resort claim: the device at the claim’s own mailbox, the Welcome at the package’s', async () => {
    const kp = await bobPackage(true);
    const nonce = randomBytes(16);
    const { supply } = await setup({ claim: async () => ({ keyPackage: kp.bytes, mailboxNonce: nonce }) });
    const c = (await supply.claimDevice(BOB))!;
    const own = lastResortMailbox(kp.bytes, nonce);
    const welcome = keyPackageMailbox(kp.bytes);
    expect(c.device.mailboxId).toBe(own.mailboxId);
    expect(c.device.sendCap).toBe(toHex(own.sendCap));
    expect(c.welcomeTo).toEqual({ mailboxId: welcome.mailboxId, sendCap: toHex(welcome.sendCap) });
  });

  it('a package no member would accept, or for a device no trusted person owns, is skipped and remembered as a miss', async () => {
    const kp = await bobPackage();
    const refused = await setup({ claim: async () => ({ keyPackage: kp.bytes }), accepts: async () => false });
    expect(await refused.supply.claimDevice(BOB)).toBeUndefined();
    expect(refused.supply.missedRecently(BOB, Date.now(), 60_000)).toBe(true);
    const unknown = await setup({ claim: async () => ({ keyPackage: kp.bytes }), handleOf: () => undefined });
    expect(await unknown.supply.claimDevice(BOB)).toBeUndefined();
    expect(unknown.supply.missedRecently(BOB, Date.now(), 60_000)).toBe(true);
  });

  it('no package (or no device): a miss, held for retryMs; other errors are thrown', async () => {
    for (const code of ['NO_KEYPACKAGE', 'NOT_FOUND']) {
      const { supply } = await setup({ claim: async () => Promise.reject(new HardlineError(code as never, 'x')) });
      const t = Date.now();
      expect(await supply.claimDevice(BOB)).toBeUndefined();
      expect(supply.missedRecently(BOB, t + 59_000, 60_000)).toBe(true);
      expect(supply.missedRecently(BOB, Date.now() + 60_000, 60_000)).toBe(false);
      expect(supply.missedRecently(ME, t, 60_000)).toBe(false);
    }
    const { supply } = await setup({ claim: async () => Promise.reject(new HardlineError('RATE_LIMITED', 'x')) });
    await expect(supply.claimDevice(BOB)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(supply.missedRecently(BOB, Date.now(), 60_000)).toBe(false);
  });

  it('the link grace holds for every miss inside it, up to exactly 10 minutes', async () => {
    const { supply } = await setup();
    const T = 1_900_000_000_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(T);
    try {
      supply.linked(BOB, T - 60_000);
      await supply.claimDevice(BOB);
      await supply.claimDevice(BOB); // a second miss a moment later: still inside the grace
      expect(supply.missedRecently(BOB, T, 60_000)).toBe(false);
      supply.linked(BOB, T - 10 * 60_000); // exactly at the edge
      await supply.claimDevice(BOB);
      await supply.claimDevice(BOB);
      expect(supply.missedRecently(BOB, T, 60_000)).toBe(false);
      clock.mockReturnValue(T + 1);
      await supply.claimDevice(BOB); // past it
      expect(supply.missedRecently(BOB, T + 1, 60_000)).toBe(true);
    } finally {
      clock.mockRestore();
    }
  });

  it('a device linked in the last 10 minutes is not held out by a miss; after that it is', async () => {
    let kp: Uint8Array | undefined;
    const { supply } = await setup({ claim: async () => (kp ? { keyPackage: kp } : Promise.reject(new HardlineError('NO_KEYPACKAGE', 'x'))) });
    await supply.claimDevice(BOB);
    expect(supply.missedRecently(BOB, Date.now(), 60_000)).toBe(true);
    supply.linked(BOB); // clears the miss too
    expect(supply.missedRecently(BOB, Date.now(), 60_000)).toBe(false);
    await supply.claimDevice(BOB);
    expect(supply.missedRecently(BOB, Date.now(), 60_000)).toBe(false);
    supply.linked(BOB, Date.now() - 10 * 60_000 - 1_000);
    await supply.claimDevice(BOB);
    expect(supply.missedRecently(BOB, Date.now(), 60_000)).toBe(true);
    // A successful claim clears the miss.
    kp = (await bobPackage()).bytes;
    expect(await supply.claimDevice(BOB)).toBeDefined();
    expect(supply.missedRecently(BOB, Date.now(), 60_000)).toBe(false);
  });
});

describe('joined', () => {
  const roster = (mailboxId?: MailboxId): Roster => ({ v: 1, kind: 'direct', name: '', members: [], devices: mailboxId ? [{ deviceId: ME, handle: 'alice' as Handle, mailboxId, sendCap: '' }] : [], sealSecrets: [] });

  it('a normal package is used up; the conversation reads the Welcome’s mailbox', async () => {
    const { state, supply } = await setup();
    const box = toHex(randomBytes(16)) as MailboxId;
    const kp = { readCap: toHex(randomBytes(32)) } as StoredKeyPackage;
    state.keyPackages[box] = kp;
    expect(supply.joined(box, kp, roster(toHex(randomBytes(16)) as MailboxId))).toEqual({ id: box, readCap: kp.readCap });
    expect(state.keyPackages[box]).toBeUndefined();
  });

  it('a last-resort package stays, marked used; the conversation reads the mailbox the roster names, derived', async () => {
    const { state, supply } = await setup();
    const box = toHex(randomBytes(16)) as MailboxId;
    const secret = toHex(randomBytes(32));
    const kp = { readCap: toHex(randomBytes(32)), lastResortSecret: secret } as StoredKeyPackage;
    state.keyPackages[box] = kp;
    const named = toHex(randomBytes(16)) as MailboxId;
    expect(supply.joined(box, kp, roster(named))).toEqual({ id: named, readCap: toHex(lastResortReadCap(fromHex(secret, 32), named)) });
    expect(kp.used).toBe(true);
    expect(state.keyPackages[box]).toBe(kp);
    expect(supply.joined(box, kp, roster(box))).toEqual({ id: box, readCap: kp.readCap });
    expect(supply.joined(box, kp, roster())).toEqual({ id: box, readCap: kp.readCap });
    // The roster's entry for this device is found by its id, not by position.
    const withOthers: Roster = { ...roster(named), devices: [{ deviceId: BOB, handle: 'bob' as Handle, mailboxId: toHex(randomBytes(16)) as MailboxId, sendCap: '' }, ...roster(named).devices] };
    expect(supply.joined(box, kp, withOthers).id).toBe(named);
  });
});
