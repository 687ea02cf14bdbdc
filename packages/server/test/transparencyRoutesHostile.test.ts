/**
 * The key-transparency routes from a prober's side: a stranger with no session (the log names
 * every handle and key of the organisation), sizes and indexes one past what the log holds, a
 * proof asked for a head the relay never reached, leaf hashes of the wrong length or type, and a
 * batch one past its bound. Every refusal is checked by its code, so that a route that fails
 * for another reason (a crash, a decode error deeper down) does not pass for the right one.
 */
import { encodeLogEntry, fromBase64Url, identityKeyEntry, leafHash, newIdentityKey, toBase64Url, verifyInclusion, type Handle } from '@hardline/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROOFS_PER_REQUEST } from '../src/routes/transparencyRoutes.ts';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { invite, openSession } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let token: string;
const leaves: Uint8Array[] = [];

async function enrolWithIdentity(handle: string): Promise<string> {
  const identity = newIdentityKey();
  const keys = newDeviceKeys();
  const code = await invite(relay.url, relay.adminToken);
  const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
  const signature = keys.sign(`hardline/v1/enrol\n${ch.nonce}\n${code}\n${handle}\n${keys.publicKeyB64}`);
  const r = await call(relay.url, 'POST', '/v1/enrol', { code, handle, signaturePublicKey: keys.publicKeyB64, nonce: ch.nonce, signature, identityKey: identity.publicKey });
  expect(r.status).toBe(200);
  leaves.push(encodeLogEntry(identityKeyEntry(handle as Handle, identity.publicKey)));
  return (await openSession(relay.url, r.body.deviceId, keys)).body.token;
}

beforeAll(async () => {
  relay = await startTestRelay();
  token = await enrolWithIdentity('ada');
  await enrolWithIdentity('bob');
});

/** `null`: no Authorization header at all. */
const get = (path: string, t: string | null = token) => call(relay.url, 'GET', path, undefined, t ?? undefined);
const post = (body: unknown, t: string | null = token) => call(relay.url, 'POST', '/v1/transparency/inclusions', body, t ?? undefined);
const code = (r: { body: any }) => r.body.error?.code as string | undefined;
const hashOf = (i: number) => toBase64Url(leafHash(leaves[i]!));

describe('transparency routes', () => {
  it('a stranger, or a made-up session, reads nothing of the log', async () => {
    const paths = ['/v1/transparency/head', `/v1/transparency/inclusion/2/leaf/${hashOf(0)}`, '/v1/transparency/inclusion/2/index/0', '/v1/transparency/consistency/1/2', '/v1/transparency/entries/0'];
    for (const t of [null, 'A'.repeat(43)]) {
      for (const p of paths) expect(code(await get(p, t)), p).toBe('UNAUTHENTICATED');
      expect(code(await post({ treeSize: 2, leafHashes: [hashOf(0)] }, t))).toBe('UNAUTHENTICATED');
    }
  });

  it('the log holds exactly the two enrolments, and gives them to a device', async () => {
    const all = await get('/v1/transparency/entries/0');
    expect(all.body.leaves.map((l: string) => Buffer.from(fromBase64Url(l)).toString('hex'))).toEqual(leaves.map((l) => Buffer.from(l).toString('hex')));
    expect((await get('/v1/transparency/entries/1')).body.leaves).toHaveLength(1);
    expect((await get('/v1/transparency/entries/2')).body.leaves).toEqual([]);
    expect(code(await get('/v1/transparency/entries/-1'))).toBe('VALIDATION');
  });

  it('sizes and indexes are whole numbers of at most 15 digits, with nothing around them', async () => {
    for (const s of ['x2', '2x', '-1', '1.0', '1e0', '1'.repeat(16), '%202']) {
      expect(code(await get(`/v1/transparency/inclusion/${s}/index/0`)), s).toBe('VALIDATION');
      expect(code(await get(`/v1/transparency/inclusion/2/index/${s}`)), s).toBe('VALIDATION');
      expect(code(await get(`/v1/transparency/consistency/${s}/2`)), s).toBe('VALIDATION');
      expect(code(await get(`/v1/transparency/consistency/1/${s}`)), s).toBe('VALIDATION');
    }
    // 15 digits is a number; the log has not reached it.
    expect(code(await get(`/v1/transparency/inclusion/${'9'.repeat(15)}/index/0`))).toBe('NOT_FOUND');
    expect((await get('/v1/transparency/inclusion/02/index/01')).body.leafIndex).toBe(1);
  });

  it('no proof for a head the relay never reached; the head it did reach works', async () => {
    expect(code(await get('/v1/transparency/inclusion/3/index/0'))).toBe('NOT_FOUND');
    expect(code(await get(`/v1/transparency/inclusion/3/leaf/${hashOf(0)}`))).toBe('NOT_FOUND');
    expect(code(await get('/v1/transparency/consistency/1/3'))).toBe('NOT_FOUND');
    expect(code(await post({ treeSize: 3, leafHashes: [] }))).toBe('NOT_FOUND');
    const head = (await get('/v1/transparency/head')).body;
    expect(head.treeSize).toBe(2);
    const p = await get('/v1/transparency/inclusion/2/index/1');
    expect(p.body).toMatchObject({ leafIndex: 1, treeSize: 2 });
    expect(verifyInclusion(1, 2, leafHash(leaves[1]!), p.body.proof.map((x: string) => fromBase64Url(x)), fromBase64Url(head.rootHash))).toBe(true);
  });

  it('an index at or past the tree size has no proof in that tree', async () => {
    expect(code(await get('/v1/transparency/inclusion/2/index/2'))).toBe('NOT_FOUND');
    expect(code(await get('/v1/transparency/inclusion/1/index/1'))).toBe('NOT_FOUND');
    expect(code(await get('/v1/transparency/inclusion/0/index/0'))).toBe('NOT_FOUND');
    // bob's entry is the second: not in the tree of size 1, in the tree of size 2.
    expect(code(await get(`/v1/transparency/inclusion/1/leaf/${hashOf(1)}`))).toBe('NOT_FOUND');
    expect((await get(`/v1/transparency/inclusion/1/leaf/${hashOf(0)}`)).body).toEqual({ leafIndex: 0, treeSize: 1, proof: [] });
    expect((await get(`/v1/transparency/inclusion/2/leaf/${hashOf(1)}`)).body.leafIndex).toBe(1);
    expect(code(await get(`/v1/transparency/inclusion/2/leaf/${toBase64Url(new Uint8Array(32))}`))).toBe('NOT_FOUND');
  });

  it('a leaf hash must be exactly 32 bytes of base64url', async () => {
    for (const h of [hashOf(0).slice(1), `${hashOf(0)}A`, 'A'.repeat(100)]) {
      expect(code(await get(`/v1/transparency/inclusion/2/leaf/${encodeURIComponent(h)}`)), h).toBe('VALIDATION');
    }
    for (const h of [5, null, { h: hashOf(0) }, 'A'.repeat(100), hashOf(0).slice(1)]) {
      expect(code(await post({ treeSize: 2, leafHashes: [hashOf(0), h] })), JSON.stringify(h)).toBe('VALIDATION');
    }
  });

  it('a batch: proofs in the tree asked for, null for what is not in it', async () => {
    const r = await post({ treeSize: 1, leafHashes: [hashOf(0), hashOf(1), toBase64Url(new Uint8Array(32))] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ treeSize: 1, proofs: [{ leafIndex: 0, treeSize: 1, proof: [] }, null, null] });
    const two = await post({ treeSize: 2, leafHashes: [hashOf(1)] });
    expect(two.body.proofs[0]).toMatchObject({ leafIndex: 1, treeSize: 2 });
  });

  it('a batch names its tree size as a number and its hashes as a list of at most the bound', async () => {
    for (const body of [{ treeSize: '2', leafHashes: [] }, { leafHashes: [] }, { treeSize: 2.5, leafHashes: [] }, { treeSize: -1, leafHashes: [] }]) {
      expect(code(await post(body)), JSON.stringify(body)).toBe('VALIDATION');
    }
    for (const leafHashes of [undefined, hashOf(0), { 0: hashOf(0) }]) {
      expect(code(await post({ treeSize: 2, leafHashes })), JSON.stringify(leafHashes)).toBe('VALIDATION');
    }
    const unknown = toBase64Url(new Uint8Array(32));
    const full = await post({ treeSize: 2, leafHashes: Array(MAX_PROOFS_PER_REQUEST).fill(unknown) });
    expect(full.status).toBe(200);
    expect(full.body.proofs).toHaveLength(MAX_PROOFS_PER_REQUEST);
    expect(code(await post({ treeSize: 2, leafHashes: Array(MAX_PROOFS_PER_REQUEST + 1).fill(unknown) }))).toBe('VALIDATION');
  });

  it('consistency runs forward only', async () => {
    expect(code(await get('/v1/transparency/consistency/2/1'))).toBe('VALIDATION');
    expect((await get('/v1/transparency/consistency/2/2')).body).toEqual({ from: 2, to: 2, proof: [] });
    const r = await get('/v1/transparency/consistency/1/2');
    expect(r.body).toMatchObject({ from: 1, to: 2 });
    expect(r.body.proof).toHaveLength(1);
  });
});
