/**
 * @module bench/seizedDisk
 * What keeping a seized disk mute costs the store (docs/protocol.md §8): KeyPackage claims
 * and 1 KiB posts per second against SqliteRelayStore on a real data folder, in process (no
 * HTTP, so the figure is the storage's). Posts run one at a time (a commit and a checkpoint
 * each: the worst case) and 200 in flight (a turn's batch shares both). Claims run one at a
 * time, as a conversation start makes them.
 * Run: node --import tsx bench/seizedDisk.bench.ts
 * SEIZED_BENCH_STORE=path/to/sqliteRelayStore.ts measures another version of the store (the
 * "before" figures came from the store as of commit 6ae5f8f, copied out of git).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DeviceId, EnvelopeId, Handle, MailboxId, UserId } from '@hardline/protocol';
import type { RelayStore } from '../packages/server/src/store/relayStore.ts';

type StoreClass = new (dir: string, options?: { notice?: (line: string) => void }) => RelayStore;

const DEVICES = 20;
const KEYPACKAGES_PER_DEVICE = 100;
const POSTS = 4000;
const IN_FLIGHT = 200;

const hex = (n: number): string => randomBytes(n).toString('hex');

async function loadStore(): Promise<StoreClass> {
  const path = process.env.SEIZED_BENCH_STORE ?? new URL('../packages/server/src/store/sqliteRelayStore.ts', import.meta.url).pathname;
  return ((await import(pathToFileURL(path).href)) as { SqliteRelayStore: StoreClass }).SqliteRelayStore;
}

async function enrolDevices(store: RelayStore): Promise<DeviceId[]> {
  const ids: DeviceId[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const codeHash = randomBytes(32);
    await store.createCode({ hash: codeHash, kind: 'invite', expiresAt: Date.now() + 60_000 });
    const r = await store.enrol({
      codeHash,
      handle: `user${i}` as Handle,
      displayName: `User ${i}`,
      publicKey: randomBytes(32),
      newUserId: hex(16) as UserId,
      newDeviceId: hex(16) as DeviceId,
      now: Date.now(),
    });
    ids.push(r.deviceId);
  }
  return ids;
}

async function claimsPerSecond(store: RelayStore, devices: readonly DeviceId[]): Promise<number> {
  for (const d of devices) {
    await store.addKeyPackages(d, Array.from({ length: KEYPACKAGES_PER_DEVICE }, () => ({ keyPackage: randomBytes(320), readCapHash: randomBytes(32) })));
  }
  const start = performance.now();
  let n = 0;
  for (let round = 0; round < KEYPACKAGES_PER_DEVICE; round++) {
    for (const d of devices) {
      await store.claimKeyPackage(d, () => ({ id: hex(16) as MailboxId, sendCapHash: randomBytes(32) }));
      n++;
    }
  }
  return n / ((performance.now() - start) / 1000);
}

async function postsPerSecond(store: RelayStore, inFlight: number): Promise<number> {
  const mailboxes = Array.from({ length: 100 }, () => hex(16) as MailboxId);
  for (const id of mailboxes) await store.createMailbox({ id, readCapHash: randomBytes(32), sendCapHash: randomBytes(32) });
  const body = randomBytes(1024 + 33);
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < POSTS) {
      const i = next++;
      await store.putEnvelope(mailboxes[i % mailboxes.length]!, hex(16) as EnvelopeId, body, Date.now());
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return POSTS / ((performance.now() - start) / 1000);
}

export async function runSeizedDiskBench(): Promise<void> {
  const SqliteRelayStore = await loadStore();
  const dir = mkdtempSync(join(tmpdir(), 'hardline-bench-seized-'));
  try {
    const store = new SqliteRelayStore(join(dir, 'data'), { notice: () => {} });
    const devices = await enrolDevices(store);
    const row = {
      'claims/s (one at a time)': Math.round(await claimsPerSecond(store, devices)),
      'posts/s (one at a time)': Math.round(await postsPerSecond(store, 1)),
      [`posts/s (${IN_FLIGHT} in flight)`]: Math.round(await postsPerSecond(store, IN_FLIGHT)),
    };
    await store.close();
    console.log(`\nSeized disk: store cost (${process.env.SEIZED_BENCH_STORE ? 'store from SEIZED_BENCH_STORE' : 'this checkout'})`);
    console.table([row]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSeizedDiskBench();
