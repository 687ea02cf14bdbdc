/**
 * @module coverTrace
 * What the relay's observer records for one cover post (packages/client/src/coverTraffic.ts),
 * written into the trace instead of posted: a fresh anonymous connection, one post of a
 * 1 KiB-bucket envelope into one of the device's own conversation mailboxes (picked at random,
 * as coverEnvelope does); and, the tab being open, the relay's push of
 * that envelope back to the device's held-open inbox and its ack. The sizes are those the relay
 * recorded for real posts and pushes of that bucket in the same run (a cover envelope is
 * padded to the bucket most texts fill), so nothing in the trace tells cover from text.
 *
 * Why modelled, not posted: `balanced` posts about a thousand cover envelopes per open device
 * per day and `strict` about eight thousand; real posts would make the full run hours long and
 * fill the relay's disk with envelopes nobody reads (the reader drops COVER before MLS). What
 * this leaves out: cover envelopes waiting in the seized database, and the posting connection's
 * close (no view reads closes; left out to keep the full run's trace in memory).
 */
import type { ObserverEvent } from '@hardline/server';
import type { TraceEvent } from './relayDriver.ts';

/** Post → push → ack spacing on loopback (the run's real post → push p50 is about 30 ms). */
const POST_AFTER = 0.004;
const PUSH_AFTER = 0.03;
const ACK_AFTER = 0.035;

/** Synthetic connection ids, far above the relay's own counter. */
const FIRST_CONN = 1_000_000_000;
let nextConn = FIRST_CONN;

/** A connection of a modelled cover post (not the relay's). */
export const isModelledConn = (conn: number): boolean => conn >= FIRST_CONN;

/** The most frequent size among real events of a kind: the bucket most texts fill. */
export class BucketSizes {
  private readonly counts = { post: new Map<number, number>(), push: new Map<number, number>() };

  note(e: ObserverEvent): void {
    if ((e.kind === 'post' || e.kind === 'push') && e.size !== undefined) {
      const m = this.counts[e.kind];
      m.set(e.size, (m.get(e.size) ?? 0) + 1);
    }
  }

  mode(kind: 'post' | 'push'): number {
    let best = 0;
    let size = 0;
    for (const [s, n] of this.counts[kind]) if (n > best) [best, size] = [n, s];
    return size;
  }
}

export type CoverTrace = { readonly events: TraceEvent[]; readonly postConn: number; readonly inboxConn: number | undefined; readonly ackAt: number | undefined };

/** The events of one cover post at `t` into `mailboxId`; `pushedBack` when the device's inbox is held open. */
export function coverTrace(t: number, mailboxId: string, sizes: BucketSizes, pushedBack: boolean): CoverTrace {
  const postConn = nextConn++;
  const base = { t: 0, conn: postConn };
  const events: TraceEvent[] = [
    { ...base, kind: 'connect', sim: t },
    { ...base, kind: 'post', mailboxId: mailboxId as never, size: sizes.mode('post'), sim: t + POST_AFTER },
  ];
  if (!pushedBack) return { events, postConn, inboxConn: undefined, ackAt: undefined };
  const inboxConn = nextConn++;
  events.push(
    { t: 0, conn: inboxConn, kind: 'push', mailboxId: mailboxId as never, size: sizes.mode('push'), sim: t + PUSH_AFTER },
    { t: 0, conn: inboxConn, kind: 'ack', mailboxId: mailboxId as never, sim: t + ACK_AFTER },
  );
  return { events, postConn, inboxConn, ackAt: t + ACK_AFTER };
}
