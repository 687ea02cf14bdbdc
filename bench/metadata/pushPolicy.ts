/**
 * @module pushPolicy
 * The push provider's defences, per privacy level, and the wake-ups they produce. The relay
 * today sends every wake-up at once and coalesces only one that is still on its way
 * (packages/server/src/push/wakeUps.ts): the `standard` level. The others are what this
 * benchmark weighs before building them: a coalescing window per browser, a random delay for
 * messages (never for calls: a ring must ring now, and the bench's traffic has no calls), and
 * cover wake-ups spread over the day.
 */
import type { Random } from './random.ts';

export type PushPolicy = {
  readonly level: string;
  /** A wake-up due within this long after the last one sent to the same browser is dropped. */
  readonly coalesceSeconds: number;
  /** Each message's wake-up waits uniformly in [0, this). */
  readonly maxDelaySeconds: number;
  /** Cover wake-ups per browser per day (Poisson, uniform over the day). */
  readonly coverPerDay: number;
};

export const PUSH_POLICIES: readonly PushPolicy[] = [
  { level: 'none (every post wakes at once)', coalesceSeconds: 0, maxDelaySeconds: 0, coverPerDay: 0 },
  { level: 'standard (what the relay does)', coalesceSeconds: 1, maxDelaySeconds: 0, coverPerDay: 0 },
  { level: 'high', coalesceSeconds: 60, maxDelaySeconds: 30, coverPerDay: 24 },
  { level: 'maximum', coalesceSeconds: 300, maxDelaySeconds: 120, coverPerDay: 96 },
];

/**
 * Battery proxy: seconds a phone is awake per wake-up, the cellular radio's tail after a short
 * exchange (~10 s on LTE) plus the worker's inbox round (~2 s). A rough, stated constant.
 */
export const AWAKE_SECONDS_PER_WAKE = 12;

export type WakeUp = { readonly t: number; readonly user: number; readonly cover: boolean };

/** Wake-ups per browser from the times its device is sent something, under one policy. */
export function wakeUpsUnder(policy: PushPolicy, deliveries: readonly { readonly t: number; readonly user: number }[], users: number, durationSeconds: number, rng: Random): WakeUp[] {
  const due: WakeUp[] = deliveries.map((d) => ({ t: d.t + rng.next() * policy.maxDelaySeconds, user: d.user, cover: false }));
  for (let u = 0; u < users; u++) {
    const n = rng.poisson((policy.coverPerDay * durationSeconds) / 86_400);
    for (let i = 0; i < n; i++) due.push({ t: rng.next() * durationSeconds, user: u, cover: true });
  }
  due.sort((a, b) => a.t - b.t);
  const lastSent = new Map<number, number>();
  const sent: WakeUp[] = [];
  for (const w of due) {
    const last = lastSent.get(w.user);
    if (last !== undefined && w.t - last < policy.coalesceSeconds) continue;
    lastSent.set(w.user, w.t);
    sent.push(w);
  }
  return sent;
}
