/**
 * @module sw/wakeNotification
 * What a push wake-up should show, decided from what the inbox held once it was read. The
 * wake-up itself says nothing (the relay cannot tell a ring from a message, and the push
 * service must not), so everything here comes from the decrypted inbox.
 */
import type { ReceivedControl, ReceivedMessage } from '@hardline/client';

/** The caller gives up after this long (calls/callManager.ts RING_TIMEOUT_MS). */
const RING_TIMEOUT_MS = 30_000;
/** Ops after which a call no longer rings here. */
const ENDS_RINGING = new Set(['cancel', 'accept', 'decline', 'answered-elsewhere', 'hangup', 'busy']);

export type WakeOutcome =
  | { readonly kind: 'call'; readonly from: string; readonly conversationId: string; readonly callId: string; readonly acked: boolean }
  | { readonly kind: 'message'; readonly from: readonly string[]; readonly count: number }
  | { readonly kind: 'none' };

/** A ring still worth ringing for: fresh, and not ended by anyone since. Newest wins. */
export function ringingCall(controls: readonly ReceivedControl[], me: string, now: number): Extract<WakeOutcome, { kind: 'call' }> | undefined {
  const calls = controls.filter((c) => c.message.t === 'call');
  for (let i = calls.length - 1; i >= 0; i--) {
    const rc = calls[i]!;
    const m = rc.message;
    if (m.t !== 'call' || m.op !== 'ring' || rc.from === me) continue;
    const sentAt = Date.parse(m.sentAt);
    if (Number.isNaN(sentAt) || now - sentAt > RING_TIMEOUT_MS) continue;
    const later = calls.filter((c) => c.message.t === 'call' && c.message.callId === m.callId);
    if (later.some((c) => c.message.t === 'call' && ENDS_RINGING.has(c.message.op))) continue;
    // Any of my devices' `ringing` for this call is enough (docs/protocol.md §6 "Is anyone there?").
    const acked = later.some((c) => c.message.t === 'call' && c.message.op === 'ringing' && c.from === me);
    return { kind: 'call', from: rc.from, conversationId: rc.conversation, callId: m.callId, acked };
  }
  return undefined;
}

export function wakeOutcome(controls: readonly ReceivedControl[], messages: readonly ReceivedMessage[], me: string, now: number): WakeOutcome {
  const call = ringingCall(controls, me, now);
  if (call) return call;
  const from = [...new Set(messages.filter((m) => m.from !== me).map((m) => m.from))];
  return from.length > 0 ? { kind: 'message', from, count: messages.length } : { kind: 'none' };
}

export type NotificationSpec = { readonly title: string; readonly options: NotificationOptions & { actions?: { action: string; title: string }[] } };

/** Shown when the inbox could not be read here (another tab holds the device, or it failed). */
export const GENERIC_WAKE: NotificationSpec = {
  title: 'Hardline',
  options: { body: 'Incoming call or message — open Hardline', tag: 'hardline-wake', data: { kind: 'open' } },
};

/**
 * With `previews` off (the org policy, lock/previews.ts) nothing names anyone: "Hardline",
 * "Incoming call" or "New message", as a lock screen may show them to whoever holds the phone.
 */
export function notificationFor(outcome: WakeOutcome, nameOf: (handle: string) => string, previews = true): NotificationSpec | undefined {
  switch (outcome.kind) {
    case 'call':
      return {
        title: previews ? nameOf(outcome.from) : 'Hardline',
        options: {
          body: 'Incoming call',
          tag: `call-${outcome.callId}`,
          requireInteraction: true,
          actions: [
            { action: 'accept', title: 'Accept' },
            { action: 'decline', title: 'Decline' },
          ],
          data: { kind: 'call', callId: outcome.callId, conversationId: outcome.conversationId },
        },
      };
    case 'message':
      if (!previews) return { title: 'Hardline', options: { body: outcome.count === 1 ? 'New message' : 'New messages', tag: 'hardline-messages', data: { kind: 'open' } } };
      // Names only, never the text: a lock screen shows notifications to whoever holds the phone.
      return {
        title: outcome.from.length === 1 ? nameOf(outcome.from[0]!) : 'Hardline',
        options: {
          body: outcome.count === 1 ? 'New message' : `${outcome.count} new messages${outcome.from.length > 1 ? ` from ${outcome.from.map(nameOf).join(', ')}` : ''}`,
          tag: 'hardline-messages',
          data: { kind: 'open' },
        },
      };
    case 'none':
      return undefined;
  }
}
