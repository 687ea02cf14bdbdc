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

/**
 * One report at a time, so two quick failures are never sent with the same count; failures that
 * come in while one is on its way go out right after it. `unreported` reads the sealed count,
 * `reported(n)` takes n off it once the relay has them.
 */
export class UnlockReporter {
  private running: Promise<void> | undefined;

  constructor(
    private readonly api: () => RelayApi,
    private readonly unreported: () => number,
    private readonly reported: (n: number) => Promise<void>,
  ) {}

  report(): Promise<void> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<void> {
    for (let n = this.unreported(); n > 0; n = this.unreported()) {
      if (!(await reportFailedUnlocks(this.api(), n))) return;
      await this.reported(n);
    }
  }
}
