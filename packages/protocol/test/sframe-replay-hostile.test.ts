/**
 * The SFrame replay window from the side of whoever forwards media (an SFU, the TURN relay, the
 * network): it replays frames, holds them back and releases them late, and jumps the counter by
 * exactly the window size or one either way. The window must refuse every counter it has seen
 * and every one that fell out of it, and accept every other, whatever the order. A reference
 * model (a set of accepted counters and the highest one) says what each answer must be; the
 * sequences are random with a fixed seed, plus the edges written out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayError, ValidationError } from '../src/errors.ts';
import { ReplayWindow } from '../src/sframe/replay-window.ts';

type Outcome = 'ok' | 'replayed' | 'too-old';

/** What a replay window of `size` must answer: seen counters and those `size` or more below the highest are refused. */
class Model {
  readonly seen = new Set<bigint>();
  highest = -1n;
  constructor(readonly size: number) {}
  check(ctr: bigint): Outcome {
    if (ctr > this.highest) return 'ok';
    if (this.highest - ctr >= BigInt(this.size)) return 'too-old';
    return this.seen.has(ctr) ? 'replayed' : 'ok';
  }
  accept(ctr: bigint): void {
    this.seen.add(ctr);
    if (ctr > this.highest) this.highest = ctr;
  }
}

const outcome = (f: () => void): Outcome => {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof ReplayError) return e.reason;
    throw e;
  }
};

/** Runs `ctrs` through a window and the model; every answer (check, then accept) must agree. */
function replay(size: number, ctrs: readonly bigint[]): void {
  const w = new ReplayWindow(size);
  const m = new Model(size);
  for (const [i, ctr] of ctrs.entries()) {
    const want = m.check(ctr);
    expect(outcome(() => w.check(ctr)), `check #${i} ctr ${ctr} (highest ${m.highest}, size ${size})`).toBe(want);
    expect(outcome(() => w.accept(ctr)), `accept #${i} ctr ${ctr}`).toBe(want);
    if (want === 'ok') m.accept(ctr);
    expect(w.highest).toBe(m.highest < 0n ? undefined : m.highest);
  }
}

/** A step relative to the highest counter so far: forward, or back into (or just out of) the window. */
const step = (size: number) =>
  fc.oneof(
    fc.record({ forward: fc.constant(true), by: fc.constantFrom(1, 2, 31, 32, 33, size - 1, size, size + 1, 2 * size) }),
    fc.record({ forward: fc.constant(true), by: fc.integer({ min: 1, max: 3 * size }) }),
    fc.record({ forward: fc.constant(false), by: fc.constantFrom(0, 1, 31, 32, 33, size - 2, size - 1, size, size + 1) }),
    fc.record({ forward: fc.constant(false), by: fc.integer({ min: 0, max: size + 2 }) }),
  );

function counters(steps: readonly { forward: boolean; by: number }[]): bigint[] {
  let highest = -1n;
  const out: bigint[] = [];
  for (const s of steps) {
    const ctr = s.forward ? highest + BigInt(s.by) : highest - BigInt(s.by);
    if (ctr < 0n) continue;
    out.push(ctr);
    if (ctr > highest) highest = ctr;
  }
  return out;
}

describe('SFrame replay window against a forwarder that replays, delays and jumps', () => {
  it.each([32, 64, 96, 128])('agrees with the model on random sequences (size %i)', (size) => {
    fc.assert(
      fc.property(fc.array(step(size), { minLength: 1, maxLength: 120 }), (steps) => replay(size, counters(steps))),
      { seed: 0x5f4a3e + size, numRuns: 150 },
    );
  });

  it('after a jump of less than the window, the oldest counter still inside it stays refused if seen', () => {
    for (const size of [32, 128]) {
      const big = BigInt(size);
      // Seen: 2. Then a jump to 2 + size - 1 keeps 2 at the window's far edge.
      const w = new ReplayWindow(size);
      w.accept(2n);
      w.accept(2n + big - 1n);
      expect(outcome(() => w.check(2n))).toBe('replayed');
      expect(outcome(() => w.check(1n))).toBe('too-old');
      expect(outcome(() => w.check(3n))).toBe('ok');
      // One more step pushes 2 out: now too old, not merely seen.
      w.accept(2n + big);
      expect(outcome(() => w.check(2n))).toBe('too-old');
      expect(outcome(() => w.check(3n))).toBe('ok');
    }
  });

  it('forgets the slots it wraps around to, so fresh counters there are taken', () => {
    for (const size of [32, 64, 128]) {
      const big = BigInt(size);
      const w = new ReplayWindow(size);
      // Fill every counter 0 .. size-2, then jump by 5: the cleared slots wrap from the last to the first.
      for (let c = 0n; c < big - 1n; c++) w.accept(c);
      w.accept(big + 3n);
      for (const fresh of [big - 1n, big, big + 1n, big + 2n]) expect(outcome(() => w.check(fresh)), `${fresh}`).toBe('ok');
      for (const old of [4n, 5n, big - 2n]) expect(outcome(() => w.check(old)), `${old}`).toBe('replayed');
      for (const gone of [0n, 1n, 2n, 3n]) expect(outcome(() => w.check(gone)), `${gone}`).toBe('too-old');
      for (const fresh of [big - 1n, big, big + 1n, big + 2n]) w.accept(fresh);
    }
  });

  it('a jump of exactly the window size forgets everything before it; one less keeps the far edge', () => {
    const w = new ReplayWindow(32);
    for (let c = 0n; c < 32n; c++) w.accept(c);
    w.accept(63n); // advance 32: every earlier counter is out
    for (let c = 32n; c < 63n; c++) expect(outcome(() => w.check(c)), `${c}`).toBe('ok');
    expect(outcome(() => w.check(31n))).toBe('too-old');
    const v = new ReplayWindow(32);
    for (let c = 0n; c < 32n; c++) v.accept(c);
    v.accept(62n); // advance 31: counter 31 is still in, and seen
    expect(outcome(() => v.check(31n))).toBe('replayed');
    expect(outcome(() => v.check(30n))).toBe('too-old');
  });

  it('the largest window (65536 counters) works across its whole range; sizes past it or off the 32 grid are refused', () => {
    const size = 1 << 16;
    const w = new ReplayWindow(size);
    expect(w.size).toBe(size);
    const big = BigInt(size);
    for (const c of [0n, 31n, 32n, 33n, 4095n, 40000n, big - 1n]) w.accept(c);
    for (const c of [0n, 31n, 32n, 33n, 4095n, 40000n, big - 1n]) expect(outcome(() => w.check(c)), `${c}`).toBe('replayed');
    for (const c of [1n, 30n, 34n, 4094n, 4096n, 40001n, big - 2n]) expect(outcome(() => w.check(c)), `${c}`).toBe('ok');
    w.accept(big);
    expect(outcome(() => w.check(0n))).toBe('too-old');
    expect(outcome(() => w.check(1n))).toBe('ok');
    fc.assert(
      fc.property(fc.array(step(size), { minLength: 1, maxLength: 40 }), (steps) => replay(size, counters(steps))),
      { seed: 0x10000, numRuns: 20 },
    );
    for (const ok of [32, 96, size - 32, size]) expect(new ReplayWindow(ok).size).toBe(ok);
    for (const bad of [size + 32, size * 2, 48, 16, -32, 0]) expect(() => new ReplayWindow(bad), `${bad}`).toThrow(ValidationError);
  });
});
