import { describe, expect, it } from 'vitest';
import {
  checkChain,
  EMPTY_CHAIN,
  newOrgKey,
  orderHash,
  parseOrder,
  signOrder,
  splitInviteCode,
  joinInviteCode,
  orgKeyFingerprint,
  capabilitiesFor,
  clampTimer,
  parsePolicy,
  DecodeError,
  type SignedOrder,
} from '../src/index.ts';

const key = newOrgKey();
function chainOf(n: number): SignedOrder[] {
  const out: SignedOrder[] = [];
  let head = EMPTY_CHAIN;
  for (let i = 0; i < n; i++) {
    const o = i === 0 ? signOrder(key, 'org-key', { name: 'Acme' }, { seq: 1, prev: head.hash }) : signOrder(key, 'revocation', { handle: 'alice' as never, deviceId: `${i}`.padStart(32, '0') as never, wipe: false }, { seq: head.seq + 1, prev: head.hash });
    out.push(o);
    head = { seq: o.seq, hash: orderHash(o) };
  }
  return out;
}

describe('signed org orders', () => {
  it('a chain of orders signed by the org key checks out, and survives a JSON round trip with keys reordered', () => {
    const chain = chainOf(4).map((o) => parseOrder(JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(o).reverse())))));
    const r = checkChain(chain, key.publicKey);
    expect(r.broken).toBeUndefined();
    expect(r.head.seq).toBe(4);
  });

  it('a removed order breaks the chain at the gap', () => {
    const chain = chainOf(4);
    chain.splice(2, 1);
    expect(checkChain(chain, key.publicKey).broken).toEqual({ seq: 3, reason: 'sequence' });
  });

  it('an altered order fails its signature; re-signed by another key it fails too', () => {
    const chain = chainOf(3);
    const altered = { ...chain[1]!, body: { ...(chain[1]!.body as object), handle: 'bob' } } as SignedOrder;
    expect(checkChain([chain[0]!, altered, chain[2]!], key.publicKey).broken).toEqual({ seq: 2, reason: 'signature' });
    const other = newOrgKey();
    const forged = signOrder(other, 'revocation', { handle: 'bob' as never, deviceId: '0'.repeat(32) as never, wipe: true }, { seq: 2, prev: orderHash(chain[0]!) });
    expect(checkChain([chain[0]!, forged], key.publicKey).broken?.reason).toBe('signature');
  });

  it('an order replaced by a validly signed different one breaks the next order\'s previous hash', () => {
    const chain = chainOf(3);
    const replaced = signOrder(key, 'revocation', { handle: 'carol' as never, deviceId: 'f'.repeat(32) as never, wipe: false }, { seq: 2, prev: orderHash(chain[0]!) });
    expect(checkChain([chain[0]!, replaced, chain[2]!], key.publicKey).broken).toEqual({ seq: 3, reason: 'previous-hash' });
  });

  it('malformed orders are refused with a typed error', () => {
    for (const bad of [null, 1, 'x', {}, { ...chainOf(1)[0], v: 2 }, { ...chainOf(1)[0], seq: 0 }, { ...chainOf(1)[0], kind: 'root' }, { ...chainOf(1)[0], body: { name: 'x'.repeat(100) } }]) {
      expect(() => parseOrder(bad)).toThrow(DecodeError);
    }
  });

  it('an invite code carries the org key fingerprint after "~"', () => {
    const joined = joinInviteCode('ABCDE-FGHIJ', key.publicKey);
    expect(splitInviteCode(joined)).toEqual({ code: 'ABCDE-FGHIJ', orgFingerprint: orgKeyFingerprint(key.publicKey) });
    expect(() => splitInviteCode('ABCDE~zz')).toThrow();
  });

  it('policy: a group member gets the group\'s capabilities, timers clamp, bad settings are refused', () => {
    const p = parsePolicy({ version: 2, defaults: {}, groups: [{ name: 'principal', members: ['boss'], capabilities: { calls: false, timer: { minSeconds: 60, maxSeconds: 3600 } } }] });
    expect(capabilitiesFor(p, 'boss').calls).toBe(false);
    expect(capabilitiesFor(p, 'other').calls).toBe(true);
    expect(clampTimer(capabilitiesFor(p, 'boss'), 0)).toBe(60);
    expect(clampTimer(capabilitiesFor(p, 'boss'), 86_400)).toBe(3600);
    expect(() => parsePolicy({ version: 1, groups: [{ name: 'g', members: [], capabilities: { calls: 'no' } }] })).toThrow(DecodeError);
    expect(() => parsePolicy({ version: 1, groups: [{ name: 'g', members: [], capabilities: { linking: 'sometimes' } }] })).toThrow(DecodeError);
  });
});

describe('external signers', () => {
  it('an order signed over orderSigningBytes by another Ed25519 implementation verifies', async () => {
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const { fromBase64Url, toBase64Url, unsignedOrder, orderSigningBytes, verifyOrder } = await import('../src/index.ts');
    const u = unsignedOrder(key.publicKey, 'org-key', { name: 'Acme' }, { seq: 1, prev: '0'.repeat(64) });
    const signature = toBase64Url(ed25519.sign(orderSigningBytes(u), fromBase64Url(key.secretKey, 32)));
    expect(verifyOrder({ ...u, signature }, key.publicKey)).toBe(true);
    expect(signOrder(key, 'org-key', { name: 'Acme' }, { seq: 1, prev: '0'.repeat(64) }, new Date(u.issuedAt)).signature).toBe(signature);
  });
});
