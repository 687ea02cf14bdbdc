/**
 * @module lock/unlockReport
 * Tells the relay how many wrong passphrases this device saw, for the security team's morning
 * briefing. It carries a number and nothing else: no time of each attempt, nothing typed, and
 * nothing about any conversation. The relay counts it per day (server org/unlockFailures.ts).
 */
import type { RelayApi } from '@hardline/client';

export const MAX_REPORTED = 100;

/** True once the relay took the count; false (kept for later) when offline or refused. */
export async function reportFailedUnlocks(api: RelayApi, count: number): Promise<boolean> {
  try {
    await api.request('POST', '/v1/org/unlock-failures', { count: Math.min(count, MAX_REPORTED) }, 'session');
    return true;
  } catch {
    return false;
  }
}
