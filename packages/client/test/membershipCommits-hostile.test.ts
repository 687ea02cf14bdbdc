/**
 * Membership commits (membershipCommits.ts) from a removed device's and a racing device's seats.
 * A device removed must be out of the next epoch, its seal secret rotated and every remaining
 * device moved; a commit that lost the epoch lock must apply and send nothing; the lock is given
 * back whenever nothing was committed; and nobody removes this device but itself. Real MLS
 * groups; the engine's plumbing (relay lock, outbox, mailboxes) is a recorder.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CiphersuiteImpl, ClientState } from 'ts-mls';
import {
  commitChanges,
  createConversationGroup,
  DEFAULT_SUITE,
  decodeKeyPackage,
  exportSecret,
  HardlineError,
  loadSuite,
  members,
  PayloadKind,
  toHex,
  type DeviceId,
  type Handle,
  type MailboxId,
  type Roster,
  type RosterDevice,
} from '@hardline/protocol';
import { certifiedOrg, deviceIdOf } from '../../protocol/test/support/certifiedDevices.ts';
import type { Conversation, DeviceState } from '../src/deviceState.ts';
import type { ClaimedDevice } from '../src/keyPackageSupply.ts';
import { MembershipCommits, RELAY_HOLD_MS, type MembershipHost } from '../src/membershipCommits.ts';
import { EpochLocks, HOLD_MS } from '../../server/src/locks/epochLocks.ts';
import { ClaimPacing, warmWallet } from '../src/claimPacing.ts';
import { SLOT_PARAMS, type PrivacyLevel } from '../src/privacyLevel.ts';
import { ManualClock } from '../../../test/support/manualClock.ts';

let impl: CiphersuiteImpl;
let org: ReturnType<typeof certifiedOrg>;
beforeEach(async () => {
  impl ??= await loadSuite(DEFAULT_SUITE);
  org = certifiedOrg(impl);
});
afterEach(() => vi.useRealTimers());

const A1 = deviceIdOf(1);
const B2 = deviceIdOf(2);
const B3 = deviceIdOf(3);
const C4 = deviceIdOf(4);
const rd = (deviceId: DeviceId, handle: string): RosterDevice => ({ deviceId, handle: handle as Handle, mailboxId: toHex(new Uint8Array(16).fill(Number.parseInt(deviceId.slice(-2), 16))) as MailboxId, sendCap: 'cap' });

async function claimed(handle: string, n: number): Promise<ClaimedDevice> {
  const d = await org.device(handle, n);
  const device = rd(d.who.deviceId, handle);
  return { kp: decodeKeyPackage(d.kp.bytes), bytes: d.kp.bytes, device, welcomeTo: { mailboxId: device.mailboxId, sendCap: 'wcap' } };
}

/** Alice's device 1 with bob's device 2 in a group, and a host recording what the engine is asked. */
async function setup(opts: { active?: Record<string, DeviceId[]>; claims?: Record<string, ClaimedDevice | undefined>; lock?: 'ours' | 'taken' | 'lost'; missed?: DeviceId[]; members?: string[]; pacing?: ClaimPacing; otherCommitOnSync?: boolean } = {}) {
  const alice = await org.device('alice', 1);
  const bob = await org.device('bob', 2);
  let mls: ClientState = await createConversationGroup(new Uint8Array(16).fill(7), alice.kp, impl, org.config);
  mls = (await commitChanges(mls, { add: [decodeKeyPackage(bob.kp.bytes)] }, impl)).newState;
  const roster: Roster = { v: 1, kind: 'group', name: 'team', members: (opts.members ?? ['alice', 'bob']) as Handle[], devices: [rd(A1, 'alice'), rd(B2, 'bob')], sealSecrets: ['s1', 's2', 's3'] };
  const conv: Conversation = { id: 'c', roster, mlsState: '', mailbox: { id: rd(A1, 'alice').mailboxId, readCap: '' }, pending: [], messages: [], left: false };
  const active: Record<string, DeviceId[]> = opts.active ?? { alice: [A1], bob: [B2] };
  const log: string[] = [];
  const fanned: { kind: PayloadKind; roster?: Roster; exclude?: Set<DeviceId> }[] = [];
  const locks = { taken: [] as string[], confirmed: 0, released: 0 };
  const state = { handle: 'alice', deviceId: A1 } as unknown as DeviceState;
  const lockMode = { v: opts.lock ?? 'ours' };
  const host: MembershipHost = {
    state,
    impl,
    api: {
      takeLock: async (token: string) => (locks.taken.push(token), lockMode.v === 'taken' ? undefined : 'hold'),
      confirmLock: async () => (locks.confirmed++, lockMode.v !== 'lost'),
      releaseLock: async () => void locks.released++,
    } as never,
    keyPackages: {
      claimDevice: async (d: DeviceId) => (log.push(`claim ${d}`), opts.claims?.[d]),
      missedRecently: (d: DeviceId) => (opts.missed ?? []).includes(d),
    } as never,
    rotation: {
      freshMailboxes: async (kept: RosterDevice[]) => (log.push(`fresh ${kept.map((d) => d.deviceId.slice(-1)).join('')}`), { devices: kept.map((d) => ({ ...d, mailboxId: 'f'.repeat(32) as MailboxId })), own: { id: 'own' } }),
      adopt: (_c: Conversation, before: Roster, own: unknown) => void log.push(`adopt ${before.devices.length} ${JSON.stringify(own ?? null)}`),
    } as never,
    // The real pacing: at `off` its pauses are the bare back-off, on setTimeout.
    pacing: opts.pacing ?? new ClaimPacing({ params: () => SLOT_PARAMS.off, session: { quietLeft: () => 0, sessions: 0 } }),
    claimRetryMs: 60_000,
    mls: () => mls,
    setMls: (_c, s) => {
      log.push('setMls');
      mls = s;
    },
    activeDevices: (h) => active[h] ?? [],
    rosterBox: async () => new Uint8Array([1]),
    fanOut: async (_c, kind, _b, r, x) => void fanned.push({ kind, roster: r, exclude: x }),
    queueWelcomes: async (_m, _r, c) => void log.push(`welcome ${c.map((x) => x.device.deviceId.slice(-1)).join('')}`),
    sendWaiting: async () => void log.push('sendWaiting'),
    save: async () => void log.push('save'),
    flushOutbox: async () => (log.push('flush'), 0),
    sync: async () => {
      log.push('sync');
      // The other device's commit arrives with the sync: a new epoch, so a new lock token.
      if (opts.otherCommitOnSync) mls = (await commitChanges(mls, {}, impl)).newState;
    },
  };
  return { conv, host, log, fanned, locks, lockMode, commits: new MembershipCommits(host), mls: () => mls, before: mls, active };
}

/** Lets real async work (WebCrypto) run while setTimeout is faked; setImmediate is not. */
async function until(cond: () => boolean): Promise<void> {
  // Bounded by the clock, not a count of turns: building a commit on a loaded machine takes long.
  const start = performance.now();
  while (!cond() && performance.now() - start < 50_000) await new Promise((r) => setImmediate(r));
  expect(cond()).toBe(true);
}

const deviceIds = (s: ClientState) => members(s).map((m) => m.id.deviceId).sort();

describe('reconcile', () => {
  it('nothing to change: no lock is taken', async () => {
    const t = await setup();
    await t.commits.reconcile(t.conv);
    expect(t.locks.taken).toEqual([]);
    expect(t.log).toEqual([]);
  });

  it('a left conversation is not touched', async () => {
    const t = await setup({ active: { alice: [A1], bob: [] } });
    t.conv.left = true;
    await t.commits.reconcile(t.conv);
    expect(t.locks.taken).toEqual([]);
  });

  it('a device revoked (no longer active) is removed: new epoch without it, seal secret rotated, the rest moved', async () => {
    const t = await setup({ active: { alice: [A1], bob: [] } });
    const oldRoster = t.conv.roster;
    await t.commits.reconcile(t.conv);
    expect(deviceIds(t.mls())).toEqual([A1]);
    expect(t.mls().groupContext.epoch).toBe(t.before.groupContext.epoch + 1n);
    const r = t.conv.roster;
    expect(r.sealSecrets).toHaveLength(3);
    expect(r.sealSecrets[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(r.sealSecrets.slice(1)).toEqual(['s1', 's2']);
    expect(r.devices).toEqual([{ ...rd(A1, 'alice'), mailboxId: 'f'.repeat(32) }]);
    expect(r.members).toEqual(['alice', 'bob']);
    // The commit goes out under the old roster (the removed device learns it is out), nobody excluded.
    expect(t.fanned).toEqual([{ kind: PayloadKind.COMMIT_BUNDLE, roster: oldRoster, exclude: new Set() }]);
    expect(t.log).toEqual(['fresh 1', 'adopt 2 {"id":"own"}', 'setMls', 'save', 'flush']);
    expect(t.locks).toEqual({ taken: [toHex(await exportSecret(t.before, 'hardline/v1/commit-lock', 32, impl))], confirmed: 1, released: 0 });
  });

  it('a member’s new device is added (and their waiting messages resent); one that missed a claim recently is left for later', async () => {
    const b3 = await claimed('bob', 3);
    const t = await setup({ active: { alice: [A1], bob: [B2, B3] }, claims: { [B3]: b3 } });
    await t.commits.reconcile(t.conv);
    expect(deviceIds(t.mls())).toEqual([A1, B2, B3]);
    expect(t.conv.roster.devices.map((d) => d.deviceId)).toEqual([A1, B2, B3]);
    expect(t.conv.roster.sealSecrets).toEqual(['s1', 's2', 's3']); // no removal, no rotation
    expect(t.log).toEqual([`claim ${B3}`, 'welcome 3', 'adopt 2 null', 'setMls', 'sendWaiting', 'save', 'flush']);
    expect(t.fanned[0]!.exclude).toEqual(new Set([B3]));

    const later = await setup({ active: { alice: [A1], bob: [B2, B3] }, claims: {}, missed: [B3] });
    await later.commits.reconcile(later.conv);
    expect(later.locks.taken).toEqual([]);
  });

  it('this user’s own new device is added without resending waiting messages', async () => {
    const a5 = await claimed('alice', 5);
    const t = await setup({ active: { alice: [A1, a5.device.deviceId], bob: [B2] }, claims: { [a5.device.deviceId]: a5 } });
    await t.commits.reconcile(t.conv);
    expect(t.log).not.toContain('sendWaiting');
    expect(deviceIds(t.mls())).toContain(a5.device.deviceId);
  });

  it('a device with no KeyPackage left: nothing committed, and the lock is given back', async () => {
    const t = await setup({ active: { alice: [A1], bob: [B2, B3] }, claims: {} });
    await t.commits.reconcile(t.conv);
    expect(t.log).toEqual([`claim ${B3}`]);
    expect(t.locks.released).toBe(1);
    expect(t.locks.confirmed).toBe(0);
    expect(t.mls()).toBe(t.before);
  });
});

describe('commitWithLock', () => {
  it('nobody, however the directory reads, removes this device: only itself by leaving', async () => {
    const t = await setup({ active: { alice: [], bob: [B2] } });
    await t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]);
    // Alice's own leaf stays even though the directory lists no active device for her.
    expect(deviceIds(t.mls())).toEqual([A1, B2]);
  });

  it('leaving (own handle not in the new members): no fresh mailboxes are learned', async () => {
    const t = await setup();
    await t.commits.commitWithLock(t.conv, ['alice'] as Handle[]);
    expect(deviceIds(t.mls())).toEqual([A1]);
    expect(t.log).toContain('fresh 1');
    const leaving = await setup();
    await leaving.commits.commitWithLock(leaving.conv, ['bob'] as Handle[]);
    expect(leaving.log.some((l) => l.startsWith('fresh'))).toBe(false);
    expect(leaving.conv.roster.members).toEqual(['bob']);
    expect(leaving.conv.roster.devices).toEqual([rd(B2, 'bob')]);
  });

  it('a member dropped whose devices are all gone already still changes the roster', async () => {
    const t = await setup({ active: { alice: [A1], bob: [B2] }, members: ['alice', 'bob', 'carol'] });
    await t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]);
    expect(t.conv.roster.members).toEqual(['alice', 'bob']);
    expect(t.locks.confirmed).toBe(1);
  });

  it('a settings change alone is committed', async () => {
    const t = await setup();
    await t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[], (r) => ({ ...r, name: 'renamed' }));
    expect(t.conv.roster.name).toBe('renamed');
    expect(t.mls().groupContext.epoch).toBe(t.before.groupContext.epoch + 1n);
  });

  it('flush: false leaves the post to the caller', async () => {
    const t = await setup();
    await t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[], (r) => ({ ...r, name: 'x' }), { flush: false });
    expect(t.log).not.toContain('flush');
    expect(t.log).toContain('save');
  });

  it('lost the lock after building: nothing applied, nothing sent; re-planned after a sync brings the other commit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const t = await setup({ active: { alice: [A1], bob: [] }, lock: 'lost', otherCommitOnSync: true });
    const outcome = t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]).catch((e: unknown) => e);
    await until(() => t.locks.released === 1);
    expect(t.locks.confirmed).toBe(1);
    expect(t.fanned).toEqual([]);
    expect(t.mls()).toBe(t.before);
    expect(t.conv.roster.sealSecrets).toEqual(['s1', 's2', 's3']);
    expect(t.log).toEqual(['fresh 1']);
    t.lockMode.v = 'ours';
    await vi.advanceTimersByTimeAsync(150);
    expect(t.log).toContain('sync');
    await until(() => t.locks.confirmed === 2);
    expect(await outcome).toBeUndefined();
    expect(deviceIds(t.mls())).toEqual([A1]);
    expect(t.locks.released).toBe(1);
    expect(new Set(t.locks.taken).size).toBe(2);
  });

  it('another device holds the lock: waits longer each time, gives up after 8 tries with CONFLICT', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const t = await setup({ active: { alice: [A1], bob: [] }, lock: 'taken', otherCommitOnSync: true });
    const syncs = () => t.log.filter((l) => l === 'sync').length;
    const outcome = t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]).catch((e: unknown) => e);
    for (let attempt = 0; attempt < 8; attempt++) {
      await until(() => t.locks.taken.length === attempt + 1);
      await vi.advanceTimersByTimeAsync(150 * (attempt + 1) - 1);
      expect(syncs()).toBe(attempt);
      await vi.advanceTimersByTimeAsync(1);
      expect(syncs()).toBe(attempt + 1);
    }
    expect(await outcome).toMatchObject({ code: 'CONFLICT' });
    expect(t.locks.taken).toHaveLength(8);
    expect(new Set(t.locks.taken).size).toBe(8);
    expect(t.locks.released).toBe(0);
    expect(t.fanned).toEqual([]);
  });

  it('the conversation left while waiting: stops', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const t = await setup({ active: { alice: [A1], bob: [] }, lock: 'taken' });
    t.host.sync = async () => {
      t.conv.left = true;
    };
    const outcome = t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]).catch((e: unknown) => e);
    await until(() => t.locks.taken.length === 1);
    await vi.advanceTimersByTimeAsync(150);
    expect(await outcome).toBeUndefined();
    expect(t.locks.taken).toHaveLength(1);
  });

  it('a failure while building gives the lock back and is thrown', async () => {
    const t = await setup({ active: { alice: [A1], bob: [B2, B3] } });
    (t.host.keyPackages as unknown as { claimDevice: () => Promise<never> }).claimDevice = async () => Promise.reject(new HardlineError('UNAVAILABLE', 'down'));
    await expect(t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[])).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(t.locks.released).toBe(1);
    // A release that fails is not the error reported.
    const t2 = await setup({ active: { alice: [A1], bob: [B2, B3] }, claims: {} });
    (t2.host.api as unknown as { releaseLock: () => Promise<never> }).releaseLock = async () => Promise.reject(new Error('gone'));
    await expect(t2.commits.commitWithLock(t2.conv, ['alice', 'bob'] as Handle[])).resolves.toBeUndefined();
  });

  it('the seal secrets keep at most three, newest first', async () => {
    const t = await setup({ active: { alice: [A1], bob: [] } });
    t.conv.roster = { ...t.conv.roster, sealSecrets: ['only'] };
    await t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]);
    expect(t.conv.roster.sealSecrets).toHaveLength(2);
    expect(t.conv.roster.sealSecrets[1]).toBe('only');
    void C4;
  });
});

/**
 * The relay's seat (issue 12): the lock request is anonymous, the sync is the device's session.
 * A relay that refuses the lock and then watches for a session request at a fixed offset, and
 * for the refused token to come back, would tie the conversation's commit to the device.
 */
describe('commitWithLock, from a relay that refuses the lock', () => {
  type Seen = { t: number; what: 'lock' | 'sync' | 'tokens' | 'confirm' | 'release' | 'posts'; token?: string };

  /** A manual clock driving the real pacing at `balanced`; each timer's work lands before time moves on. */
  function pacedAtBalanced() {
    return pacedAt('balanced');
  }

  function pacedAt(level: PrivacyLevel, warm?: (claims: number) => Promise<void>) {
    let finished = false;
    const settle = async () => {
      const start = performance.now();
      while (!finished && clock.pending === 0 && performance.now() - start < 50_000) await new Promise((r) => setImmediate(r));
    };
    const clock = new ManualClock(settle);
    const pacing = new ClaimPacing({ params: () => SLOT_PARAMS[level], session: { quietLeft: () => 0, sessions: 0 }, ...(warm ? { warm } : {}), sleep: (ms) => new Promise<void>((r) => void clock.after(ms, r)) });
    const run = async (p: Promise<unknown>): Promise<unknown> => {
      const out = p.then((v) => v, (e: unknown) => e).finally(() => (finished = true));
      while (!finished) {
        await settle();
        if (!finished) await clock.advance(3_600_000);
      }
      return out;
    };
    return { clock, pacing, run };
  }

  /** Records what the relay sees, and when. */
  function watch(t: Awaited<ReturnType<typeof setup>>, clock: ManualClock, refuse: (n: number) => boolean): Seen[] {
    const seen: Seen[] = [];
    const api = t.host.api as unknown as { takeLock: (token: string) => Promise<string | undefined> };
    const take = api.takeLock;
    api.takeLock = async (token) => {
      seen.push({ t: clock.now(), what: 'lock', token });
      const n = seen.filter((s) => s.what === 'lock').length;
      return refuse(n) ? undefined : take(token);
    };
    const sync = t.host.sync;
    t.host.sync = async () => {
      seen.push({ t: clock.now(), what: 'sync' });
      return sync();
    };
    return seen;
  }

  const quiet = SLOT_PARAMS.balanced.quietMs;

  it('the other commit arrives: no session request within the quiet period after the refusal, and the retry carries the new epoch’s token, past the quiet period after the sync', async () => {
    const { clock, pacing, run } = pacedAtBalanced();
    const t = await setup({ active: { alice: [A1], bob: [] }, pacing, otherCommitOnSync: true });
    const seen = watch(t, clock, (n) => n === 1);
    expect(await run(t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]))).toBeUndefined();
    expect(deviceIds(t.mls())).toEqual([A1]);
    expect(seen.map((s) => s.what)).toEqual(['lock', 'sync', 'lock']);
    const [refused, sync, retry] = seen as [Seen, Seen, Seen];
    expect(retry.token).not.toBe(refused.token);
    // The old code synced 150 ms after the refusal, every time: a fixed offset the relay could pair.
    expect(sync.t - refused.t).toBeGreaterThanOrEqual(150 + quiet);
    expect(retry.t - sync.t).toBeGreaterThanOrEqual(quiet);
  });

  it('the lock lost (another device committed) and nothing arrives: the refused token never comes back; CONFLICT after 8 rounds, nothing applied', async () => {
    const { clock, pacing, run } = pacedAtBalanced();
    const t = await setup({ active: { alice: [A1], bob: [] }, pacing, lock: 'lost' });
    const seen = watch(t, clock, () => false);
    const outcome = await run(t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]));
    expect(outcome).toBeInstanceOf(HardlineError);
    expect(outcome).toMatchObject({ code: 'CONFLICT' });
    const tokens = seen.filter((s) => s.what === 'lock').map((s) => s.token);
    expect(tokens).toHaveLength(1);
    expect(seen.filter((s) => s.what === 'sync')).toHaveLength(8);
    // Every session request is a full quiet period past whatever the relay saw before it.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.t - seen[i - 1]!.t).toBeGreaterThanOrEqual(quiet);
    expect(t.fanned).toEqual([]);
    expect(t.mls()).toBe(t.before);
  });

  it('the lock taken, again and again, and nothing arrives: the refused token comes back once, past the hold and a quiet period; then CONFLICT, nothing applied', async () => {
    const { clock, pacing, run } = pacedAtBalanced();
    const t = await setup({ active: { alice: [A1], bob: [] }, pacing, lock: 'taken' });
    const seen = watch(t, clock, () => true);
    const outcome = await run(t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]));
    expect(outcome).toMatchObject({ code: 'CONFLICT' });
    const locks = seen.filter((s) => s.what === 'lock');
    expect(locks.map((s) => s.token)).toEqual([locks[0]!.token, locks[0]!.token]);
    expect(locks[1]!.t - locks[0]!.t).toBeGreaterThanOrEqual(HOLD_MS + quiet);
    expect(seen.filter((s) => s.what === 'sync').length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.t - seen[i - 1]!.t).toBeGreaterThanOrEqual(quiet);
    expect(t.fanned).toEqual([]);
    expect(t.mls()).toBe(t.before);
  });

  it('refused in eight epochs, the last rival never committing: eight lock requests, then CONFLICT; the last refused token is not sent again', async () => {
    const { clock, pacing, run } = pacedAt('off');
    const t = await setup({ active: { alice: [A1], bob: [] }, pacing, lock: 'taken', otherCommitOnSync: true });
    const seen = watch(t, clock, () => true);
    // Rivals commit in the first seven epochs (each sync brings a commit, so each try has a new
    // token); the eighth rival gives up without committing, so its epoch never moves and the
    // device's last refused token would still wait for the rival's hold to lapse.
    const sync = t.host.sync;
    let syncs = 0;
    t.host.sync = async () => (++syncs <= 7 ? sync() : undefined);
    const outcome = await run(t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]));
    expect(outcome).toMatchObject({ code: 'CONFLICT' });
    const tokens = seen.filter((s) => s.what === 'lock').map((s) => s.token);
    expect(tokens).toHaveLength(8);
    expect(new Set(tokens).size).toBe(8);
    expect(t.fanned).toEqual([]);
  });

  /**
   * The rival device took the epoch's hold at the real relay (locks/epochLocks.ts) and gave up
   * without committing: nothing arrives, the epoch never moves, and its hold lapses after HOLD_MS.
   */
  it.each(['off', 'balanced'] as const)('at %s, a rival whose hold lapses: the change commits, and the refused token comes back only past the hold and a quiet period after the last sync', async (level) => {
    const { clock, pacing, run } = pacedAt(level);
    const t = await setup({ active: { alice: [A1], bob: [] }, pacing });
    const relay = new EpochLocks();
    const token = toHex(await exportSecret(t.mls(), 'hardline/v1/commit-lock', 32, impl));
    expect(relay.take(token, clock.now())).toBeDefined();
    const api = t.host.api as unknown as { takeLock: (token: string) => Promise<string | undefined>; confirmLock: (token: string, hold: string) => Promise<boolean> };
    api.takeLock = async (tk) => relay.take(tk, clock.now());
    api.confirmLock = async (tk, hold) => relay.finish(tk, hold);
    const seen = watch(t, clock, () => false);
    expect(await run(t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[]))).toBeUndefined();
    expect(deviceIds(t.mls())).toEqual([A1]);
    expect(t.fanned).toHaveLength(1);
    const locks = seen.filter((s) => s.what === 'lock');
    expect(locks.map((s) => s.token)).toEqual([token, token]);
    const q = SLOT_PARAMS[level].quietMs;
    expect(locks[1]!.t - locks[0]!.t).toBeGreaterThanOrEqual(HOLD_MS + q);
    const lastSync = seen.filter((s) => s.what === 'sync' && s.t <= locks[1]!.t).at(-1)!;
    expect(locks[1]!.t - lastSync.t).toBeGreaterThanOrEqual(q);
    if (level === 'balanced') expect(locks[1]!.t - lastSync.t).toBeGreaterThan(q);
  });

  /**
   * Before any refusal: a change's first lock request (issue 12). A person's change starts with
   * a sync (groupChanges.ts) and a reconcile comes right after an inbox round, both the device's
   * session, naming it. Unpaced, the token followed that request by the planning time alone.
   */
  describe("a change's first lock request", () => {
    const changes = {
      'settings change': (t: Awaited<ReturnType<typeof setup>>) => t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[], (r) => ({ ...r, name: 'renamed' })),
      reconcile: (t: Awaited<ReturnType<typeof setup>>) => t.commits.reconcile(t.conv),
    } as const;

    /** The time from the device's session request to the change's first lock request, as the relay sees them. */
    async function firstLockAfterSession(level: PrivacyLevel, change: keyof typeof changes): Promise<number> {
      const { clock, pacing, run } = pacedAt(level);
      // bob's device revoked: the reconcile has a removal to commit.
      const t = await setup({ active: { alice: [A1], bob: change === 'reconcile' ? [] : [B2] }, pacing });
      const seen = watch(t, clock, () => false);
      const made = (async () => {
        await t.host.sync();
        await changes[change](t);
      })();
      expect(await run(made)).toBeUndefined();
      expect(t.fanned).toHaveLength(1);
      expect(seen.map((s) => s.what)).toEqual(['sync', 'lock']);
      return seen[1]!.t - seen[0]!.t;
    }

    it.each([
      ['balanced', 'settings change'],
      ['balanced', 'reconcile'],
      ['strict', 'settings change'],
      ['strict', 'reconcile'],
    ] as const)('at %s, a %s: the first lock request comes past a quiet period and a fresh gap after the session request before it', async (level, change) => {
      const gaps: number[] = [];
      for (let draw = 0; draw < 3; draw++) gaps.push(await firstLockAfterSession(level, change));
      for (const g of gaps) expect(g).toBeGreaterThan(SLOT_PARAMS[level].quietMs);
      // Drawn afresh each time: no offset the relay could learn and look for.
      expect(new Set(gaps).size).toBe(gaps.length);
    });

    it.each(Object.keys(changes) as (keyof typeof changes)[])('at off, a %s: the first lock request goes at once, as before', async (change) => {
      expect(await firstLockAfterSession('off', change)).toBe(0);
    });
  });

  /**
   * What the relay sees after the lock request: the token goes on to the confirm (or release)
   * and the commit's posts, all anonymous. A session request of the device's that follows any of
   * them by a round trip, or by the local work between, names the device that holds the lock.
   */
  describe('the session requests that follow the lock request', () => {
    const revealing = (s: Seen) => s.what !== 'sync' && s.what !== 'tokens';

    /** Records the confirm, the release and the commit's posts too. */
    function watchAll(t: Awaited<ReturnType<typeof setup>>, clock: ManualClock): Seen[] {
      const seen = watch(t, clock, () => false);
      const api = t.host.api as unknown as { confirmLock: (tk: string, hold: string) => Promise<boolean>; releaseLock: (tk: string, hold: string) => Promise<void> };
      const { confirmLock, releaseLock } = api;
      api.confirmLock = async (tk, hold) => (seen.push({ t: clock.now(), what: 'confirm', token: tk }), confirmLock(tk, hold));
      api.releaseLock = async (tk, hold) => (seen.push({ t: clock.now(), what: 'release', token: tk }), releaseLock(tk, hold));
      const flush = t.host.flushOutbox;
      t.host.flushOutbox = async () => (seen.push({ t: clock.now(), what: 'posts' }), flush());
      return seen;
    }

    /**
     * A claim-token wallet as tokenWallet.ts keeps it (in memory: empty in a CLI run or a page
     * just opened, its first batch small), filled over the session.
     */
    function emptyWallet(clock: ManualClock, seen: () => Seen[]) {
      const w = {
        size: 0,
        fill: async () => {
          seen().push({ t: clock.now(), what: 'tokens' });
          w.size += 4;
        },
      };
      return w;
    }

    it.each([
      ['balanced', 'a device added'],
      ['strict', 'a device added'],
      ['balanced', 'a removal that moves mailboxes'],
      ['strict', 'a removal that moves mailboxes'],
    ] as const)('at %s, %s: the claims\' tokens are fetched before the lock request and waited out, never under the lock', async (level, change) => {
      let seen: Seen[] = [];
      let wallet: ReturnType<typeof emptyWallet> | undefined;
      const { clock, pacing, run } = pacedAt(level, (n) => warmWallet(wallet!, n));
      wallet = emptyWallet(clock, () => seen);
      const added = change === 'a device added';
      const t = await setup({ active: { alice: [A1], bob: added ? [B2, B3] : [] }, claims: { [B3]: await claimed('bob', 3) }, pacing });
      // A removal's fresh mailboxes are claimed through the pacing (mailboxRotation.ts: the
      // others' paced, this device's own from the pool, which claims paced when it is empty).
      const rotation = t.host.rotation as unknown as { freshMailboxes: (kept: RosterDevice[]) => Promise<unknown> };
      const fresh = rotation.freshMailboxes;
      rotation.freshMailboxes = async (kept) => (await pacing.each(kept, async () => undefined), fresh(kept));
      seen = watchAll(t, clock);
      expect(await run(t.commits.reconcile(t.conv))).toBeUndefined();
      expect(t.fanned).toHaveLength(1);
      const lock = seen.find((s) => s.what === 'lock')!;
      const tokens = seen.filter((s) => s.what === 'tokens');
      expect(tokens.length).toBeGreaterThan(0);
      // Under the lock, a fetch followed the lock request by one round trip: the old order.
      for (const f of tokens) expect(f.t).toBeLessThan(lock.t);
      expect(lock.t - tokens.at(-1)!.t).toBeGreaterThan(SLOT_PARAMS[level].quietMs);
    });

    type End = { active: Record<string, DeviceId[]>; change: (t: Awaited<ReturnType<typeof setup>>) => Promise<void>; last: Seen['what'] };
    const FAILED = 'failed under the lock (the relay fails the confirm with UNAVAILABLE: released, the error thrown)';
    const failConfirm = (t: Awaited<ReturnType<typeof setup>>) => {
      const api = t.host.api as unknown as { confirmLock: (tk: string, hold: string) => Promise<boolean> };
      const confirm = api.confirmLock;
      // The relay chooses this answer, for the token it wants to place.
      api.confirmLock = async (tk, hold) => (await confirm(tk, hold), Promise.reject(new HardlineError('UNAVAILABLE', 'relay says so')));
      return t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[], (r) => ({ ...r, name: 'renamed' })).then(() => expect.unreachable(), (e: unknown) => expect(e).toMatchObject({ code: 'UNAVAILABLE' }));
    };
    const ends: Record<'committed (a settings change)' | 'nothing to commit (a new device without KeyPackages: released)' | typeof FAILED, End> = {
      [FAILED]: { active: { alice: [A1], bob: [B2] }, change: failConfirm, last: 'release' },
      'committed (a settings change)': { active: { alice: [A1], bob: [B2] }, change: (t: Awaited<ReturnType<typeof setup>>) => t.commits.commitWithLock(t.conv, ['alice', 'bob'] as Handle[], (r) => ({ ...r, name: 'renamed' })), last: 'posts' },
      'nothing to commit (a new device without KeyPackages: released)': { active: { alice: [A1], bob: [B2, B3] }, change: (t: Awaited<ReturnType<typeof setup>>) => t.commits.reconcile(t.conv), last: 'release' },
    };

    /** The time from the last anonymous request the token led to, to the caller's next session request. */
    async function nextSessionAfter(level: PrivacyLevel, end: keyof typeof ends): Promise<number> {
      const { clock, pacing, run } = pacedAt(level);
      const t = await setup({ active: ends[end].active, claims: {}, pacing });
      const seen = watchAll(t, clock);
      // The web app's next listening round (syncLoop.ts) starts as soon as the change returns.
      expect(await run((async () => (await ends[end].change(t), await t.host.sync()))())).toBeUndefined();
      const last = seen.filter(revealing).at(-1)!;
      expect(last.what).toBe(ends[end].last);
      const next = seen.at(-1)!;
      expect(next.what).toBe('sync');
      return next.t - last.t;
    }

    it.each([
      ['balanced', 'committed (a settings change)'],
      ['strict', 'committed (a settings change)'],
      ['balanced', 'nothing to commit (a new device without KeyPackages: released)'],
      ['strict', 'nothing to commit (a new device without KeyPackages: released)'],
      ['balanced', FAILED],
      ['strict', FAILED],
    ] as const)('at %s, %s: the caller\'s next session request comes past a quiet period and a fresh gap', async (level, end) => {
      const gaps: number[] = [];
      for (let draw = 0; draw < 3; draw++) gaps.push(await nextSessionAfter(level, end));
      for (const g of gaps) expect(g).toBeGreaterThan(SLOT_PARAMS[level].quietMs);
      expect(new Set(gaps).size).toBe(gaps.length);
    });

    it('at off, the caller goes on at once, as before', async () => {
      expect(await nextSessionAfter('off', 'committed (a settings change)')).toBe(0);
    });
  });

  it('the client waits out the relay\'s hold', () => {
    expect(RELAY_HOLD_MS).toBeGreaterThan(HOLD_MS);
  });
});
