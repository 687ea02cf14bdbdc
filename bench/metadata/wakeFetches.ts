/**
 * @module wakeFetches
 * What a closed web app shows the relay's link: its service worker, woken by a Web Push
 * wake-up, reads the device's inbox over the authenticated session, from the device's address.
 * The relay sends a message's wake-up only to a mailbox that no open inbox reads
 * (packages/server/src/post/acceptPost.ts), at the level's random delay and coalescing, and
 * cover wake-ups at the level's Poisson rate to every registered browser; the wake-ups come from
 * the relay's own WakeSchedule (pushPolicy.ts), so their timing is the relay's.
 *
 * The global observer sees the inbox read, not the push (the push service's link carries every
 * browser's wake-ups on shared connections). A wake-up that lands while the tab is open adds
 * nothing (the device is on the link already), so only closed tabs' reads are sightings.
 */
import type { WakePolicy } from '../../packages/server/src/push/wakePolicy.ts';
import type { Sighting } from './adversaryView.ts';
import { wakeUpsUnder } from './pushPolicy.ts';
import { DRAIN_FLOOR } from '../../packages/server/src/ws/inboxConnection.ts';
import { CONNECTION_BYTES } from './costFigures.ts';
import type { Random } from './random.ts';
import type { SimMessage } from './trafficSchedule.ts';
import { isOpenAt, type WebAppPlan } from './webAppDevice.ts';

/** From the wake-up to the worker's inbox read reaching the relay: push delivery plus start-up. */
const READ_AFTER_WAKE_SECONDS = { min: 1, max: 4 } as const;

/** A 1 KiB-bucket envelope with its header (1,057 B measured) and its share of the ack frame. */
const FLOOR_ENVELOPE_BYTES = 1_100;

/**
 * What one wake-up costs a device's data plan: a fresh connection (costFigures.ts's estimate),
 * one inbox round of auth and fetch frames (about 1.5 KB), and the relay's drain floor: each
 * read carries at least DRAIN_FLOOR envelopes (inboxConnection.ts), cover where the inbox is
 * empty, most of them 1 KiB-bucket ones. The push itself rides the vendor's connection, which
 * the phone keeps open anyway. An estimate, not a measurement.
 */
export const WAKE_READ_BYTES = CONNECTION_BYTES + 1_500 + DRAIN_FLOOR * FLOOR_ENVELOPE_BYTES;

export type WakeFetches = {
  readonly sightings: readonly Sighting[];
  readonly messageWakes: number;
  readonly coverWakes: number;
  /** Per message to a closed tab, seconds until the wake-up that reads it (what its notification waits). */
  readonly notifyDelays: readonly number[];
  /**
   * The reads that found a message waiting, with how many. A read that finds more than the
   * relay's drain floor (DRAIN_FLOOR, inboxConnection.ts) is longer on the wire than an empty
   * one, so an observer who reads sizes can keep those (presenceRun.ts `sizes`); below the floor
   * every read carries the same number of envelopes.
   */
  readonly carrying: readonly CarryingRead[];
};

/** A read that found `found` messages waiting. */
export type CarryingRead = Sighting & { readonly found: number };

export function wakeFetchSightings(handles: readonly string[], plan: WebAppPlan, messages: readonly SimMessage[], policy: WakePolicy, durationSeconds: number, rng: Random): WakeFetches {
  // A message wakes each web-app recipient whose tab is closed when it lands.
  const deliveries = messages.flatMap((m) => m.to.filter((r) => plan.isWebApp[r] && !isOpenAt(plan, r, m.t)).map((user) => ({ t: m.t, user })));
  const wakes = wakeUpsUnder({ level: policy.level, wake: policy }, deliveries, handles.length, durationSeconds, rng);
  const sightings: Sighting[] = [];
  const wakesOf: number[][] = handles.map(() => []);
  for (const w of wakes) wakesOf[w.user]!.push(w.t);
  // Each wake-up reads the whole inbox, so a message waits for the first one at or after it.
  const notifyDelays = deliveries.flatMap((d) => {
    const next = wakesOf[d.user]!.find((t) => t >= d.t - 1e-9);
    return next === undefined ? [] : [next - d.t];
  });
  const deliveredTo: number[][] = handles.map(() => []);
  for (const d of deliveries) deliveredTo[d.user]!.push(d.t);
  const lastRead: number[] = handles.map(() => -Infinity);
  const carrying: CarryingRead[] = [];
  let messageWakes = 0;
  let coverWakes = 0;
  for (const w of wakes) {
    if (!plan.isWebApp[w.user] || isOpenAt(plan, w.user, w.t)) continue;
    if (w.cover) coverWakes++;
    else messageWakes++;
    const t = w.t + READ_AFTER_WAKE_SECONDS.min + rng.next() * (READ_AFTER_WAKE_SECONDS.max - READ_AFTER_WAKE_SECONDS.min);
    const found = deliveredTo[w.user]!.filter((d) => d > lastRead[w.user]! && d <= w.t + 1e-9).length;
    lastRead[w.user] = w.t;
    if (t >= durationSeconds) continue;
    sightings.push({ t, src: handles[w.user]! });
    if (found > 0) carrying.push({ t, src: handles[w.user]!, found });
  }
  return { sightings: sightings.sort((a, b) => a.t - b.t), messageWakes, coverWakes, notifyDelays, carrying: carrying.sort((a, b) => a.t - b.t) };
}
