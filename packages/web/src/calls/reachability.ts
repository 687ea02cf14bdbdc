/**
 * @module calls/reachability
 * How a caller learns, without asking the relay, that none of the callee's devices is online:
 * every callee device that starts ringing answers the ring with a `ringing` call signal, and
 * a caller that hears none within REACH_TIMEOUT_MS of posting the ring says so and stops.
 * A presence query would tell the relay who calls whom; the `ringing` signal is an ordinary
 * sealed, padded envelope posted into the conversation's mailboxes, like the ring itself.
 */

/**
 * Counted from when the ring was posted, so a slow start on the caller's side (creating the
 * conversation, a busy engine) never counts against the callee. What it has to cover: the
 * ring reaching the callee's open inbox and decrypting (under 1 s from the tap in
 * test/e2e/web-call-reach.test.ts, on a shared 2-core machine; allow ~2 s for a slow phone),
 * the callee's random ACK_DELAY_MS (at most 1.5 s), and the ack's own trip back (like the
 * ring's). That is at most ~5.5 s; 8 s leaves room for a loaded device, and still ends the
 * wait in under a third of the 30 s a caller otherwise listens to ringing for nobody. A
 * closed app acks too, from its service worker once a push wakes it (sw/wakeUp.ts): the push
 * service's delivery, the worker's start and one inbox round come on top (a few seconds from
 * the push to the ack in test/e2e/web-push.test.ts), so a vendor that delivers within a couple
 * of seconds still fits; one that holds the push longer makes the caller hear "isn't
 * reachable", and the phone, woken late, finds the ring cancelled and logs a missed call. An ack
 * later than this is lost: the caller has already cancelled, and the callee stops ringing on
 * the cancel, so a slow device costs a missed call, never a call nobody can end.
 */
export const REACH_TIMEOUT_MS = 8_000;

/**
 * A ringing device waits a random 300-1500 ms before it acks, rather than answering the
 * instant the ring is pushed to it. The wait gives (1) a second ringing device of the same
 * person time to see the first one's ack and stay quiet (any one ack is enough), (2) a cancel
 * queued right behind a stale ring time to arrive first, so a ring that is already over is
 * never acked, and (3) a live relay operator no fixed push-to-post echo to match on.
 */
export const ACK_DELAY_MS = { min: 300, max: 1_500 } as const;

/** A fresh ack delay; `random` is in [0, 1). */
export function ackDelay(random: number): number {
  return Math.round(ACK_DELAY_MS.min + random * (ACK_DELAY_MS.max - ACK_DELAY_MS.min));
}
