/**
 * @module seizedDiskMidCommit.test
 * The seized disk at the instants a random snapshot seldom hits: a commit half written to the
 * WAL, and the checkpoint half done (support/frozenCommits.ts lays out every such state of
 * every commit). Conversations are opened and talked in as in seizedDisk.test.ts: each chat's
 * two claims back to back, then a post into each of its mailboxes in turn, chats in parallel,
 * so no commit writes two mailboxes of one conversation. The carver (test/support/carveDisk.ts)
 * must find no link in any of those states, and must still find one where a commit, or two
 * neighbouring commits, do write both mailboxes of a conversation.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { keyPackageMailbox, type DeviceId } from '@hardline/protocol';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { carveDisk, type CarveTruth } from '../../../test/support/carveDisk.ts';
import { postFrame, sha256, type TestMailbox } from './support/envelopes.ts';
import { freezeAroundCommits } from './support/frozenCommits.ts';
import { tmpDir } from './support/tmpDir.ts';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

type Talk = { readonly store: SqliteRelayStore; readonly conversations: TestMailbox[][]; readonly truth: CarveTruth };

/** Six devices with KeyPackages; `chats` direct chats opened by claiming both sides' back to back. */
async function openChats(store: SqliteRelayStore, chats: number): Promise<Talk> {
  const devices = Array.from({ length: 6 }, () => randomBytes(16).toString('hex') as DeviceId);
  const readCaps = new Map<string, Buffer>();
  for (const d of devices) {
    const kps = Array.from({ length: 6 }, () => ({ keyPackage: randomBytes(340), readCap: randomBytes(32) }));
    for (const k of kps) readCaps.set(k.keyPackage.toString('hex'), k.readCap);
    await store.addKeyPackages(d, kps.map((k) => ({ keyPackage: k.keyPackage, readCapHash: sha256(k.readCap) })));
  }
  const claimed: Uint8Array[] = [];
  const claim = async (d: DeviceId): Promise<TestMailbox> => {
    const c = (await store.claimKeyPackage(d, (kp) => {
      const { mailboxId, sendCap } = keyPackageMailbox(kp);
      return { id: mailboxId, sendCapHash: sha256(sendCap) };
    }))!;
    claimed.push(c.keyPackage);
    const { mailboxId, sendCap } = keyPackageMailbox(c.keyPackage);
    return { id: mailboxId, readCap: readCaps.get(Buffer.from(c.keyPackage).toString('hex'))!, sendCap: Buffer.from(sendCap) };
  };
  const conversations: TestMailbox[][] = [];
  for (let i = 0; i < chats; i++) conversations.push([await claim(devices[i % 6]!), await claim(devices[(i + 1 + (i >> 2)) % 6]!)]);
  const truth = { claimedKeyPackages: claimed, deviceIds: devices, conversations: conversations.map((c) => c.map((m) => m.id)) };
  return { store, conversations, truth };
}

const post = async (store: SqliteRelayStore, m: TestMailbox, text: string): Promise<void> => {
  const p = postFrame(m, text);
  expect((await store.putEnvelope(m.id, p.envelopeId, p.envelopeBytes, Date.now())).status).toBe('stored');
};

it('a copy that catches a commit half written, or its checkpoint half done, links no one', async () => {
  const dir = tmpDir();
  const frozen = freezeAroundCommits(join(dir, SQLITE_FILE_NAME));
  restore = frozen.restore;
  const store = new SqliteRelayStore(dir, { notice: () => {} });
  const { conversations, truth } = await openChats(store, 8);
  // Each chat: a post, and once it is stored the reply; chats in parallel, so commits carry one
  // post of each chat, and envelope rows (about three to a leaf page) split pages again and again.
  for (let round = 0; round < 4; round++) {
    await Promise.all(conversations.map(async ([toB, toA], i) => {
      await post(store, toB!, `round ${round} chat ${i} ->`);
      await post(store, toA!, `round ${round} chat ${i} <-`);
    }));
  }
  await store.close();
  frozen.restore();
  const cut = frozen.states.filter((s) => !s.label.endsWith('whole'));
  expect(cut.length).toBeGreaterThan(100);
  for (const s of frozen.states) expect([s.label, carveDisk(s.files, truth).findings]).toEqual([s.label, []]);
});

it('the carver still finds both mailboxes of a conversation written in one commit, or in neighbouring ones', async () => {
  const dir = tmpDir();
  const frozen = freezeAroundCommits(join(dir, SQLITE_FILE_NAME));
  restore = frozen.restore;
  const store = new SqliteRelayStore(dir, { notice: () => {} });
  const { conversations, truth } = await openChats(store, 4);
  // Both sides post in the same event-loop turn (as a group message's fan-out does): one commit
  // writes both mailboxes, and the WAL shows it until the checkpoint returns. Round after round,
  // as pages fill and split: some commits rewrite a page unchanged, which must not blind it.
  for (let round = 0; round < 12; round++) {
    const [toB, toA] = conversations[round % 4]!;
    const before = frozen.states.length;
    await Promise.all([post(store, toB!, `at once ${round} ->`), post(store, toA!, `at once ${round} <-`)]);
    const whole = frozen.states.slice(before).find((s) => s.label.endsWith('whole'))!;
    expect([round, carveDisk(whole.files, truth).mailboxPairs]).toEqual([round, 1]);
  }
  await store.close();
  frozen.restore();

  // The per-commit checkpoint left out: the WAL keeps the post and, a commit later, the reply.
  const dir2 = tmpDir();
  const growing = freezeAroundCommits(join(dir2, SQLITE_FILE_NAME), { skipCheckpoints: true });
  restore = growing.restore;
  const store2 = new SqliteRelayStore(dir2, { notice: () => {} });
  const talk = await openChats(store2, 4);
  const [b, a] = talk.conversations[1]!;
  await post(store2, b!, 'then ->');
  await post(store2, a!, 'then <-');
  const last = growing.states.at(-1)!;
  const r = carveDisk(last.files, talk.truth);
  expect(r.findings).toContainEqual(expect.stringMatching(/2 mailboxes of one conversation written/));
  await store2.close();
});
