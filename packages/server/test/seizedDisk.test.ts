/**
 * @module seizedDisk.test
 * The seized disk, taken hot: while people open conversations (a burst of KeyPackage claims)
 * and talk, the relay (its own process) is frozen at random instants and its data folder
 * read, and another process copies the folder with `cp -a` again and again. Every copy is
 * carved (test/support/carveDisk.ts) for claimed KeyPackages, device ids beside mailbox ids,
 * and two mailboxes of one conversation in the same or neighbouring WAL commits. None may be
 * found. The folder and its files are private, and a looser one is fixed or refused.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { decodePostReply, type DeviceId, type MailboxId } from '@hardline/protocol';
import { KEYPACKAGE_FILE_NAME } from '../src/store/keyPackagePool.ts';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { carveDisk, hotCopy as copyHot, readDiskFiles, snapshotAtAnyMoment, type DiskFile } from '../../../test/support/carveDisk.ts';
import { startRelayProcess } from '../../../test/support/cliHarness.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { kpMailbox, postFrame, sha256, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';
import { TestSocket } from './support/wsClient.ts';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';

const copies: string[] = [];
afterAll(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
});

async function hotCopy(dir: string): Promise<string> {
  const dest = await copyHot(dir);
  copies.push(dest);
  return dest;
}

/** Shaped like a real one: it names its device (the credential) and has a KeyPackage's size range. */
/** A real KeyPackage (its credential names the device in the clear), some small, some spanning pages. */
async function keyPackageOf(device: TestDevice): Promise<Buffer> {
  const [kp] = await newKeyPackages(device, 1, { size: randomBytes(1)[0]! % 2 === 0 ? 340 : 2600 });
  return kp!;
}

async function post(url: string, m: TestMailbox, text: string): Promise<void> {
  // One anonymous connection per send, as clients do.
  const socket = await TestSocket.open(url, '/v1/post');
  socket.send(postFrame(m, text).frame);
  expect(decodePostReply(await socket.binary()).status).toBe('accepted');
  socket.close();
}

it('copies of the data folder taken at any moment of a burst of claims and posts link no one', async () => {
  const relay = await startRelayProcess();
  const pid = relay.child.pid!;
  const handles = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
  const users: TestDevice[] = [];
  for (const h of handles) users.push(await enrolDevice(relay.url, relay.adminToken, h));
  const readCaps = new Map<string, Buffer[]>();
  const uploaded = new Map<string, Buffer[]>();
  for (const u of users) {
    const caps = Array.from({ length: 8 }, () => randomBytes(32));
    const kps = await Promise.all(caps.map(() => keyPackageOf(u)));
    readCaps.set(u.deviceId, caps);
    uploaded.set(u.deviceId, kps);
    const body = { keyPackages: kps.map((kp, i) => ({ keyPackage: kp.toString('base64url'), readCapHash: sha256(caps[i]!).toString('base64url') })) };
    expect((await call(relay.url, 'POST', '/v1/keypackages', body, u.token)).status).toBe(200);
  }

  // While the burst runs: snapshots at random instants (the relay stopped wherever it is), and
  // `cp -a` copies from another process, which read one file after another as the relay writes.
  let bursting = true;
  const snapshots: DiskFile[][] = [];
  const cpCopies: string[] = [];
  const snapshotter = (async () => {
    while (bursting) {
      snapshots.push(await snapshotAtAnyMoment(pid, relay.dataDir));
      await new Promise((r) => setTimeout(r, randomBytes(1)[0]! % 15));
    }
  })();
  const copier = (async () => {
    while (bursting) cpCopies.push(await hotCopy(relay.dataDir));
  })();

  const claimed: Buffer[] = [];
  const claim = async (owner: TestDevice): Promise<TestMailbox> => {
    const r = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: owner.deviceId, token: (await fetchTokens(relay.url, owner.token, 1))[0] });
    expect(r.status).toBe(200);
    const kp = Buffer.from(r.body.keyPackage, 'base64url');
    claimed.push(kp);
    const i = uploaded.get(owner.deviceId)!.findIndex((k) => k.equals(kp));
    return kpMailbox(kp, readCaps.get(owner.deviceId)![i]!);
  };
  const pairs: [number, number][] = [[0, 1], [2, 3], [4, 5], [0, 2], [1, 3], [2, 5], [3, 4], [0, 5]];
  const conversations: TestMailbox[][] = [];
  for (const [a, b] of pairs) {
    // Opening a direct chat: the partner's KeyPackage and one's own, back to back.
    conversations.push([await claim(users[b]!), await claim(users[a]!)]);
  }
  for (let round = 0; round < 4; round++) {
    await Promise.all(
      conversations.map(async ([toB, toA], i) => {
        await post(relay.url, toB!, `round ${round} pair ${i} ->`);
        await post(relay.url, toA!, `round ${round} pair ${i} <-`);
      }),
    );
  }
  bursting = false;
  await Promise.all([snapshotter, copier]);
  snapshots.push(await snapshotAtAnyMoment(pid, relay.dataDir));
  const after = await hotCopy(relay.dataDir);

  const truth = {
    claimedKeyPackages: claimed,
    deviceIds: users.map((u) => u.deviceId),
    conversations: conversations.map((c) => c.map((m) => m.id)),
  };
  expect(snapshots.length).toBeGreaterThan(5);
  for (const files of snapshots) {
    const r = carveDisk(files, truth);
    expect(r.findings, r.files.join(', ')).toEqual([]);
  }
  // A copy that reads one file after another spans commits: it may show two mailboxes that
  // were created during the copy (as two snapshots a few ms apart would), but never a
  // KeyPackage or a device beside a mailbox.
  for (const dir of [...cpCopies, after]) {
    const r = carveDisk(readDiskFiles(dir), truth);
    expect([r.wholeKeyPackages, r.keyPackageRemnants, r.deviceNextToMailbox], r.findings.join('\n')).toEqual([0, 0, 0]);
  }
  // The carver had something to look at: the last copy holds every mailbox.
  const last = Buffer.concat(readDiskFiles(after).map((f) => f.bytes));
  for (const c of conversations) for (const m of c) expect(last.includes(Buffer.from(m.id, 'hex'))).toBe(true);
  // Unclaimed KeyPackages are on disk only sealed: neither they nor their read capability's
  // hash can be found in the clear.
  for (const u of users) {
    for (const [i, kp] of uploaded.get(u.deviceId)!.entries()) {
      if (claimed.some((c) => c.equals(kp))) continue;
      expect(last.includes(kp.subarray(0, 32))).toBe(false);
      expect(last.includes(sha256(readCaps.get(u.deviceId)![i]!))).toBe(false);
    }
  }
  await relay.stop();
}, 120_000);

it('the data folder is 0700 and every file in it 0600, while the relay runs', async () => {
  const relay = await startTestRelay();
  const u = await enrolDevice(relay.url, relay.adminToken, 'gina');
  const kp = { keyPackage: (await keyPackageOf(u)).toString('base64url'), readCapHash: randomBytes(32).toString('base64url') };
  expect((await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [kp] }, u.token)).status).toBe(200);
  expect(statSync(relay.dataDir).mode & 0o777).toBe(0o700);
  const names = readdirSync(relay.dataDir);
  expect(names).toEqual(expect.arrayContaining(['relay.db', 'relay.db-wal', 'keypackages.db']));
  for (const n of names) expect([n, statSync(join(relay.dataDir, n)).mode & 0o777]).toEqual([n, 0o600]);
  await relay.close();
});

it('KeyPackages sealed by an earlier run cannot be opened by the next: they are dropped, and it says so', async () => {
  const dir = tmpDir();
  const first = new SqliteRelayStore(dir, { notice: () => {} });
  const device = randomBytes(16).toString('hex') as DeviceId;
  const kp = randomBytes(300);
  await first.addKeyPackages(device, [{ keyPackage: kp, readCapHash: randomBytes(32) }]);
  expect(await first.countKeyPackages(device)).toBe(1);
  await first.close();
  const notices: string[] = [];
  const second = new SqliteRelayStore(dir, { notice: (l) => notices.push(l) });
  expect(await second.countKeyPackages(device)).toBe(0);
  expect(await second.claimKeyPackage(device, () => ({ id: randomBytes(16).toString('hex') as MailboxId, sendCapHash: randomBytes(32) }))).toBeUndefined();
  expect(notices).toEqual([expect.stringMatching(/^dropped 1 KeyPackages sealed by the previous run/)]);
  await second.close();
  expect(readFileSync(join(dir, KEYPACKAGE_FILE_NAME)).includes(kp.subarray(0, 32))).toBe(false);
});
