/**
 * @module pushPolicy
 * The push provider's view under each privacy level, produced by the relay's own wake-up
 * timing: the same `WakeSchedule` and `WAKE_POLICIES` that packages/server/src/push/wakeUps.ts
 * runs on real time, run here on the simulated traffic's time. So the precision and cost this
 * bench reports are those of what the relay does: a random delay for each message's wake-up
 * within the level's bound, a coalescing window per browser (posts before a wake-up share it),
 * and cover wake-ups at the level's rate. Not modelled: calls (the traffic has none; a ring
 * wakes at once) and the coalescing of a wake-up still on its way (network time).
 */
import { ridesCover, WAKE_POLICIES, type WakePolicy } from '../../packages/server/src/push/wakePolicy.ts';
import { WakeSchedule } from '../../packages/server/src/push/wakeSchedule.ts';
import type { Random } from './random.ts';

export type PushPolicy = {
  readonly level: string;
  readonly wake: WakePolicy;
};

export const PUSH_POLICIES: readonly PushPolicy[] = [
  { level: 'off (every post wakes at once)', wake: WAKE_POLICIES.off },
  { level: 'balanced (web app default)', wake: WAKE_POLICIES.balanced },
  { level: 'strict', wake: WAKE_POLICIES.strict },
];

/**
 * Battery proxy: seconds a phone is awake per wake-up, the cellular radio's tail after a short
 * exchange (~10 s on LTE) plus the worker's inbox round (~2 s). A rough, stated constant.
 */
export const AWAKE_SECONDS_PER_WAKE = 12;

export type WakeUp = { readonly t: number; readonly user: number; readonly cover: boolean };

/** Wake-ups per browser from the times (seconds) its device is sent something, under one level. */
export function wakeUpsUnder(policy: PushPolicy, deliveries: readonly { readonly t: number; readonly user: number }[], users: number, durationSeconds: number, rng: Random): WakeUp[] {
  const schedule = new WakeSchedule(() => rng.next());
  const endMs = durationSeconds * 1000;
  const byUser: number[][] = Array.from({ length: users }, () => []);
  for (const d of deliveries) byUser[d.user]?.push(d.t * 1000);
  const sent: WakeUp[] = [];
  for (let user = 0; user < users; user++) {
    const key = String(user);
    let due: number | undefined;
    const coverGap = (): number => schedule.coverGap(policy.wake) ?? Infinity;
    let cover = coverGap();
    const send = (t: number, isCover: boolean): void => {
      schedule.sent(key, t);
      due = undefined;
      sent.push({ t: t / 1000, user, cover: isCover });
    };
    // Runs the wake-ups the relay's timers would fire up to `until`, in time order.
    const runUntil = (until: number): void => {
      for (;;) {
        const next = Math.min(due ?? Infinity, cover);
        if (next > until) return;
        if (due !== undefined && due <= cover) send(due, false);
        else {
          send(cover, true);
          cover += coverGap();
        }
      }
    };
    for (const t of byUser[user]!.sort((a, b) => a - b)) {
      runUntil(t);
      // Every browser here has its cover timer from the start, as the relay's once it knows it.
      if (ridesCover(policy.wake, false, cover !== Infinity)) continue;
      const at = schedule.due(key, policy.wake, false, t);
      if (at === undefined) continue;
      if (at <= t) send(t, false);
      else due = at;
    }
    runUntil(endMs);
  }
  return sent.sort((a, b) => a.t - b.t);
}
