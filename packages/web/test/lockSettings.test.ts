/**
 * The app lock in force (lock/lockSettings.ts): the stricter of the org policy's timeout and the
 * user's own; a user cannot switch off or lengthen the policy's lock.
 */
import { describe, expect, it } from 'vitest';
import { durationText, lockSettings } from '../src/lock/lockSettings.ts';

const policy = (appLockSeconds: number, wipeAfterFailedUnlocks = 0) => ({ appLockSeconds, wipeAfterFailedUnlocks });

describe('app lock settings', () => {
  it('takes the shorter timeout of policy and user; the policy\'s cannot be turned off', () => {
    expect(lockSettings(policy(0), 0)).toEqual({ seconds: 0, required: false, wipeAfter: 0 });
    expect(lockSettings(policy(0), 300)).toMatchObject({ seconds: 300, required: false });
    expect(lockSettings(policy(600), 0)).toMatchObject({ seconds: 600, required: true });
    expect(lockSettings(policy(600), 3600)).toMatchObject({ seconds: 600, required: true });
    expect(lockSettings(policy(600), 60)).toMatchObject({ seconds: 60, required: true });
  });

  it('wipes after the policy\'s count only', () => {
    expect(lockSettings(policy(60, 5), 0).wipeAfter).toBe(5);
  });

  it('says durations in words', () => {
    expect([durationText(60), durationText(300), durationText(3600), durationText(45)]).toEqual(['1 minute', '5 minutes', '1 hour', '45 seconds']);
  });
});
