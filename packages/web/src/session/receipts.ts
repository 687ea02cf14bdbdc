/**
 * @module session/receipts
 * Delivery receipts, delayed and batched. An automatic receipt posted the moment a message
 * arrives is the sharpest timing signal a live relay operator can use to pair two mailboxes
 * (a post into Bob's mailbox, then at once one into Alice's; see docs/protocol.md §7). So a
 * receipt is never sent on arrival: it waits a random 5–30 s, collecting every other message
 * that arrives in that conversation meanwhile, or leaves earlier only right after a message
 * the user sends there anyway.
 *
 * Receipts arrive as typed controls (`receipt`) in the engine's `conversation.controls`;
 * `absorb` applies them and the caller then takes them out. The disappearing timer is part of
 * the conversation's roster, so `absorb` reads it from there (older apps sent a `timer` control).
 */
import type { Conversation } from '@hardline/client';
import type { AppMeta } from './appMeta.ts';
import { chatKeyOf } from './chatModel.ts';

export const RECEIPT_DELAY_MIN_MS = 5_000;
export const RECEIPT_DELAY_MAX_MS = 30_000;
/** The protocol's bound on ids in one receipt. */
export const MAX_RECEIPT_IDS = 1_000;
const MAX_NOTICES = 200;

function randomDelay(): number {
  const r = crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
  return RECEIPT_DELAY_MIN_MS + Math.floor(r * (RECEIPT_DELAY_MAX_MS - RECEIPT_DELAY_MIN_MS));
}

/** Applies received receipts and timers, and queues receipts for new messages from other people. */
export function absorb(conversations: readonly Conversation[], me: string, meta: AppMeta, now: number): void {
  const receipted = new Set(meta.receipted);
  for (const c of conversations) {
    if (c.roster.kind === 'self') continue;
    for (const ctl of c.controls ?? []) {
      const m = ctl.message;
      if (m.t === 'receipt') {
        if (ctl.from !== me) {
          for (const id of m.ids) meta.delivered[id] = true;
        } else {
          // Another device of ours already acknowledged these: do not send them twice.
          for (const id of m.ids) receipted.add(id);
          dropPending(meta, c.id, m.ids);
        }
      } else if (m.t === 'timer') {
        // From an app that still sends the timer as a message; today's apps commit it (below).
        noteTimer(meta, chatKeyOf(c, me), { id: m.id, from: ctl.from, seconds: m.seconds, at: m.sentAt, receivedAt: ctl.receivedAt });
      }
    }
    // The timer in the conversation's state: what a linked device or a late joiner goes by.
    const t = c.roster.timer;
    if (t && !c.left) noteTimer(meta, chatKeyOf(c, me), { id: t.id, from: t.by, seconds: t.seconds, at: t.at, receivedAt: new Date(now).toISOString() });
    for (const m of c.messages) {
      if (m.from === me || receipted.has(m.id)) continue;
      receipted.add(m.id);
      const p = (meta.pendingReceipts[c.id] ??= { ids: [], dueAt: now + randomDelay() });
      p.ids.push(m.id);
    }
  }
  meta.receipted = [...receipted];
}

/** Records a timer change (ours or received): the newest setting wins, and it shows as a notice. */
export function noteTimer(meta: AppMeta, chatKey: string, t: { id: string; from: string; seconds: number; at: string; receivedAt: string }): void {
  const cur = meta.disappear[chatKey];
  // Seen before (the roster's timer is offered again every round): its notice may have expired.
  if (cur?.id === t.id) return;
  if (!cur || cur.setAt <= t.at) meta.disappear[chatKey] = { seconds: t.seconds, setAt: t.at, id: t.id };
  if (meta.notices.some((n) => n.id === t.id)) return;
  meta.notices.push({ chatKey, ...t });
  if (meta.notices.length > MAX_NOTICES) meta.notices.splice(0, meta.notices.length - MAX_NOTICES);
}

function dropPending(meta: AppMeta, convId: string, ids: readonly string[]): void {
  const p = meta.pendingReceipts[convId];
  if (!p) return;
  const drop = new Set(ids);
  p.ids = p.ids.filter((id) => !drop.has(id));
  if (p.ids.length === 0) delete meta.pendingReceipts[convId];
}

/** Conversation ids whose receipts are due now. */
export function due(meta: AppMeta, now: number): string[] {
  return Object.entries(meta.pendingReceipts)
    .filter(([, p]) => p.dueAt <= now)
    .map(([id]) => id);
}
