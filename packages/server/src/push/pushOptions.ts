/**
 * @module pushOptions
 * The operator's Web Push settings. `RelayOptions.push: false` is the organisation saying "no
 * vendor push at all": the relay then stores no subscription and sends no wake-up, and
 * `GET /v1/push` tells the app so, which then says that calls ring only while it is open.
 */
import type { EndpointPolicy } from './pushSubscription.ts';
import type { WakeClock } from './wakeUps.ts';

/** `maxCovered`: a lower bound on cover entries than MAX_COVERED, to reach a full table (wakeUps.ts). */
export type WakeTiming = { readonly clock?: WakeClock; readonly random?: () => number; readonly maxCovered?: number };

export type PushOptions = {
  /**
   * VAPID contact (RFC 8292 §2.1): a mailto: or https: URL the push services can reach the
   * operator at. Apple's service refuses a localhost one.
   */
  readonly subject?: string;
  /** Push services wake-ups may go to; default the browser vendors' (pushSubscription.ts). */
  readonly endpoints?: EndpointPolicy;
  /** Tests only: a clock, a random source and a cover bound for the wake-ups (push/wakeUps.ts). */
  readonly timing?: WakeTiming;
};

export const DEFAULT_PUSH_SUBJECT = 'mailto:postmaster@localhost';
