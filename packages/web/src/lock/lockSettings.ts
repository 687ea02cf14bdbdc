/**
 * @module lock/lockSettings
 * The app lock in force: the org policy's timeout and the user's own, whichever is stricter
 * (shorter); a policy timeout cannot be switched off by the user. Wiping after failed unlocks is
 * the policy's alone.
 */
import type { Capabilities } from '@hardline/protocol';

export type LockSettings = {
  /** Lock after this much inactivity; 0: no lock. */
  readonly seconds: number;
  /** The policy asks for the lock: the user cannot turn it off. */
  readonly required: boolean;
  /** Wrong passphrases after which the device's data is erased; 0: never. */
  readonly wipeAfter: number;
};

export function lockSettings(caps: Pick<Capabilities, 'appLockSeconds' | 'wipeAfterFailedUnlocks'>, ownSeconds: number): LockSettings {
  const policy = caps.appLockSeconds;
  const seconds = policy > 0 && ownSeconds > 0 ? Math.min(policy, ownSeconds) : Math.max(policy, ownSeconds);
  return { seconds, required: policy > 0, wipeAfter: caps.wipeAfterFailedUnlocks };
}

/** "5 minutes", "30 seconds": for the settings and the lock screen. */
export function durationText(seconds: number): string {
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
