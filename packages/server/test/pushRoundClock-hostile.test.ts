/**
 * @module pushRoundClock-hostile.test
 * The push-round machinery (server/src/ws: pushRounds.ts, coverPush.ts, openPushRounds.ts,
 * pushRoundPolicy.ts) on its own, on a clock the test moves, from the side of the global
 * network observer the rounds are there to defeat (issue 12): every release must sit on one
 * lattice of boundaries fixed when the first inbox opened, a held inbox must get its real
 * frame and never cover on top, idle inboxes must get cover at the level's chance with the
 * sizes real pushes have, and an idle relay must stop its timer (and restart it on the same
 * lattice). The relay-level view of the same rules is pushRounds.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, ENVELOPE_HEADER_SIZE, ENVELOPE_VERSION, ValidationError } from '@hardline/protocol';
import { ManualClock } from '../../../test/support/manualClock.ts';
import { REAL_CLOCK } from '../src/push/wakeUps.ts';
import { coverEnvelopeBytes, CoverSizes } from '../src/ws/coverPush.ts';
import { openPushRounds } from '../src/ws/openPushRounds.ts';
import { DEFAULT_PUSH_ROUND_LEVEL, parsePushRoundLevel, PUSH_ROUND_POLICIES, type PushRoundPolicy } from '../src/ws/pushRoundPolicy.ts';
import { nextRoundBoundary, PushRounds, type RoundMember } from '../src/ws/pushRounds.ts';

/** A round member that records when it was released and whether with cover. */
class Member implements RoundMember {
  readonly releases: { t: number; cover: Uint8Array | undefined }[] = [];
  onRelease: (() => void) | undefined;
  constructor(private readonly clock: ManualClock) {}
  releaseRound(cover: Uint8Array | undefined): void {
    this.releases.push({ t: this.clock.now(), cover });
    this.onRelease?.();
  }
  get covers(): number {
    return this.releases.filter((r) => r.cover !== undefined).length;
  }
}

/** A random source that returns `values` in turn, then `rest`; counts its calls. */
function scripted(values: number[], rest = 0.5): { next: () => number; calls: () => number } {
  let i = 0;
  return { next: () => (i < values.length ? values[i++]! : (i++, rest)), calls: () => i };
}

const policy = (roundMs: number, coverChance: number): PushRoundPolicy => ({ level: 'balanced', roundMs, coverChance, urgentWaits: false });

describe('the round lattice', () => {
  it('the next boundary is strictly after now, also when now is on a boundary or before the phase', () => {
    expect(nextRoundBoundary(250, 1000, 1000)).toBe(1250);
    expect(nextRoundBoundary(250, 1000, 1250)).toBe(2250);
    expect(nextRoundBoundary(250, 1000, 1249.5)).toBe(1250);
    expect(nextRoundBoundary(250, 1000, 0)).toBe(250);
    expect(nextRoundBoundary(250, 1000, 250)).toBe(1250);
    expect(nextRoundBoundary(250, 1000, -800)).toBe(-750);
    expect(nextRoundBoundary(0, 5000, 12_345)).toBe(15_000);
  });

  it('its phase is drawn once, when the first inbox opens, at a random point of a round', async () => {
    const clock = new ManualClock();
    await clock.advance(10_000);
    const random = scripted([0.25], 0.99);
    const rounds = new PushRounds(policy(1000, 0), { clock, random: random.next });
    expect(rounds.nextBoundary(10_000)).toBe(11_000);
    const a = new Member(clock);
    rounds.join(a);
    expect(random.calls()).toBe(1);
    expect(rounds.nextBoundary(clock.now())).toBe(10_250);
    expect(clock.pending).toBe(1);
    await clock.advance(3_000);
    expect(a.releases.map((r) => r.t)).toEqual([10_250, 11_250, 12_250]);
    expect(rounds.stats.rounds).toBe(3);
    // A second inbox neither draws a new phase nor starts a second timer.
    const b = new Member(clock);
    rounds.join(b);
    expect(random.calls()).toBe(1);
    expect(clock.pending).toBe(1);
    await clock.advance(1_000);
    expect(a.releases.at(-1)!.t).toBe(13_250);
    expect(b.releases.map((r) => r.t)).toEqual([13_250]);
    expect(rounds.stats.rounds).toBe(4);
  });

  it('an idle relay stops its timer, and the next inbox finds the same lattice', async () => {
    const clock = new ManualClock();
    const random = scripted([0.4]);
    const rounds = new PushRounds(policy(1000, 0), { clock, random: random.next });
    const a = new Member(clock);
    const b = new Member(clock);
    rounds.join(a);
    rounds.join(b);
    rounds.leave(a);
    // One inbox left: the timer runs on.
    expect(clock.pending).toBe(1);
    rounds.leave(b);
    expect(clock.pending).toBe(0);
    await clock.advance(5_321);
    rounds.join(a);
    expect(random.calls()).toBe(1);
    await clock.advance(1_000);
    expect(a.releases.map((r) => r.t)).toEqual([5_400]);
    expect(b.releases).toEqual([]);
  });

  it('an inbox that closes during its own release leaves no timer behind', async () => {
    const clock = new ManualClock();
    const rounds = new PushRounds(policy(1000, 0), { clock, random: () => 0 });
    const a = new Member(clock);
    a.onRelease = () => rounds.leave(a);
    rounds.join(a);
    await clock.advance(1_000);
    expect(a.releases).toHaveLength(1);
    expect(clock.pending).toBe(0);
    expect(rounds.stats.rounds).toBe(1);
  });

  it('close stops the rounds and forgets every inbox', async () => {
    const clock = new ManualClock();
    const rounds = new PushRounds(policy(1000, 1), { clock, random: () => 0 });
    const a = new Member(clock);
    rounds.join(a);
    rounds.hold(a);
    rounds.close();
    expect(clock.pending).toBe(0);
    await clock.advance(5_000);
    expect(a.releases).toEqual([]);
    // Rejoining after close starts a fresh timer; `a` is no longer held, so it gets cover.
    rounds.join(a);
    await clock.advance(1_000);
    expect(a.releases).toHaveLength(1);
    expect(a.covers).toBe(1);
  });

  it('off: pushes go at once, no inbox joins a round and no timer runs', async () => {
    const clock = new ManualClock();
    const rounds = openPushRounds({ level: 'off', timing: { clock, random: () => 0.5 } });
    expect(rounds.immediate).toBe(true);
    const a = new Member(clock);
    rounds.join(a);
    expect(clock.pending).toBe(0);
    await clock.advance(10_000);
    expect(a.releases).toEqual([]);
    expect(new PushRounds(policy(0, 0), { clock, random: () => 0 }).immediate).toBe(true);
    expect(new PushRounds(policy(1, 0), { clock, random: () => 0 }).immediate).toBe(false);
  });
});

describe('what a round releases', () => {
  it('a held inbox gets its real frame and no cover; idle ones get cover at the chance', async () => {
    const clock = new ManualClock();
    // Phase 0; then one draw per idle inbox per round.
    const random = scripted([0, 0.1, 0.0999], 0.5);
    const rounds = new PushRounds(policy(1000, 0.1), { clock, random: random.next });
    const held = new Member(clock);
    const atChance = new Member(clock);
    const under = new Member(clock);
    for (const m of [held, atChance, under]) rounds.join(m);
    rounds.hold(held);
    await clock.advance(1_000);
    expect(held.releases).toEqual([{ t: 1_000, cover: undefined }]);
    // A draw equal to the chance is not under it: no cover.
    expect(atChance.releases).toEqual([{ t: 1_000, cover: undefined }]);
    expect(under.covers).toBe(1);
    expect(rounds.stats).toEqual({ rounds: 1, cover: 1 });
    // The held inbox drew nothing: only the phase and the two idle inboxes did (the cover's
    // size comes from the default while no real push was seen).
    expect(random.calls()).toBe(3);
  });

  it('holding lasts one round: the next round an idle inbox gets cover again', async () => {
    const clock = new ManualClock();
    const rounds = new PushRounds(policy(1000, 1), { clock, random: () => 0 });
    const a = new Member(clock);
    rounds.join(a);
    rounds.hold(a);
    await clock.advance(2_000);
    expect(a.releases.map((r) => r.cover !== undefined)).toEqual([false, true]);
    expect(rounds.stats).toEqual({ rounds: 2, cover: 1 });
  });

  it('an inbox that left and came back before the round is not still counted as held', async () => {
    const clock = new ManualClock();
    const rounds = new PushRounds(policy(1000, 1), { clock, random: () => 0 });
    const keepAlive = new Member(clock);
    const a = new Member(clock);
    rounds.join(keepAlive);
    rounds.join(a);
    rounds.hold(a);
    rounds.leave(a);
    rounds.join(a);
    await clock.advance(1_000);
    expect(a.covers).toBe(1);
  });

  it('cover takes the sizes of real pushes, as envelopes of a bucket size', async () => {
    const clock = new ManualClock();
    const rounds = new PushRounds(policy(1000, 1), { clock, random: () => 0 });
    const a = new Member(clock);
    rounds.join(a);
    await clock.advance(1_000);
    expect(a.releases[0]!.cover!.length).toBe(ENVELOPE_HEADER_SIZE + 1024);
    rounds.noteSize(ENVELOPE_HEADER_SIZE + 256);
    await clock.advance(1_000);
    expect(a.releases[1]!.cover!.length).toBe(ENVELOPE_HEADER_SIZE + 256);
  });
});

describe('cover sizes', () => {
  const all = (s: CoverSizes, n: number): number[] => Array.from({ length: n }, (_, i) => s.pick(() => i / n));

  it('until a real push is seen, the 1 KiB bucket most texts fill', () => {
    expect(new CoverSizes().pick(() => 0.7)).toBe(1024);
  });

  it('takes payloads of 1 byte up to 4 KiB, and leaves empty and larger ones to real traffic', () => {
    const s = new CoverSizes();
    s.note(ENVELOPE_HEADER_SIZE);
    s.note(ENVELOPE_HEADER_SIZE - 1);
    s.note(ENVELOPE_HEADER_SIZE + 4097);
    s.note(ENVELOPE_HEADER_SIZE + 64 * 1024);
    expect(s.pick(() => 0)).toBe(1024);
    s.note(ENVELOPE_HEADER_SIZE + 4096);
    s.note(ENVELOPE_HEADER_SIZE + 1);
    expect(all(s, 2)).toEqual([4096, 1]);
  });

  it('remembers the last 64 real sizes, oldest replaced first', () => {
    const s = new CoverSizes();
    for (let i = 1; i <= 64; i++) s.note(ENVELOPE_HEADER_SIZE + i);
    expect(all(s, 64)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    s.note(ENVELOPE_HEADER_SIZE + 1000);
    s.note(ENVELOPE_HEADER_SIZE + 2000);
    const after = all(s, 64);
    expect(after).toHaveLength(64);
    expect(after.slice(0, 3)).toEqual([1000, 2000, 3]);
    expect(after.at(-1)).toBe(64);
    // After a whole turn of the ring, the slot after the last write is the oldest again.
    for (let i = 0; i < 62; i++) s.note(ENVELOPE_HEADER_SIZE + 7);
    s.note(ENVELOPE_HEADER_SIZE + 9);
    expect(all(s, 64)[0]).toBe(9);
  });

  it('an account holder who pulls a flood of one size through its own inbox holds one slot, not the ring', () => {
    // 20 devices read ordinary 1 KiB texts; then one device drains 500 envelopes of 256 B that
    // it posted to itself, to make every cover 256 B so that a real text would stand out.
    const s = new CoverSizes();
    for (let d = 0; d < 20; d++) s.note(ENVELOPE_HEADER_SIZE + 1024, `device-${d}`);
    for (let i = 0; i < 500; i++) s.note(ENVELOPE_HEADER_SIZE + 256, 'attacker');
    const sizes = all(s, 21);
    expect(sizes.filter((x) => x === 256)).toHaveLength(1);
    expect(sizes.filter((x) => x === 1024)).toHaveLength(20);
    // The same device's slot follows its latest push; another device's push takes a new slot.
    s.note(ENVELOPE_HEADER_SIZE + 4096, 'attacker');
    s.note(ENVELOPE_HEADER_SIZE + 512, 'device-20');
    expect(all(s, 22).sort((a, b) => a - b)).toEqual([512, ...Array<number>(20).fill(1024), 4096]);
  });

  it('a reader whose slot the ring reused gets a new one when it pushes again', () => {
    const s = new CoverSizes();
    s.note(ENVELOPE_HEADER_SIZE + 100, 'old');
    for (let i = 0; i < 64; i++) s.note(ENVELOPE_HEADER_SIZE + 200, `r${i}`);
    expect(all(s, 64)).not.toContain(100);
    s.note(ENVELOPE_HEADER_SIZE + 300, 'old');
    expect(all(s, 64).filter((x) => x === 300)).toHaveLength(1);
    expect(all(s, 64).filter((x) => x === 200)).toHaveLength(63);
  });

  it('a cover envelope is version 1 with random ids and payload, of the length asked for', () => {
    const a = coverEnvelopeBytes(1024);
    const b = coverEnvelopeBytes(1024);
    expect(a.length).toBe(ENVELOPE_HEADER_SIZE + 1024);
    expect(a[0]).toBe(ENVELOPE_VERSION);
    const da = decodeEnvelope(a);
    const db = decodeEnvelope(b);
    expect(da.mailboxId).not.toBe(db.mailboxId);
    expect(da.envelopeId).not.toBe(db.envelopeId);
    // Random to its last byte: no zero tail an observer (or the relay's disk) could tell apart.
    // Down to its last 8 bytes (a zero tail as short as 24 bytes went unseen when this looked
    // only at the last 32); all zero by chance once in 2^64.
    for (const e of [a, b]) expect(e.subarray(-8).some((x) => x !== 0)).toBe(true);
    expect(Buffer.from(a.subarray(-64))).not.toEqual(Buffer.from(b.subarray(-64)));
  });
});

describe('the operator\'s push-round options', () => {
  it('the default level is balanced, on the real clock', () => {
    expect(DEFAULT_PUSH_ROUND_LEVEL).toBe('balanced');
    const r = openPushRounds();
    expect(r.policy).toEqual(PUSH_ROUND_POLICIES.balanced);
    expect(r.immediate).toBe(false);
    expect(openPushRounds({ level: 'strict' }).policy).toEqual(PUSH_ROUND_POLICIES.strict);
  });

  it('a test may shorten the round, and brings its own clock and random source', async () => {
    const clock = new ManualClock();
    const r = openPushRounds({ level: 'strict', roundMs: 40, timing: { clock, random: () => 0.5 } });
    expect(r.policy).toEqual({ ...PUSH_ROUND_POLICIES.strict, roundMs: 40 });
    const a = new Member(clock);
    r.join(a);
    expect(clock.pending).toBe(1);
    await clock.advance(40);
    expect(a.releases.map((x) => x.t)).toEqual([20]);
    r.close();
  });

  it('off stays off whatever round length is given', () => {
    const r = openPushRounds({ level: 'off', roundMs: 500 });
    expect(r.immediate).toBe(true);
    expect(r.policy.roundMs).toBe(0);
    expect(openPushRounds({ level: 'off', roundMs: 0 }).immediate).toBe(true);
  });

  it.each([[0], [-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses a round of %j ms at balanced', (roundMs) => {
    expect(() => openPushRounds({ level: 'balanced', roundMs })).toThrow(RangeError);
  });

  it('refuses a negative or infinite round at off too', () => {
    expect(() => openPushRounds({ level: 'off', roundMs: -1 })).toThrow(RangeError);
    expect(() => openPushRounds({ level: 'off', roundMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('names only the three levels', () => {
    for (const l of ['off', 'balanced', 'strict'] as const) expect(parsePushRoundLevel(l)).toBe(l);
    for (const v of ['Balanced', 'STRICT', '', ' off', undefined, null, ['strict'], 1]) {
      expect(() => parsePushRoundLevel(v)).toThrow(ValidationError);
    }
    expect(() => openPushRounds({ level: 'paranoid' as never })).toThrow(ValidationError);
  });

  it('without a clock given, rounds run on the real one', () => {
    const r = openPushRounds({ level: 'balanced', timing: { random: () => 0 } as never });
    const before = REAL_CLOCK.now();
    r.join(new Member(new ManualClock()));
    // The phase was drawn from Date.now (random 0: the phase is the moment of joining).
    const b = r.nextBoundary(before);
    expect(b).toBeGreaterThanOrEqual(before);
    expect(b - before).toBeLessThanOrEqual(1000 + (REAL_CLOCK.now() - before));
    r.close();
  });
});
