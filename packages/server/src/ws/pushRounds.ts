/**
 * @module pushRounds
 * The relay's downstream defence (issue 12): pushes to held-open inboxes go out in rounds, not
 * milliseconds after their post, so an observer of the relay's links cannot pair an upload with
 * the download it causes by timing. One round clock serves every open inbox: its boundaries are
 * `phase + k * roundMs`, the phase drawn at random when the first inbox opens, so every push a
 * round releases leaves at the same moment, whichever post it came from. At each boundary an
 * open inbox with nothing real gets a cover envelope at the level's chance (coverPush.ts), so
 * that "a download at this boundary" does not even say "someone posted to this reader".
 *
 * What it does not touch: the backlog a reader gets when it subscribes (the offline drain goes
 * at once, as before: it follows the reader's own connect, not anyone's post), acks, and the
 * database as the source of truth (a held envelope is stored and committed; a connection that
 * closes before its round loses nothing, it gets the envelope on its next drain).
 *
 * Cost: each push waits for the next boundary, uniform in [0, roundMs) after its post; at
 * `balanced` 0.5 s on average and at most 1 s (pushRoundPolicy.ts).
 */
import type { WakeClock } from '../push/wakeUps.ts';
import { coverEnvelopeBytes, CoverSizes } from './coverPush.ts';
import type { PushRoundPolicy } from './pushRoundPolicy.ts';

/** What the rounds release: an inbox connection (inboxConnection.ts). */
export type RoundMember = {
  /** Send what was held for this round; `cover`: a cover envelope to send instead, if set. */
  releaseRound(cover: Uint8Array | undefined): void;
};

export type RoundTiming = { readonly clock: WakeClock; readonly random: () => number };

/**
 * The first boundary of the lattice `phase + k * roundMs` strictly after `now`. Pure, so that
 * the metadata bench (bench/metadata/pushRoundsModel.ts) times pushes exactly as the relay does.
 */
export function nextRoundBoundary(phase: number, roundMs: number, now: number): number {
  return phase + (Math.floor((now - phase) / roundMs) + 1) * roundMs;
}

export class PushRounds {
  readonly policy: PushRoundPolicy;
  readonly #timing: RoundTiming;
  readonly #members = new Set<RoundMember>();
  readonly #held = new Set<RoundMember>();
  readonly #sizes = new CoverSizes();
  #phase: number | undefined;
  #cancel: (() => void) | undefined;
  /** Rounds released and cover envelopes sent, for tests and the operator's counts. */
  readonly stats = { rounds: 0, cover: 0 };

  constructor(policy: PushRoundPolicy, timing: RoundTiming) {
    this.policy = policy;
    this.#timing = timing;
  }

  /** Off: pushes go at once, as before rounds. */
  get immediate(): boolean {
    return this.policy.roundMs <= 0;
  }

  /** An authenticated inbox opened: it takes part in every round from now on. */
  join(m: RoundMember): void {
    if (this.immediate) return;
    this.#members.add(m);
    this.#phase ??= this.#timing.clock.now() + this.#timing.random() * this.policy.roundMs;
    if (!this.#cancel) this.#schedule();
  }

  leave(m: RoundMember): void {
    this.#members.delete(m);
    this.#held.delete(m);
    // No open inbox, no timer: an idle relay does no work (the phase stays, so the lattice holds).
    if (this.#members.size === 0) this.#stop();
  }

  /** `m` holds something for the next round. */
  hold(m: RoundMember): void {
    this.#held.add(m);
  }

  /** A real push of this many bytes went out to `reader`: cover takes the sizes real pushes have. */
  noteSize(length: number, reader?: string): void {
    this.#sizes.note(length, reader);
  }

  /** A cover envelope of a size real pushes have had: the drain's padding (inboxConnection.ts). */
  coverEnvelope(): Uint8Array {
    return coverEnvelopeBytes(this.#sizes.pick(this.#timing.random));
  }

  close(): void {
    this.#stop();
    this.#members.clear();
    this.#held.clear();
  }

  /** The first boundary after `now`. */
  nextBoundary(now: number): number {
    return nextRoundBoundary(this.#phase ?? now, this.policy.roundMs, now);
  }

  #schedule(): void {
    const now = this.#timing.clock.now();
    this.#cancel = this.#timing.clock.after(this.nextBoundary(now) - now, () => {
      this.#cancel = undefined;
      this.#release();
      if (this.#members.size > 0) this.#schedule();
    });
  }

  #stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #release(): void {
    this.stats.rounds++;
    // All in one synchronous pass: held envelopes are in memory (inboxConnection.ts), so real
    // and cover frames of a round leave together and their order within it says nothing.
    for (const m of [...this.#members]) {
      const real = this.#held.has(m);
      const cover = !real && this.policy.coverChance > 0 && this.#timing.random() < this.policy.coverChance;
      if (cover) this.stats.cover++;
      m.releaseRound(cover ? coverEnvelopeBytes(this.#sizes.pick(this.#timing.random)) : undefined);
    }
    this.#held.clear();
  }
}
