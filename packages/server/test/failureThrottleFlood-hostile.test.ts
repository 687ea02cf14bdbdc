/**
 * @module failureThrottleFlood-hostile.test
 * The failure throttle (limits/failureThrottle.ts) against a guesser with many addresses, on a
 * clock that starts where a real one does (not at 0):
 *  - fresh (clean) addresses may still try when the relay-wide bucket is empty, but must not
 *    drive it below empty: the ingress hop's users, held by that bucket alone, would wait ever
 *    longer;
 *  - the address table is swept once a minute, not on every attempt (a sweep walks up to
 *    50,000 entries: one per attempt would let a flood cost the relay that much each time);
 *  - at a full address table, a guesser whose own bucket is full gets its bucket's worth of
 *    guesses and no more (the sweep that makes room must not drop the bucket it is charging).
 */
import { describe, expect, it } from 'vitest';
import { FailureThrottle, UNATTRIBUTED_SOURCE } from '../src/limits/failureThrottle.ts';

/** failureThrottle.ts MAX_TRACKED. */
const MAX_TRACKED = 50_000;
const T0 = Date.UTC(2026, 11, 3, 12, 0);

const allowed = (a: ReturnType<FailureThrottle['take']>): boolean => a.allowed;

describe('a guesser with many fresh addresses', () => {
  it('cannot push the relay-wide bucket below empty and so hold the hop users back longer', () => {
    let now = T0;
    const t = new FailureThrottle({ perMinute: 1, perMinutePerAddress: 5 }, () => now);
    expect(allowed(t.take(UNATTRIBUTED_SOURCE))).toBe(true);
    // The relay-wide bucket is empty; clean addresses still get their try.
    for (let i = 0; i < 5; i++) expect(allowed(t.take(`fresh${i}`))).toBe(true);
    expect(t.take(UNATTRIBUTED_SOURCE)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    now += 60_000;
    expect(allowed(t.take(UNATTRIBUTED_SOURCE))).toBe(true);
  });
});

describe('the address table', () => {
  it('is swept a minute after the last sweep, not on every attempt', () => {
    let now = T0;
    const t = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 60 }, () => now);
    t.take('a');
    // One second later a's bucket is full again, but the minute is not over: still tracked.
    now += 1_000;
    t.check('b');
    expect(t.trackedSources()).toBe(1);
    now = T0 + 60_000;
    t.check('b');
    expect(t.trackedSources()).toBe(0);
  });

  it('full: a guesser with a full bucket gets that bucket and no more', () => {
    let now = T0;
    const t = new FailureThrottle({ perMinute: 10 * MAX_TRACKED, perMinutePerAddress: 2 }, () => now);
    for (let i = 0; i < MAX_TRACKED - 1; i++) t.take(`a${i}`);
    t.take('g');
    expect(t.trackedSources()).toBe(MAX_TRACKED);
    // 30 s later every bucket, the guesser's too, has its token back; no minute sweep yet.
    now += 30_000;
    const got = Array.from({ length: 4 }, () => allowed(t.take('g')));
    expect(got).toEqual([true, true, false, false]);
  });
});
