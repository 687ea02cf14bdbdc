/**
 * @module policyIngress.test
 * The ingress hop in the security team's signed policy (org/orgPolicy.ts). Whoever takes the
 * relay over would like a hop of its own, or none: it cannot sign a policy, so what it can try is
 * a hop in a form the parser takes but the device reads differently (plain http far away, a user
 * or query that tags the device), or a signed policy whose hop it rewrote in transit.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, EMPTY_CHAIN, newOrgKey, parseOrder, parsePolicy, signOrder, verifyOrder, type OrgPolicy } from '../src/index.ts';

const base = { version: 3, groups: [] };

describe('a policy that names the ingress hop', () => {
  it('keeps an https hop, in URL normal form, and a loopback http hop for tests', () => {
    expect(parsePolicy({ ...base, ingress: 'https://Hop.Example:443/ohttp' }).ingress).toBe('https://hop.example/ohttp');
    expect(parsePolicy({ ...base, ingress: 'http://127.0.0.1:9000' }).ingress).toBe('http://127.0.0.1:9000/');
  });

  it('says nothing of the hop when the field is absent, and "no hop" with null', () => {
    expect('ingress' in parsePolicy(base)).toBe(false);
    expect(parsePolicy({ ...base, ingress: null }).ingress).toBeNull();
  });

  it.each([
    ['plain http far away', 'http://hop.example/'],
    ['another scheme', 'ftp://hop.example/'],
    ['a user in the URL', 'https://tag@hop.example/'],
    ['a query that could tag a device', 'https://hop.example/?d=alice'],
    ['a fragment', 'https://hop.example/#x'],
    ['not a URL', 'hop.example'],
    ['not a string', 42],
    ['too long', `https://hop.example/${'a'.repeat(600)}`],
  ])('refuses %s', (_why, ingress) => {
    expect(() => parsePolicy({ ...base, ingress })).toThrow(DecodeError);
  });
});

describe('a signed policy with a hop, as the device reads it from the relay', () => {
  const key = newOrgKey();
  const policy = parsePolicy({ ...base, ingress: 'https://hop.example/' });
  const order = signOrder(key, 'policy', policy, { seq: 2, prev: EMPTY_CHAIN.hash });

  it('verifies, and the device reads the hop the team signed', () => {
    const read = parseOrder(JSON.parse(JSON.stringify(order)));
    expect(verifyOrder(read, key.publicKey)).toBe(true);
    expect((read.body as OrgPolicy).ingress).toBe('https://hop.example/');
  });

  it('fails to verify once the relay swaps the hop for its own, or drops it', () => {
    const swapped = JSON.parse(JSON.stringify(order));
    swapped.body.ingress = 'https://relay-hop.example/';
    expect(verifyOrder(parseOrder(swapped), key.publicKey)).toBe(false);
    const dropped = JSON.parse(JSON.stringify(order));
    delete dropped.body.ingress;
    expect(verifyOrder(parseOrder(dropped), key.publicKey)).toBe(false);
    const nulled = JSON.parse(JSON.stringify(order));
    nulled.body.ingress = null;
    expect(verifyOrder(parseOrder(nulled), key.publicKey)).toBe(false);
  });
});
