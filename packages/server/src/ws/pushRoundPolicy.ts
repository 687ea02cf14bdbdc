/**
 * @module pushRoundPolicy
 * How the relay times pushes to held-open inboxes (the web app's `WS /v1/inbox`), per privacy
 * level: the same names as the client's send-scheduler levels (packages/client/src/privacyLevel.ts)
 * and the wake-up levels (push/wakePolicy.ts), set for the whole relay by its operator, since
 * rounds hide a push only among the other inboxes released in the same round.
 *
 * Why these numbers: issue 12 budgets the default level's added latency at p50 <= 2 s and
 * p99 <= 10 s in all, and the send scheduler already spends about 1.3 s of the p50 (BENCHMARKS.md,
 * "Send scheduler"). A 1 s round adds 0.5 s on average (uniform in [0, 1 s)), at most 1 s. Cover
 * at `balanced` goes to an idle inbox in one round in ten: one 1 KiB-bucket frame per 10 s,
 * about 0.1 KB/s. `strict` sends every open inbox at least one frame each 5 s round whether or
 * not anything real waits (cover when nothing does), at 0.2 KB/s and up to 5 s more delay; a
 * round with several held envelopes sends them all, so the frame count per round still shows.
 */
import { ValidationError } from '@hardline/protocol';
import { WakeLevels, type WakeLevel } from '../push/wakePolicy.ts';

/** The wake-up levels' names: one vocabulary for the operator across push and wake-ups. */
export const PushRoundLevels = WakeLevels;
export type PushRoundLevel = WakeLevel;

export type PushRoundPolicy = {
  readonly level: PushRoundLevel;
  /** Pushes wait for the next round boundary; 0: each goes at once (as before rounds). */
  readonly roundMs: number;
  /** Chance that an open inbox with nothing real in a round gets a cover envelope instead. */
  readonly coverChance: number;
  /**
   * Whether a post that asked for no wait (`wake=now`: a call's signalling) waits for the round
   * too. At `balanced` it does not: a ring must reach an open app within call setup's 1.5 s
   * budget, and a call's timing shows on TURN's link anyway (§7). At `strict` it does.
   */
  readonly urgentWaits: boolean;
};

export const PUSH_ROUND_POLICIES: Readonly<Record<PushRoundLevel, PushRoundPolicy>> = {
  off: { level: 'off', roundMs: 0, coverChance: 0, urgentWaits: false },
  balanced: { level: 'balanced', roundMs: 1_000, coverChance: 0.1, urgentWaits: false },
  strict: { level: 'strict', roundMs: 5_000, coverChance: 1, urgentWaits: true },
};

/** The web app's default level is `balanced` (packages/web/src/session/session.ts): so is the relay's. */
export const DEFAULT_PUSH_ROUND_LEVEL: PushRoundLevel = 'balanced';

export function parsePushRoundLevel(v: unknown): PushRoundLevel {
  const level = PushRoundLevels.find((l) => l === v);
  if (!level) throw new ValidationError(`push rounds level must be one of ${PushRoundLevels.join(', ')}`);
  return level;
}
