/**
 * The settings' word on a closed app's notifications (lock/closedNotifications.ts) must match
 * what the relay does (packages/server/src/push/wakePolicy.ts): a level whose messages ride
 * cover wake-ups waits a day over the cover rate on average; `off` wakes at once.
 */
import { describe, expect, it } from 'vitest';
import { WAKE_POLICIES } from '../../server/src/push/wakePolicy.ts';
import { CLOSED_NOTIFICATION_MINUTES, closedNotificationText } from '../src/lock/closedNotifications.ts';

describe('closed-app notifications in the settings', () => {
  for (const level of ['off', 'balanced', 'strict'] as const) {
    it(`${level}: says the relay's mean wait`, () => {
      const policy = WAKE_POLICIES[level];
      const expected = policy.messagesRideCover ? Math.round(1440 / policy.coverPerDay) : 0;
      expect(CLOSED_NOTIFICATION_MINUTES[level]).toBe(expected);
      const text = closedNotificationText(level);
      expect(text).toContain(expected === 0 ? 'at once' : `about ${expected} minutes`);
      expect(text).not.toContain('undefined');
    });
  }
});
