/**
 * @module urgentPosts
 * What an urgent flush posts. A call's signal and a membership commit go at once, past the send
 * scheduler, and wake their recipients at once (no `later` mark). They used to take the whole
 * outbox with them: an insider who rang the victim (whose app, even a closed one, answers
 * `ringing` by itself) or changed a conversation they share (every conversation is reconciled)
 * got every text the victim had waiting for a slot, to third parties too, posted unmarked on the
 * insider's schedule, and each recipient's closed app woke within seconds where an observer on
 * the relay's link sees it. So an urgent flush takes only:
 *
 * - the entries queued as urgent (the signal's or commit's own envelopes and the commit's
 *   Welcomes), posted unmarked, to wake at once; and
 * - entries of the same conversation queued before one of those, posted marked `later`. They
 *   go along for MLS's sake: a receiver keeps skipped keys for 10 generations and past epochs
 *   for 2 (protocol keyRetention.ts), so a signal or commit that overtook a conversation's
 *   earlier messages by a few slots, again and again at an insider's will, could leave them
 *   undecryptable. They go to the devices the urgent post wakes anyway, and marked `later` they
 *   wake no one of their own.
 *
 * Everything else (other conversations, Welcomes of a new conversation, texts queued after the
 * urgent entry) stays for its slot and goes out marked `later` then.
 */
import type { QueuedPost } from './deviceState.ts';

/** What the engine says of an envelope when it queues it (outbox.ts `queue`). */
export type QueueTag = {
  /** The conversation it belongs to: an urgent flush keeps its order within one conversation. */
  readonly conversation?: string;
  /** Posted by the urgent flush that follows its queueing (a call's signal, a commit). */
  readonly urgent?: boolean;
};

/** The entries an urgent flush posts, in queue order: the urgent ones and those they must not overtake. */
export function urgentBatch(outbox: readonly QueuedPost[]): QueuedPost[] {
  const lastUrgent = new Map<string, number>();
  outbox.forEach((p, i) => {
    if (p.urgent && p.conversation !== undefined) lastUrgent.set(p.conversation, i);
  });
  return outbox.filter((p, i) => p.urgent === true || (p.conversation !== undefined && i < (lastUrgent.get(p.conversation) ?? -1)));
}

/** Whether a post in an urgent flush may wake its recipients at once; every other one is marked `later`. */
export function wakesAtOnce(p: QueuedPost): boolean {
  return p.urgent === true;
}
