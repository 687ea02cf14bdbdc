/**
 * @module test/transparencyLog
 * The relay's key-transparency log through its HTTP routes, on a real relay with SQLite:
 * enrolment, certificate upload, re-enrolment and signed revocation each append an entry; the
 * tree head is signed by the key GET /v1/org names; inclusion and consistency proofs verify.
 * Played as the attacker: a relay that rewrites an entry it logged earlier (directly in its
 * database) can no longer prove its new head consistent with the one clients hold. And the
 * stored tree: any root and proof comes from O(log n) stored nodes, never from all leaves.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  certificateEntry,
  certifyDevice,
  encodeLogEntry,
  fromBase64Url,
  identityKeyEntry,
  leafHash,
  merkleTreeHash,
  newIdentityKey,
  parseTreeHead,
  revocationEntry,
  signRevocation,
  subtreesOf,
  inclusionProof,
  consistencyProof,
  toBase64Url,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
  type DeviceId,
  type Handle,
  type IdentityKeyPair,
  type SignedTreeHead,
} from '@hardline/protocol';
import { migrate } from '../src/store/migrate.ts';
import { SQLITE_FILE_NAME } from '../src/store/sqliteRelayStore.ts';
import { appendLogLeaf, SqliteTransparencyLog } from '../src/store/sqliteTransparencyLog.ts';
import { rootAt, storedSubtrees } from '../src/transparency/storedTree.ts';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { invite, openSession } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

type Enrolled = { deviceId: string; token: string; publicKey: string; keys: ReturnType<typeof newDeviceKeys> };

async function enrolWithIdentity(relay: TestRelay, handle: string, identity: IdentityKeyPair, code?: string): Promise<Enrolled> {
  const keys = newDeviceKeys();
  const c = code ?? (await invite(relay.url, relay.adminToken));
  const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
  const signature = keys.sign(`hardline/v1/enrol\n${ch.nonce}\n${c}\n${handle}\n${keys.publicKeyB64}`);
  const r = await call(relay.url, 'POST', '/v1/enrol', { code: c, handle, signaturePublicKey: keys.publicKeyB64, nonce: ch.nonce, signature, identityKey: identity.publicKey });
  expect(r.status).toBe(200);
  const s = await openSession(relay.url, r.body.deviceId, keys);
  return { deviceId: r.body.deviceId, token: s.body.token, publicKey: keys.publicKeyB64, keys };
}

async function head(relay: TestRelay, token: string): Promise<SignedTreeHead> {
  const r = await call(relay.url, 'GET', '/v1/transparency/head', undefined, token);
  expect(r.status).toBe(200);
  return parseTreeHead(r.body);
}

async function included(relay: TestRelay, token: string, h: SignedTreeHead, leaf: Uint8Array): Promise<boolean> {
  const hash = leafHash(leaf);
  const r = await call(relay.url, 'GET', `/v1/transparency/inclusion/${h.treeSize}/leaf/${toBase64Url(hash)}`, undefined, token);
  if (r.status !== 200) return false;
  return verifyInclusion(r.body.leafIndex, h.treeSize, hash, r.body.proof.map((p: string) => fromBase64Url(p)), fromBase64Url(h.rootHash));
}

async function consistent(relay: TestRelay, token: string, a: SignedTreeHead, b: SignedTreeHead): Promise<boolean> {
  const r = await call(relay.url, 'GET', `/v1/transparency/consistency/${a.treeSize}/${b.treeSize}`, undefined, token);
  if (r.status !== 200) return false;
  return verifyConsistency(a.treeSize, b.treeSize, fromBase64Url(a.rootHash), fromBase64Url(b.rootHash), r.body.proof.map((p: string) => fromBase64Url(p)));
}

describe('the key-transparency log', () => {
  it('logs enrolment, certificates, re-enrolment and signed revocations, under a head signed by the key /v1/org names', async () => {
    const relay = await startTestRelay();
    const ada = newIdentityKey();
    const a = await enrolWithIdentity(relay, 'ada', ada);
    const cert = certifyDevice(ada, { handle: 'ada' as Handle, deviceId: a.deviceId as DeviceId, deviceKey: a.publicKey });
    expect((await call(relay.url, 'PUT', `/v1/devices/${a.deviceId}/certificate`, { certificate: cert }, a.token)).status).toBe(200);
    const first = await head(relay, a.token);
    const { body: org } = await call(relay.url, 'GET', '/v1/org');
    expect(verifyTreeHead(first, org.logKey)).toBe(true);
    expect(first.treeSize).toBe(2);

    // A link code's device and its certificate, then a signed revocation of it.
    const { body: link } = await call(relay.url, 'POST', '/v1/devices/link-codes', {}, a.token);
    const keys = newDeviceKeys();
    const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
    const linked = await call(relay.url, 'POST', '/v1/enrol', { code: link.code, handle: 'ada', signaturePublicKey: keys.publicKeyB64, nonce: ch.nonce, signature: keys.sign(`hardline/v1/enrol\n${ch.nonce}\n${link.code}\nada\n${keys.publicKeyB64}`) });
    const revocation = signRevocation(ada, 'ada' as Handle, linked.body.deviceId as DeviceId);
    expect((await call(relay.url, 'POST', `/v1/devices/${linked.body.deviceId}/revoke`, { revocation }, a.token)).status).toBe(200);
    // Re-enrolment: a new identity key for ada.
    const ada2 = newIdentityKey();
    const b = await enrolWithIdentity(relay, 'ada', ada2, await invite(relay.url, relay.adminToken, 'ada'));
    const second = await head(relay, b.token);
    expect(second.treeSize).toBe(4);

    for (const leaf of [identityKeyEntry('ada' as Handle, ada.publicKey), certificateEntry(cert), revocationEntry(revocation), identityKeyEntry('ada' as Handle, ada2.publicKey)]) {
      expect(await included(relay, b.token, second, encodeLogEntry(leaf))).toBe(true);
    }
    // Something the relay never logged has no proof; the same by index, and in a batch.
    expect(await included(relay, b.token, second, encodeLogEntry(identityKeyEntry('ada' as Handle, newIdentityKey().publicKey)))).toBe(false);
    const byIndex = await call(relay.url, 'GET', `/v1/transparency/inclusion/${second.treeSize}/index/0`, undefined, b.token);
    expect(verifyInclusion(0, 4, leafHash(encodeLogEntry(identityKeyEntry('ada' as Handle, ada.publicKey))), byIndex.body.proof.map((p: string) => fromBase64Url(p)), fromBase64Url(second.rootHash))).toBe(true);
    const batch = await call(relay.url, 'POST', '/v1/transparency/inclusions', { treeSize: 4, leafHashes: [toBase64Url(leafHash(encodeLogEntry(certificateEntry(cert)))), toBase64Url(new Uint8Array(32))] }, b.token);
    expect(batch.body.proofs[0].leafIndex).toBe(1);
    expect(batch.body.proofs[1]).toBeNull();

    expect(await consistent(relay, b.token, first, second)).toBe(true);
    // Bad input gets a clear error, and the routes are for enrolled devices only.
    expect((await call(relay.url, 'GET', '/v1/transparency/consistency/3/99', undefined, b.token)).body.error.code).toBe('NOT_FOUND');
    expect((await call(relay.url, 'GET', '/v1/transparency/inclusion/x/index/0', undefined, b.token)).status).toBe(400);
    expect((await call(relay.url, 'GET', '/v1/transparency/head')).status).toBe(401);
  });

  it('keeps its log key across a restart', async () => {
    const relay = await startTestRelay();
    const { body: before } = await call(relay.url, 'GET', '/v1/org');
    await relay.close();
    const again = await startTestRelay({ dataDir: relay.dataDir });
    const { body: after } = await call(again.url, 'GET', '/v1/org');
    expect(after.logKey).toBe(before.logKey);
  });

  it('a relay that rewrites an earlier entry in its database cannot prove its new head consistent with the old', async () => {
    const relay = await startTestRelay();
    const ids = [newIdentityKey(), newIdentityKey(), newIdentityKey()];
    const devices = [];
    for (const [i, id] of ids.entries()) devices.push(await enrolWithIdentity(relay, `user${i}`, id));
    const token = devices[2]!.token;
    const seen = await head(relay, token);
    await relay.close();

    // The attacker swaps user0's logged key for one of its own and rebuilds every stored node,
    // then appends one more entry so the new head is larger and looks like normal growth.
    const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
    const forged = encodeLogEntry(identityKeyEntry('user0' as Handle, newIdentityKey().publicKey));
    const leaves: Uint8Array[] = db.prepare<[], { leaf: Buffer }>('SELECT leaf FROM transparency_leaves ORDER BY idx').all().map((r) => new Uint8Array(r.leaf));
    leaves[0] = forged;
    db.exec('DELETE FROM transparency_leaves; DELETE FROM transparency_nodes;');
    for (const leaf of [...leaves, encodeLogEntry(identityKeyEntry('user9' as Handle, newIdentityKey().publicKey))]) appendLogLeaf(db, leaf);
    db.close();

    const again = await startTestRelay({ dataDir: relay.dataDir });
    const fresh = await openSession(again.url, devices[2]!.deviceId, devices[2]!.keys);
    const later = await head(again, fresh.body.token);
    expect(later.treeSize).toBeGreaterThan(seen.treeSize);
    expect(await consistent(again, fresh.body.token, seen, later)).toBe(false);
    // The forged entry is "included" in the new tree, but a client that checks consistency first refuses the head.
    expect(await included(again, fresh.body.token, later, forged)).toBe(true);
  });
});

describe('the stored tree', () => {
  it('gives every root and proof from O(log n) stored nodes, equal to the RFC computation', async () => {
    const db = new Database(':memory:');
    migrate(db);
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < 1_500; i++) {
      const leaf = Uint8Array.of(i & 0xff, i >> 8, 7);
      leaves.push(leaf);
      appendLogLeaf(db, leaf);
    }
    const stored = new SqliteTransparencyLog(db);
    let reads = 0;
    const counting = { ...stored, size: () => stored.size(), indexOf: (h: Uint8Array) => stored.indexOf(h), leaves: (f: number, c: number) => stored.leaves(f, c), node: (l: number, i: number) => (reads++, stored.node(l, i)) };
    const hashes = leaves.map(leafHash);
    for (const n of [1, 2, 3, 7, 8, 513, 1_024, 1_499, 1_500]) {
      reads = 0;
      expect(toBase64Url(await rootAt(counting, n))).toBe(toBase64Url(merkleTreeHash(hashes.slice(0, n))));
      expect(reads).toBeLessThanOrEqual(11);
      reads = 0;
      const proof = await inclusionProof(n - 1, n, storedSubtrees(counting));
      expect(proof.map(toBase64Url)).toEqual((await inclusionProof(n - 1, n, subtreesOf(hashes.slice(0, n)))).map(toBase64Url));
      const c = await consistencyProof(Math.ceil(n / 3), n, storedSubtrees(counting));
      expect(c.map(toBase64Url)).toEqual((await consistencyProof(Math.ceil(n / 3), n, subtreesOf(hashes.slice(0, n)))).map(toBase64Url));
      // log2(1500) < 11: a proof of either kind reads a few nodes per level, not the leaves.
      expect(reads).toBeLessThanOrEqual(4 * 11 * 11);
    }
    db.close();
  });
});
