/**
 * @module messageExpiry
 * The conversation's disappearing timer (roster state) applies on every device, the CLI's
 * included: a message is dropped once it has been here longer than the timer, counted from
 * when it arrived, so a sender's clock cannot keep it alive.
 */
import type { DeviceState } from './deviceState.ts';

/** Drops expired messages from every conversation; true if anything was dropped. */
export function expireMessages(state: DeviceState, now: number): boolean {
  let dropped = false;
  for (const c of Object.values(state.conversations)) {
    const seconds = c.roster.timer?.seconds ?? 0;
    if (seconds <= 0) continue;
    const kept = c.messages.filter((m) => now - Date.parse(m.receivedAt) <= seconds * 1000);
    if (kept.length !== c.messages.length) {
      c.messages = kept;
      dropped = true;
    }
  }
  return dropped;
}
