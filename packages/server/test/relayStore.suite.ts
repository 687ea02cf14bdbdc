/**
 * @module relayStore.suite
 * One behavioural suite for every RelayStore implementation (SQLite now, PostgreSQL later):
 * `runRelayStoreTests(name, newStore)`.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeviceId, EnvelopeId, Handle, MailboxId, UserId } from '@hardline/protocol';
import { RelayError } from '../src/errors/relayError.ts';
import { isRetired, type RelayStore } from '../src/store/relayStore.ts';

const id = <T>(): T => randomBytes(16).toString('hex') as T;
const hash = (): Buffer => randomBytes(32);
const DAY = 86_400_000;

async function withStore(newStore: () => Promise<RelayStore>, f: (s: RelayStore) => Promise<void>): Promise<void> {
  const s = await newStore();
  try {
    await f(s);
  } finally {
    await s.close();
  }
}

async function enrolNew(s: RelayStore, handle: string, now = Date.now()) {
  const codeHash = hash();
  await s.createCode({ hash: codeHash, kind: 'invite', expiresAt: now + DAY });
  return s.enrol({
    codeHash,
    handle: handle as Handle,
    displayName: handle,
    publicKey: randomBytes(32),
    newUserId: id<UserId>(),
    newDeviceId: id<DeviceId>(),
    now,
  });
}

export function runRelayStoreTests(name: string, newStore: () => Promise<RelayStore>): void {
  describe(`RelayStore: ${name}`, () => {
    it('stores and reads meta values', () =>
      withStore(newStore, async (s) => {
        expect(await s.getMeta('suite')).toBeUndefined();
        await s.setMeta('suite', 'X');
        await s.setMeta('suite', 'Y');
        expect(await s.getMeta('suite')).toBe('Y');
      }));

    it('enrols with an invite code exactly once', () =>
      withStore(newStore, async (s) => {
        const now = Date.now();
        const codeHash = hash();
        await s.createCode({ hash: codeHash, kind: 'invite', expiresAt: now + DAY });
        const req = { codeHash, handle: 'alice' as Handle, displayName: 'Alice', publicKey: randomBytes(32), newUserId: id<UserId>(), newDeviceId: id<DeviceId>(), now };
        const r = await s.enrol(req);
        expect(r.handle).toBe('alice');
        await expect(s.enrol({ ...req, handle: 'alice2' as Handle, newDeviceId: id<DeviceId>() })).rejects.toMatchObject({ relayCode: 'BAD_CODE' });
        const d = await s.getDevice(r.deviceId);
        expect(d).toMatchObject({ userId: r.userId, handle: 'alice', revoked: false });
      }));

    it('refuses expired codes, wrong bound handles and duplicate handles', () =>
      withStore(newStore, async (s) => {
        const now = Date.now();
        const expired = hash();
        await s.createCode({ hash: expired, kind: 'invite', expiresAt: now - 1 });
        const base = { handle: 'bob' as Handle, displayName: 'Bob', publicKey: randomBytes(32), newUserId: id<UserId>(), newDeviceId: id<DeviceId>(), now };
        await expect(s.enrol({ ...base, codeHash: expired })).rejects.toMatchObject({ relayCode: 'BAD_CODE' });
        const bound = hash();
        await s.createCode({ hash: bound, kind: 'invite', handle: 'carol' as Handle, expiresAt: now + DAY });
        await expect(s.enrol({ ...base, codeHash: bound })).rejects.toMatchObject({ relayCode: 'BAD_CODE' });
        await enrolNew(s, 'bob');
        const again = hash();
        await s.createCode({ hash: again, kind: 'invite', expiresAt: now + DAY });
        const err = await s.enrol({ ...base, codeHash: again }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RelayError);
        expect(err).toMatchObject({ relayCode: 'CONFLICT' });
        // The failed enrolment left its code usable: nothing half-written.
        expect((await s.enrol({ ...base, handle: 'bob2' as Handle, codeHash: again })).handle).toBe('bob2');
      }));

    it('adds a device to an existing user with a link code', () =>
      withStore(newStore, async (s) => {
        const a = await enrolNew(s, 'dave');
        const link = hash();
        await s.createCode({ hash: link, kind: 'link', userId: a.userId, expiresAt: Date.now() + DAY });
        const b = await s.enrol({ codeHash: link, handle: 'dave' as Handle, displayName: 'x', publicKey: randomBytes(32), newUserId: id<UserId>(), newDeviceId: id<DeviceId>(), now: Date.now() });
        expect(b.userId).toBe(a.userId);
        const dir = await s.listDirectory();
        expect(dir).toHaveLength(1);
        expect(dir[0]!.devices.map((d) => d.deviceId)).toEqual([a.deviceId, b.deviceId]);
      }));

    it('claims the oldest KeyPackage once and creates its mailbox', () =>
      withStore(newStore, async (s) => {
        const a = await enrolNew(s, 'erin');
        const kps = [0, 1, 2].map((i) => ({ keyPackage: Buffer.from(`kp-${i}`), readCapHash: hash() }));
        await s.addKeyPackages(a.deviceId, kps);
        expect(await s.countKeyPackages(a.deviceId)).toBe(3);
        const mailboxFor = (kp: Uint8Array) => ({ id: Buffer.from(kp).toString('hex').padEnd(32, '0').slice(0, 32) as MailboxId, sendCapHash: hash() });
        const c = await s.claimKeyPackage(a.deviceId, mailboxFor);
        expect(Buffer.from(c!.keyPackage).toString()).toBe('kp-0');
        expect(Buffer.from(c!.mailbox.readCapHash)).toEqual(kps[0]!.readCapHash);
        const m = await s.getMailbox(c!.mailbox.id);
        expect(Buffer.from(m!.sendCapHash)).toEqual(Buffer.from(c!.mailbox.sendCapHash));
        expect(await s.countKeyPackages(a.deviceId)).toBe(2);
        await s.claimKeyPackage(a.deviceId, mailboxFor);
        await s.claimKeyPackage(a.deviceId, mailboxFor);
        expect(await s.claimKeyPackage(a.deviceId, mailboxFor)).toBeUndefined();
      }));

    it('keeps a last-resort KeyPackage: handed out only when the others are gone, never used up, replaced by a new one', () =>
      withStore(newStore, async (s) => {
        const a = await enrolNew(s, 'gwen');
        const secret = randomBytes(32);
        await s.addKeyPackages(a.deviceId, [{ keyPackage: Buffer.from('normal'), readCapHash: hash() }, { keyPackage: Buffer.from('last-1'), readCapHash: hash(), lastResortReadSecret: secret }]);
        expect(await s.countKeyPackages(a.deviceId)).toBe(1);
        expect(await s.hasLastResortKeyPackage(a.deviceId)).toBe(true);
        const mailboxFor = (kp: Uint8Array) => ({ id: Buffer.from(kp).toString('hex').padEnd(32, '0').slice(0, 32) as MailboxId, sendCapHash: hash() });
        const seen: Buffer[] = [];
        const claimMailbox = (_kp: Uint8Array, readSecret: Uint8Array) => {
          seen.push(Buffer.from(readSecret));
          return { id: id<MailboxId>(), readCapHash: hash(), sendCapHash: hash() };
        };
        expect(Buffer.from((await s.claimKeyPackage(a.deviceId, mailboxFor, claimMailbox))!.keyPackage).toString()).toBe('normal');
        // Without a way to make the claim's own mailbox, the last-resort one is not handed out.
        expect(await s.claimKeyPackage(a.deviceId, mailboxFor)).toBeUndefined();
        const c1 = await s.claimKeyPackage(a.deviceId, mailboxFor, claimMailbox);
        const c2 = await s.claimKeyPackage(a.deviceId, mailboxFor, claimMailbox);
        expect([c1, c2].map((c) => Buffer.from(c!.keyPackage).toString())).toEqual(['last-1', 'last-1']);
        expect(seen).toEqual([secret, secret]);
        expect(c1!.claimMailbox!.id).not.toBe(c2!.claimMailbox!.id);
        expect(await s.getMailbox(c1!.claimMailbox!.id)).toBeDefined();
        expect(await s.getMailbox(c1!.mailbox.id)).toBeDefined();
        await s.addKeyPackages(a.deviceId, [{ keyPackage: Buffer.from('last-2'), readCapHash: hash(), lastResortReadSecret: randomBytes(32) }]);
        expect(Buffer.from((await s.claimKeyPackage(a.deviceId, mailboxFor, claimMailbox))!.keyPackage).toString()).toBe('last-2');
        expect(await s.revokeDevice(a.deviceId)).toBe(true);
        expect(await s.hasLastResortKeyPackage(a.deviceId)).toBe(false);
      }));

    it('revoking a device deletes its KeyPackages', () =>
      withStore(newStore, async (s) => {
        const a = await enrolNew(s, 'fay');
        await s.addKeyPackages(a.deviceId, [{ keyPackage: Buffer.from('k'), readCapHash: hash() }]);
        expect(await s.revokeDevice(a.deviceId)).toBe(true);
        expect(await s.countKeyPackages(a.deviceId)).toBe(0);
        expect((await s.getDevice(a.deviceId))!.revoked).toBe(true);
        expect(await s.revokeDevice(id<DeviceId>())).toBe(false);
      }));

    it('stores envelopes in order, idempotently, and deletes them on ack', () =>
      withStore(newStore, async (s) => {
        const m = id<MailboxId>();
        await s.createMailbox({ id: m, readCapHash: hash(), sendCapHash: hash() });
        const ids = [0, 1, 2].map(() => id<EnvelopeId>());
        const now = Date.now();
        const results = await Promise.all(ids.map((e, i) => s.putEnvelope(m, e, Buffer.from([i]), now)));
        expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
        expect((await s.putEnvelope(m, ids[1]!, Buffer.from([9]), now)).status).toBe('duplicate');
        const listed = await s.listEnvelopes(m, 0, 10);
        expect(listed.map((e) => e.envelopeId)).toEqual(ids);
        expect(listed.map((e) => Buffer.from(e.bytes)[0])).toEqual([0, 1, 2]);
        expect((await s.listEnvelopes(m, listed[0]!.seq, 10)).map((e) => e.envelopeId)).toEqual(ids.slice(1));
        expect(await s.ackEnvelopes([[m, ids[0]!], [m, ids[0]!], [id<MailboxId>(), ids[1]!]], now)).toBe(1);
        // A resend after deletion is accepted as a duplicate, not stored again.
        expect((await s.putEnvelope(m, ids[0]!, Buffer.from([0]), now)).status).toBe('duplicate');
        expect((await s.listEnvelopes(m, 0, 10)).map((e) => e.envelopeId)).toEqual(ids.slice(1));
      }));

    it('retires a mailbox: its send capability hash matches nothing, what it holds stays readable', () =>
      withStore(newStore, async (s) => {
        const m = id<MailboxId>();
        const readCapHash = hash();
        await s.createMailbox({ id: m, readCapHash, sendCapHash: hash() });
        await s.putEnvelope(m, id<EnvelopeId>(), Buffer.from([1]), Date.now());
        expect(isRetired((await s.getMailbox(m))!)).toBe(false);
        expect(await s.retireMailbox(m)).toBe(true);
        const after = (await s.getMailbox(m))!;
        expect(isRetired(after)).toBe(true);
        expect(Buffer.from(after.readCapHash)).toEqual(readCapHash);
        expect(await s.listEnvelopes(m, 0, 10)).toHaveLength(1);
        expect(await s.retireMailbox(id<MailboxId>())).toBe(false);
      }));

    it('keeps seq increasing after the newest envelope is deleted', () =>
      withStore(newStore, async (s) => {
        const m = id<MailboxId>();
        const e1 = id<EnvelopeId>();
        const r1 = await s.putEnvelope(m, e1, Buffer.from('a'), Date.now());
        await s.ackEnvelopes([[m, e1]], Date.now());
        const r2 = await s.putEnvelope(m, id<EnvelopeId>(), Buffer.from('b'), Date.now());
        expect(r1.status === 'stored' && r2.status === 'stored' && r2.seq > r1.seq).toBe(true);
      }));

    it('prunes tombstones older than a day, but not younger ones', () =>
      withStore(newStore, async (s) => {
        const m = id<MailboxId>();
        const old = id<EnvelopeId>();
        const t0 = Date.now() - 3 * DAY;
        await s.putEnvelope(m, old, Buffer.from('a'), t0);
        await s.ackEnvelopes([[m, old]], t0);
        const young = id<EnvelopeId>();
        await s.putEnvelope(m, young, Buffer.from('b'), Date.now());
        await s.ackEnvelopes([[m, young]], Date.now());
        await s.prune(Date.now());
        expect((await s.putEnvelope(m, old, Buffer.from('a'), Date.now())).status).toBe('stored');
        expect((await s.putEnvelope(m, young, Buffer.from('b'), Date.now())).status).toBe('duplicate');
      }));

    it('grants each lock token once, and prunes week-old locks', () =>
      withStore(newStore, async (s) => {
        const t = randomBytes(32);
        const results = await Promise.all([s.acquireLock(t, Date.now()), s.acquireLock(t, Date.now())]);
        expect(results).toEqual([true, false]);
        const old = randomBytes(32);
        await s.acquireLock(old, Date.now() - 8 * DAY);
        await s.prune(Date.now());
        expect(await s.acquireLock(old, Date.now())).toBe(true);
        expect(await s.acquireLock(t, Date.now())).toBe(false);
      }));

    it('publishes and clears a phone and email in the directory', () =>
      withStore(newStore, async (s) => {
        const a = await enrolNew(s, 'pia');
        expect(await s.updateProfile(a.userId, { phone: '+31612345678', email: 'pia@org.example' })).toBe(true);
        expect((await s.listDirectory())[0]).toMatchObject({ handle: 'pia', displayName: 'pia', phone: '+31612345678', email: 'pia@org.example' });
        expect(await s.updateProfile(a.userId, { displayName: 'Pia P.', phone: null })).toBe(true);
        const [u] = await s.listDirectory();
        expect(u).toMatchObject({ displayName: 'Pia P.', email: 'pia@org.example' });
        expect(u!.phone).toBeUndefined();
        expect(await s.updateProfile(id<UserId>(), { phone: '+31612345678' })).toBe(false);
      }));

    it('stores blobs with compare-and-swap, checking the capability before the version', () =>
      withStore(newStore, async (s) => {
        const blob = id<string>();
        const cap = hash();
        expect(await s.getBlob(blob)).toBeUndefined();
        expect(await s.putBlob(blob, cap, 3, Buffer.from('x'))).toEqual({ status: 'conflict', version: 0 });
        expect(await s.putBlob(blob, cap, 0, Buffer.from('v1'))).toEqual({ status: 'stored', version: 1 });
        expect(await s.putBlob(blob, cap, 0, Buffer.from('again'))).toEqual({ status: 'conflict', version: 1 });
        expect(await s.putBlob(blob, hash(), 1, Buffer.from('thief'))).toEqual({ status: 'forbidden' });
        // Two writers racing on one version: exactly one wins.
        const race = await Promise.all([s.putBlob(blob, cap, 1, Buffer.from('a')), s.putBlob(blob, cap, 1, Buffer.from('b'))]);
        expect(race.map((r) => r.status).sort()).toEqual(['conflict', 'stored']);
        const got = await s.getBlob(blob);
        expect(got!.version).toBe(2);
        expect(Buffer.from(got!.capHash)).toEqual(cap);
        expect(['a', 'b']).toContain(Buffer.from(got!.data).toString());
      }));

    it('settles every write of one turn together, after commit', () =>
      withStore(newStore, async (s) => {
        const m = id<MailboxId>();
        const writes = Array.from({ length: 500 }, () => s.putEnvelope(m, id<EnvelopeId>(), randomBytes(64), Date.now()));
        // Nothing is visible before the batch committed.
        expect(await s.listEnvelopes(m, 0, 1000)).toHaveLength(0);
        await Promise.all(writes);
        expect(await s.listEnvelopes(m, 0, 1000)).toHaveLength(500);
      }));

    it('holds a mailbox to its quota of envelopes and bytes, counting acks back, and keeps resends idempotent', () =>
      withStore(newStore, async (s) => {
        const m = id<MailboxId>();
        const quota = { maxEnvelopes: 3, maxBytes: 250 };
        const put = (e: EnvelopeId, size: number) => s.putEnvelope(m, e, randomBytes(size), Date.now(), quota);
        const ids = [id<EnvelopeId>(), id<EnvelopeId>(), id<EnvelopeId>(), id<EnvelopeId>()];
        // Posted together, settled in one batch: the quota holds inside it too.
        const first = await Promise.all(ids.map((e) => put(e, 50)));
        expect(first.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'full']);
        expect(await s.mailboxUsage(m)).toEqual({ envelopes: 3, bytes: 150 });
        expect((await put(ids[0]!, 50)).status).toBe('duplicate');
        await s.ackEnvelopes([[m, ids[0]!]], Date.now());
        expect(await s.mailboxUsage(m)).toEqual({ envelopes: 2, bytes: 100 });
        // Room for one more envelope, but not for 151 bytes of it.
        expect((await put(ids[3]!, 151)).status).toBe('full');
        expect((await put(ids[3]!, 150)).status).toBe('stored');
        expect(await s.listEnvelopes(m, 0, 10)).toHaveLength(3);
        // Another mailbox has a quota of its own; without a quota nothing is refused.
        expect((await s.putEnvelope(id<MailboxId>(), id<EnvelopeId>(), randomBytes(300), Date.now(), quota)).status).toBe('full');
        expect((await s.putEnvelope(m, id<EnvelopeId>(), randomBytes(300), Date.now())).status).toBe('stored');
        expect(await s.mailboxUsage(m)).toEqual({ envelopes: 4, bytes: 550 });
      }));

    it('holds all blobs to the blob space: new and growing blobs are refused, same-size updates never', () =>
      withStore(newStore, async (s) => {
        const space = { maxBlobs: 2, maxBytes: 300 };
        const [a, b, c] = [id<string>(), id<string>(), id<string>()];
        const cap = hash();
        expect(await s.putBlob(a, cap, 0, randomBytes(100), Date.now(), space)).toEqual({ status: 'stored', version: 1 });
        expect(await s.putBlob(b, cap, 0, randomBytes(250), Date.now(), space)).toEqual({ status: 'full' });
        expect(await s.putBlob(b, cap, 0, randomBytes(200), Date.now(), space)).toEqual({ status: 'stored', version: 1 });
        expect(await s.putBlob(c, cap, 0, randomBytes(1), Date.now(), space)).toEqual({ status: 'full' });
        expect(await s.putBlob(a, cap, 1, randomBytes(101), Date.now(), space)).toEqual({ status: 'full' });
        expect(await s.putBlob(a, cap, 1, randomBytes(100), Date.now(), space)).toEqual({ status: 'stored', version: 2 });
        expect(await s.putBlob(a, cap, 2, randomBytes(10), Date.now(), space)).toEqual({ status: 'stored', version: 3 });
        // The capability and the version are still checked first: a stranger learns nothing.
        expect(await s.putBlob(a, hash(), 3, randomBytes(500), Date.now(), space)).toEqual({ status: 'forbidden' });
        expect(await s.putBlob(a, cap, 9, randomBytes(500), Date.now(), space)).toEqual({ status: 'conflict', version: 3 });
        expect(await s.blobUsage()).toEqual({ blobs: 2, bytes: 210 });
      }));

    it('deletes blobs unused for longer than the idle period, counting reads as use', () =>
      withStore(newStore, async (s) => {
        const now = Date.now();
        const [written, read, idle] = [id<string>(), id<string>(), id<string>()];
        await s.putBlob(written, hash(), 0, Buffer.from('w'), now - 100 * DAY);
        await s.putBlob(read, hash(), 0, Buffer.from('r'), now - 100 * DAY);
        await s.putBlob(idle, hash(), 0, Buffer.from('i'), now - 100 * DAY);
        const cap = hash();
        const fresh = id<string>();
        await s.putBlob(fresh, cap, 0, Buffer.from('old'), now - 100 * DAY);
        await s.putBlob(fresh, cap, 1, Buffer.from('new'), now - 10 * DAY);
        await s.touchBlob(read, now - 5 * DAY);
        // Without a policy, blobs are kept; with one, only those idle for longer than it go.
        expect(await s.prune(now)).toEqual({ expiredBlobs: 0 });
        expect(await s.prune(now, { blobIdleDays: 90 })).toEqual({ expiredBlobs: 2 });
        expect(await s.getBlob(written)).toBeUndefined();
        expect(await s.getBlob(idle)).toBeUndefined();
        expect((await s.getBlob(read))?.version).toBe(1);
        expect((await s.getBlob(fresh))?.version).toBe(2);
        expect(await s.blobUsage()).toEqual({ blobs: 2, bytes: 4 });
      }));

    it('counts live devices, revoked ones not', () =>
      withStore(newStore, async (s) => {
        const a = await enrolNew(s, 'dev-a');
        await enrolNew(s, 'dev-b');
        expect(await s.countLiveDevices()).toBe(2);
        await s.revokeDevice(a.deviceId);
        expect(await s.countLiveDevices()).toBe(1);
      }));
  });
}
