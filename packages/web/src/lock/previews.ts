/**
 * @module lock/previews
 * Whether notifications may name the sender (message previews, issue 13). The org policy's
 * `previews: false` turns them off: a phone's lock screen shows notifications to whoever holds
 * it, so then they say only "New message" or "Incoming call". Message text is never shown
 * either way (sw/wakeNotification.ts).
 */
import type { Capabilities } from '@hardline/protocol';

export function previewsAllowed(caps: Pick<Capabilities, 'previews'>): boolean {
  return caps.previews;
}
