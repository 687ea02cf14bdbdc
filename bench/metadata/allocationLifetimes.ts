/**
 * @module allocationLifetimes
 * Randomised allocation lifetimes, a call defence as modelled (not built in the app): each leg's
 * allocation is open a random lead before the call's media starts (warm, already carrying CBR
 * padding, cbrMedia.ts), and keeps sending padding for an independent random tail after the
 * hangup, so that neither its allocation, its first or last packet nor its volume lines up with
 * the other leg's. Under CBR a leg's volume is its lifetime times the rate, up and down alike
 * (before and after the call its padding loops back to itself), so volume says no more than the
 * two random edges. The draws are per leg and independent of the call and of the other leg.
 *
 * The lead cannot be had for free: a callee does not know of a call seconds ahead, so in an app
 * the lead stands for a padded leg already open when the call comes (a cover leg taken over,
 * coverLegs.ts). The cost charged here is what the lead and tail carry and hold.
 */
import type { PrivacyLevel } from '@hardline/client';
import { CBR_BYTES_PER_SECOND } from './cbrMedia.ts';
import type { Random } from './random.ts';
import type { TurnLeg } from './turnView.ts';

/** Seconds: the lead is uniform in [min, max]; the tail is `min` plus an exponential of mean `mean`. */
export type LifetimeSpread = { readonly lead: { readonly min: number; readonly max: number }; readonly tail: { readonly min: number; readonly mean: number } };

/**
 * Per level. `balanced`: a lead of up to a minute and a tail of about a minute, a few times the
 * attack's windows (5 s for allocations, 1 s for media edges) and short beside a median call
 * (3 min). `strict`: up to five minutes each way, so even a long call's volume is spread by
 * more than the attack's 10% tolerance.
 */
export const LIFETIME_SPREADS = {
  balanced: { lead: { min: 5, max: 60 }, tail: { min: 5, mean: 60 } },
  strict: { lead: { min: 30, max: 300 }, tail: { min: 30, mean: 300 } },
} as const satisfies Record<Exclude<PrivacyLevel, 'off'>, LifetimeSpread>;

/** The padded leg opens this long after its allocation (the first CBR frame through TURN). */
const PADDING_AFTER_ALLOC = 0.2;

export function randomiseLifetimes(legs: readonly TurnLeg[], spread: LifetimeSpread, rng: Random): TurnLeg[] {
  return legs.map((l) => {
    const lead = spread.lead.min + rng.next() * (spread.lead.max - spread.lead.min);
    const tail = spread.tail.min + rng.exp(spread.tail.mean);
    const alloc = l.start - lead;
    const start = alloc + PADDING_AFTER_ALLOC;
    const stop = l.stop + tail;
    const bytes = CBR_BYTES_PER_SECOND * (stop - start);
    return { ...l, alloc, start, stop, up: bytes, down: bytes };
  });
}
