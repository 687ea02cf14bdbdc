/**
 * @module relayLimits-hostile.test
 * The relay's abuse limits (server/src/limits) at their exact edges, from the side of someone
 * trying to get past them:
 *  - the failure throttle (enrolment codes, forged tokens): a burst of guesses, a refund used
 *    twice, the relay-wide bucket at exactly one token, an address table at its bound;
 *  - per-address reservations: releasing one kind must not forget what the address still holds;
 *  - source addresses in the forms the kernel may hand over (upper case, zero-padded, zoned);
 *  - the connection cap under the descriptor limit, the limits file, the free-disk floor and the
 *    shared blob space, each at the value where it starts to refuse.
 */
import { mkdtempSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../src/errors/relayError.ts';
import { blobSpaceOf, roomForNewBlob } from '../src/limits/blobSpace.ts';
import { FailureThrottle, UNATTRIBUTED_SOURCE } from '../src/limits/failureThrottle.ts';
import { connectionCap, FD_HEADROOM } from '../src/limits/fileDescriptors.ts';
import { DISK_READING_MS, FreeDisk, statfsProbe } from '../src/limits/freeDisk.ts';
import { DEFAULT_LIMITS, resolveLimits } from '../src/limits/relayLimits.ts';
import { SourceLimits, sourceKey } from '../src/limits/sourceLimits.ts';
import type { RelayContext } from '../src/relayContext.ts';

/** failureThrottle.ts MAX_TRACKED. */
const MAX_TRACKED = 50_000;

const allowed = (a: ReturnType<FailureThrottle['take']>): boolean => a.allowed;

describe('the failure throttle', () => {
  it('a check takes nothing: a guesser who only asks is never held, and takes then still get their full bucket', () => {
    const t = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 2 }, () => 0);
    for (let i = 0; i < 10; i++) expect(t.check('a').allowed).toBe(true);
    expect(t.trackedSources()).toBe(0);
    expect(allowed(t.take('a'))).toBe(true);
    expect(allowed(t.take('a'))).toBe(true);
    expect(allowed(t.take('a'))).toBe(false);
    expect(t.check('a').allowed).toBe(false);
  });

  it('a refund gives back one token to each bucket, once, however often it is called', () => {
    const t = new FailureThrottle({ perMinute: 2, perMinutePerAddress: 3 }, () => 0);
    const a = t.take('a');
    const b = t.take('b');
    expect(a.allowed && b.allowed).toBe(true);
    // Relay-wide: 0 left. The guesser calls its refund twice, hoping for two tokens back.
    if (a.allowed) {
      a.refund();
      a.refund();
    }
    // b has failed lately (not clean): it needs the relay-wide bucket, which holds exactly one.
    expect(allowed(t.take('b'))).toBe(true);
    expect(t.take('b')).toMatchObject({ allowed: false });
  });

  it("a refund twice does not lift an address's own bucket past what it had", () => {
    const t = new FailureThrottle({ perMinute: 1_000, perMinutePerAddress: 3 }, () => 0);
    const first = t.take('a');
    expect(allowed(t.take('a'))).toBe(true);
    // One token left; the doubled refund must bring it to two, not three.
    if (first.allowed) {
      first.refund();
      first.refund();
    }
    expect(allowed(t.take('a'))).toBe(true);
    expect(allowed(t.take('a'))).toBe(true);
    expect(allowed(t.take('a'))).toBe(false);
  });

  it('takes the last relay-wide token when exactly one is left', () => {
    const t = new FailureThrottle({ perMinute: 1, perMinutePerAddress: 5 }, () => 0);
    // The only relay-wide token goes to this first guess...
    expect(allowed(t.take('g'))).toBe(true);
    // ...so the same (no longer clean) address is held by the relay-wide bucket now.
    expect(t.take('g')).toEqual({ allowed: false, retryAfterSeconds: 12 });
  });

  it('refills each bucket at its rate per minute, and says when to retry', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 6 }, () => now);
    for (let i = 0; i < 6; i++) expect(allowed(t.take('a'))).toBe(true);
    expect(t.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    now += 9_999;
    expect(t.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1;
    expect(allowed(t.take('a'))).toBe(true);
    // Refilling never goes past the bucket's size: a long quiet spell gives six, not more.
    now += 3_600_000;
    for (let i = 0; i < 6; i++) expect(allowed(t.take('a'))).toBe(true);
    expect(allowed(t.take('a'))).toBe(false);
  });

  it('holds the relay-wide bucket to its rate, and says when its next token comes', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 3, perMinutePerAddress: 100 }, () => now);
    for (let i = 0; i < 3; i++) expect(allowed(t.take(UNATTRIBUTED_SOURCE))).toBe(true);
    expect(t.take(UNATTRIBUTED_SOURCE)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(t.check(UNATTRIBUTED_SOURCE)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    now += 19_000;
    expect(t.take(UNATTRIBUTED_SOURCE)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1_000;
    // A check at exactly one token says yes and takes nothing; the take then gets it.
    expect(t.check(UNATTRIBUTED_SOURCE).allowed).toBe(true);
    expect(allowed(t.take(UNATTRIBUTED_SOURCE))).toBe(true);
    expect(allowed(t.take(UNATTRIBUTED_SOURCE))).toBe(false);
  });

  it('an unclean address waits for the sooner of the relay-wide token and its own full bucket', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 1, perMinutePerAddress: 60 }, () => now);
    expect(allowed(t.take('g'))).toBe(true);
    // Its own bucket is one token short: full again in one second, long before the relay's minute.
    expect(t.take('g')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(allowed(t.take('g'))).toBe(true);
  });

  it('forgets an address exactly a minute after the last sweep, once its bucket is full', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 10 }, () => now);
    t.take('a');
    now = 59_999;
    t.check('b');
    expect(t.trackedSources()).toBe(1);
    now = 60_000;
    t.check('b');
    expect(t.trackedSources()).toBe(0);
  });

  it('past its bound on addresses, a new address is held by the relay-wide bucket and not tracked', () => {
    const t = new FailureThrottle({ perMinute: MAX_TRACKED, perMinutePerAddress: 2 }, () => 0);
    for (let i = 0; i < MAX_TRACKED - 1; i++) t.take(`a${i}`);
    expect(t.trackedSources()).toBe(MAX_TRACKED - 1);
    // The last address there is room for is still tracked and clean.
    expect(allowed(t.take('last'))).toBe(true);
    expect(t.trackedSources()).toBe(MAX_TRACKED);
    // Full table, none idle, relay-wide bucket empty: a new address is not clean any more.
    expect(t.take('new')).toMatchObject({ allowed: false });
    expect(t.trackedSources()).toBe(MAX_TRACKED);
  });

  it('past its bound, a sweep makes room when addresses have gone idle', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: MAX_TRACKED, perMinutePerAddress: 60 }, () => now);
    for (let i = 0; i < MAX_TRACKED; i++) t.take(`a${i}`);
    // One second later each address has its token back (60 a minute): all idle, though the
    // minute's sweep is not due. The relay-wide bucket has 1/60 of its tokens back.
    now = 1_000;
    expect(allowed(t.take('new'))).toBe(true);
    expect(t.trackedSources()).toBe(1);
  });
});

describe('reservations per source address', () => {
  it("releasing one kind keeps what the address still holds of another, so its caps still hold", () => {
    const s = new SourceLimits({ ...DEFAULT_LIMITS, maxConnectionsPerAddress: 2, maxAnonymousSocketsPerAddress: 1 });
    const c1 = s.reserve('connections', 'x');
    const c2 = s.reserve('connections', 'x');
    const anon = s.reserve('anonymousSockets', 'x');
    if (typeof anon === 'string' || typeof c1 === 'string' || typeof c2 === 'string') throw new Error('refused');
    anon.release();
    expect(s.totals()).toMatchObject({ connections: 2, anonymousSockets: 0, sources: 1 });
    // The attacker's third connection is still over its address's cap.
    expect(s.reserve('connections', 'x')).toBe('source');
    const body = s.reserve('bodyBytes', 'x', 10);
    if (typeof body === 'string') throw new Error('refused');
    c1.release();
    c2.release();
    expect(s.totals()).toMatchObject({ connections: 0, bodyBytes: 10, sources: 1 });
    body.release();
    expect(s.totals()).toEqual({ connections: 0, anonymousSockets: 0, bodyBytes: 0, sources: 0 });
  });

  it('reserves body bytes by amount, up to each cap exactly', () => {
    const s = new SourceLimits({ ...DEFAULT_LIMITS, maxBodyBytesInFlight: 100, maxBodyBytesInFlightPerAddress: 60 });
    expect(s.reserve('bodyBytes', 'a', 61)).toBe('source');
    const a = s.reserve('bodyBytes', 'a', 60);
    expect(typeof a).toBe('object');
    expect(s.reserve('bodyBytes', 'a', 1)).toBe('source');
    expect(s.reserve('bodyBytes', 'b', 41)).toBe('relay');
    const b = s.reserve('bodyBytes', 'b', 40);
    expect(typeof b).toBe('object');
    expect(s.totals()).toMatchObject({ bodyBytes: 100, sources: 2 });
    // A refusal leaves nothing behind.
    expect(s.reserve('bodyBytes', 'c', 1)).toBe('relay');
    expect(s.totals().sources).toBe(2);
    // The default amount is one.
    if (typeof a === 'string') throw new Error('refused');
    a.release();
    const one = s.reserve('bodyBytes', 'a');
    expect(typeof one).toBe('object');
    expect(s.totals()).toMatchObject({ bodyBytes: 41 });
  });
});

describe('source addresses as the kernel may give them', () => {
  it('upper case, leading zeros and zone ids fold to one key', () => {
    expect(sourceKey('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:0db8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:0db8:0000:0002::')).toBe('2001:db8:0:2::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceKey('FE80::ABCD%2')).toBe('fe80:0:0:0::/64');
    expect(sourceKey('::FFFF:198.51.100.7')).toBe('198.51.100.7');
    expect(sourceKey('')).toBe('?');
  });

  it('each /64 is its own key, and one /64 is one key', () => {
    expect(sourceKey('2001:db8:1:2::1')).not.toBe(sourceKey('2001:db8:1:3::1'));
    expect(sourceKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(sourceKey('2001:db8:1:2::'));
    expect(sourceKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('::')).toBe('0:0:0:0::/64');
  });

  it('only a whole mapped IPv4 address is folded', () => {
    expect(sourceKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(sourceKey('1::ffff:10.0.0.1')).not.toBe('10.0.0.1');
    expect(sourceKey('::ffff:10.0.0.1.5')).not.toBe('10.0.0.1');
    expect(sourceKey('::ffff:10.0.0')).not.toBe('10.0.0');
  });
});

describe('the connection cap under the descriptor limit', () => {
  it('keeps FD_HEADROOM descriptors, never less than 64 connections, and says when it lowered', () => {
    expect(connectionCap(16_384, false, 100)).toEqual({ cap: 64, lowered: true });
    expect(connectionCap(16_384, false, 64 + FD_HEADROOM - 1)).toEqual({ cap: 64, lowered: true });
    expect(connectionCap(3_840, false, 3_840 + FD_HEADROOM)).toEqual({ cap: 3_840, lowered: false });
    expect(connectionCap(3_841, false, 3_840 + FD_HEADROOM)).toEqual({ cap: 3_840, lowered: true });
    expect(connectionCap(10, false, 100)).toEqual({ cap: 10, lowered: false });
  });
});

describe('the limits an operator sets', () => {
  it('without a file, every default', () => {
    expect(resolveLimits(undefined)).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
  });

  it('overlays what was set and keeps the rest', () => {
    const r = resolveLimits({ maxConnections: 7, postSocketIdleMs: 0.5 });
    expect(r).toEqual({ ...DEFAULT_LIMITS, maxConnections: 7, postSocketIdleMs: 0.5 });
  });

  it.each([[-1], [0], [Number.NaN], [Number.POSITIVE_INFINITY], ['5'], [null], [true], [[5]]])('refuses %j', (v) => {
    expect(() => resolveLimits({ maxConnections: v })).toThrow(RangeError);
  });

  it('refuses a key that only exists on every object', () => {
    expect(() => resolveLimits({ toString: 5 })).toThrow(/unknown limit/);
  });
});

describe('the free-disk floor', () => {
  const disk = (free: () => Promise<number>, minFree = 100) => {
    let now = 0;
    let probes = 0;
    const errors: unknown[] = [];
    const d = new FreeDisk(
      () => {
        probes++;
        return free();
      },
      minFree,
      () => now,
      (e) => errors.push(e),
    );
    return { d, errors, probes: () => probes, at: (t: number) => (now = t) };
  };
  const refused = (p: Promise<void>) =>
    p.then(
      () => false,
      (e: unknown) => {
        expect(e).toBeInstanceOf(RelayError);
        expect((e as RelayError).code).toBe('DISK_FULL');
        return true;
      },
    );

  it('refuses below the floor from the very first request, and allows exactly at it', async () => {
    let free = 99;
    const f = disk(async () => free);
    expect(await refused(f.d.requireRoom())).toBe(true);
    free = 100;
    f.at(DISK_READING_MS);
    expect(await refused(f.d.requireRoom())).toBe(false);
  });

  it('reads at most once a second, and again exactly a second after the last reading', async () => {
    let free = 1_000;
    const f = disk(async () => free);
    await f.d.requireRoom();
    free = 0;
    f.at(DISK_READING_MS - 1);
    expect(await refused(f.d.requireRoom())).toBe(false);
    expect(f.probes()).toBe(1);
    f.at(DISK_READING_MS);
    expect(await refused(f.d.requireRoom())).toBe(true);
    expect(f.probes()).toBe(2);
  });

  it('concurrent requests share one reading', async () => {
    let release!: (n: number) => void;
    const f = disk(() => new Promise<number>((r) => (release = r)));
    const a = refused(f.d.requireRoom());
    const b = refused(f.d.requireRoom());
    release(1);
    expect(await Promise.all([a, b])).toEqual([true, true]);
    expect(f.probes()).toBe(1);
  });

  it('a failing reading is reported, and the last good one stands', async () => {
    let fail = false;
    const f = disk(async () => {
      if (fail) throw new Error('EIO');
      return 50;
    });
    expect(await refused(f.d.requireRoom())).toBe(true);
    fail = true;
    f.at(DISK_READING_MS);
    expect(await refused(f.d.requireRoom())).toBe(true);
    expect(f.errors).toHaveLength(1);
    // The failed reading counts as a reading: no retry within the second.
    f.at(DISK_READING_MS + 500);
    await refused(f.d.requireRoom());
    expect(f.probes()).toBe(2);
  });

  it('reads the file system: bytes an unprivileged process may write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'freedisk-'));
    const got = await statfsProbe(dir)();
    const s = statfsSync(dir);
    // Other writers may move it a little between the two readings.
    expect(Math.abs(got - s.bavail * s.bsize)).toBeLessThan(512 * 1024 * 1024);
    expect(got).toBeGreaterThan(s.bavail);
  });
});

describe('the shared blob space', () => {
  const ctx = (devices: number, used: { blobs: number; bytes: number }) =>
    ({
      store: { countLiveDevices: async () => devices, blobUsage: async () => used },
      limits: { ...DEFAULT_LIMITS, blobsPerDevice: 4, blobBytesPerDevice: 1_000 },
    }) as unknown as RelayContext;

  it('is a share per live device', async () => {
    expect(await blobSpaceOf(ctx(3, { blobs: 0, bytes: 0 }))).toEqual({ maxBlobs: 12, maxBytes: 3_000 });
  });

  it('takes a new blob that fits exactly, and refuses one blob or one byte more', async () => {
    const space = { maxBlobs: 12, maxBytes: 3_000 };
    expect(await roomForNewBlob(ctx(3, { blobs: 11, bytes: 2_000 }), space, 1_000)).toBe(true);
    expect(await roomForNewBlob(ctx(3, { blobs: 12, bytes: 0 }), space, 1)).toBe(false);
    expect(await roomForNewBlob(ctx(3, { blobs: 0, bytes: 2_000 }), space, 1_001)).toBe(false);
  });
});
