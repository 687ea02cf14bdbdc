/**
 * @module sourceAddressQuota-hostile.test
 * An attacker who wants more than one source address's share of the relay (sourceLimits.ts):
 * the same IPv4 address also reached as IPv4-mapped IPv6, addresses of one /64 written in the
 * different forms the kernel may give them, a release called twice, and a quota entry dropped
 * while the address still holds something. Each must leave the attacker at one address's caps.
 * Unit level: SourceLimits keyed by sourceKey, as httpHandler.ts and upgrade.ts key it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/limits/relayLimits.ts';
import { SourceLimits, sourceKey, type Kind } from '../src/limits/sourceLimits.ts';

const limits = (perAddress: number) =>
  new SourceLimits({ ...DEFAULT_LIMITS, maxConnectionsPerAddress: perAddress, maxAnonymousSocketsPerAddress: perAddress });

/** Reserves `kind` for each peer address, as the relay would; returns what each got. */
const connectFrom = (s: SourceLimits, kind: Kind, addresses: readonly string[]) => addresses.map((a) => s.reserve(kind, sourceKey(a)));

const held = (r: ReturnType<SourceLimits['reserve']>) => {
  if (typeof r === 'string') throw new Error(`refused: ${r}`);
  return r;
};

describe('one IPv4 address, reached over IPv4 and as IPv4-mapped IPv6', () => {
  it('is one source, whatever the length of its last octet', () => {
    for (const v4 of ['203.0.113.9', '203.0.113.45', '198.51.100.200', '10.0.0.1']) {
      const s = limits(2);
      const got = connectFrom(s, 'connections', [v4, `::ffff:${v4}`, `::FFFF:${v4}`]);
      expect(got.map((r) => (typeof r === 'string' ? r : 'held'))).toEqual(['held', 'held', 'source']);
      expect(s.totals().sources).toBe(1);
    }
  });
});

describe('one /64, each address in the form the kernel writes it', () => {
  it("with '::' inside the prefix, its addresses are still one source", () => {
    // 2001:0:0:4:5:6:7:8 is written '2001::4:5:6:7:8'; the rest of its /64 keeps the zeros.
    const addresses = ['2001::4:5:6:7:8', '2001:0:0:4::1', '2001:0:0:4:ffff:ffff:ffff:ffff', '2001::4:0:0:0:1'];
    expect(new Set(addresses.map(sourceKey))).toEqual(new Set(['2001:0:0:4::/64']));
    const s = limits(3);
    const got = connectFrom(s, 'anonymousSockets', addresses);
    expect(got.filter((r) => r === 'source')).toHaveLength(1);
    expect(s.totals()).toMatchObject({ anonymousSockets: 3, sources: 1 });
  });

  it('the next /64 is another source', () => {
    expect(sourceKey('2001::5:5:6:7:8')).toBe('2001:0:0:5::/64');
    expect(sourceKey('2001::4:5:6:7:8')).not.toBe(sourceKey('2001::5:5:6:7:8'));
  });
});

describe('releases that an attacker can make run twice', () => {
  it("a socket's close and its error path both releasing give back one slot, not two", () => {
    const s = limits(1);
    const first = held(s.reserve('connections', 'x'));
    first.release();
    first.release();
    expect(s.totals()).toMatchObject({ connections: 0, sources: 0 });
    held(s.reserve('connections', 'x'));
    expect(s.reserve('connections', 'x')).toBe('source');
    expect(s.totals()).toMatchObject({ connections: 1, sources: 1 });
  });
});

describe('an address that holds one kind while another comes and goes', () => {
  it('keeps its anonymous socket counted when a connection of it closes', () => {
    const s = limits(1);
    held(s.reserve('anonymousSockets', 'x'));
    held(s.reserve('connections', 'x')).release();
    expect(s.totals()).toMatchObject({ anonymousSockets: 1, sources: 1 });
    expect(s.reserve('anonymousSockets', 'x')).toBe('source');
  });

  it('keeps its body bytes counted when a connection of it closes', () => {
    const s = new SourceLimits({ ...DEFAULT_LIMITS, maxBodyBytesInFlightPerAddress: 10 });
    held(s.reserve('bodyBytes', 'x', 10));
    held(s.reserve('connections', 'x')).release();
    expect(s.reserve('bodyBytes', 'x', 1)).toBe('source');
  });
});
