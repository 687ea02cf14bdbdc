/**
 * @module coverLegs
 * Cover legs, a call defence as modelled (not built in the app): every web-app device, while
 * its tab is open, opens dummy legs at Poisson times, each an allocation carrying CBR media
 * (cbrMedia.ts) to itself for a length drawn from the real calls' distribution (callSeconds),
 * independently of every other device. On TURN's link one is an allocation, a first and last
 * packet and a volume like a call's leg; what it lacks is a partner leg, so it gives an attack
 * more legs to pair with, not fewer real pairs, unless the real legs' edges are spread too
 * (allocationLifetimes.ts).
 */
import type { PrivacyLevel } from '@hardline/client';
import { callSeconds } from './callSchedule.ts';
import { CBR_BYTES_PER_SECOND } from './cbrMedia.ts';
import type { Random } from './random.ts';
import type { TurnLeg } from './turnView.ts';
import type { WebAppPlan } from './webAppDevice.ts';

/** Cover legs per hour of open tab, per level: a cost chosen against issue 12's 150 MB a month. */
export const COVER_LEGS_PER_OPEN_HOUR = { balanced: 0.25, strict: 1 } as const satisfies Record<Exclude<PrivacyLevel, 'off'>, number>;

/** The first CBR packet follows the allocation by this much, as a real leg's. */
const MEDIA_AFTER_ALLOC = 0.2;

export const COVER_CALL_PREFIX = 'cover';

export function coverLegs(web: WebAppPlan, perOpenHour: number, rng: Random): TurnLeg[] {
  const out: TurnLeg[] = [];
  web.open.forEach((intervals, user) => {
    if (!web.isWebApp[user]) return;
    for (const [from, to] of intervals) {
      for (let t = from + rng.exp(3600 / perOpenHour); t < to; t += rng.exp(3600 / perOpenHour)) {
        const seconds = callSeconds(rng);
        const id = `${COVER_CALL_PREFIX}${out.length}`;
        const start = t + MEDIA_AFTER_ALLOC;
        const bytes = CBR_BYTES_PER_SECOND * seconds;
        out.push({ leg: `${id}/0`, callId: id, user, alloc: t, start, stop: start + seconds, up: bytes, down: bytes });
      }
    }
  });
  return out;
}
