/**
 * @module lock/closedNotifications
 * What the settings say about notifications while the app is closed. At `balanced` and
 * `strict` a message gets no wake-up of its own (the relay's push/wakePolicy.ts): the next of
 * the app's random wake-ups brings it, so people should know that a closed app's message
 * notification can take a while, and why. The mean waits are a day over the relay's cover rate
 * (48 and 96 a day); packages/web/test/closedNotifications.test.ts holds the two together.
 */
import type { PrivacyLevel } from '@hardline/client';

/** Mean wait for a closed app's message notification, minutes, per level (0: at once). */
export const CLOSED_NOTIFICATION_MINUTES: Readonly<Record<PrivacyLevel, number>> = { off: 0, balanced: 30, strict: 15 };

export function closedNotificationText(level: PrivacyLevel): string {
  const minutes = CLOSED_NOTIFICATION_MINUTES[level];
  if (minutes === 0) return 'With Hardline closed, messages and calls notify you at once.';
  return `With Hardline closed, a message notifies you at the app’s next random wake-up, about ${minutes} minutes later on average, so that nobody watching the network can tell when you are written to. Calls ring at once; with Hardline open, messages arrive at once.`;
}
