/**
 * The failed-unlock reporter (lock/unlockReport.ts): two quick failures never send the same
 * count twice (the relay would count them double); failures during a report go out right after
 * it; offline, the count is kept for later; the body is the count alone.
 */
import { describe, expect, it } from 'vitest';
import type { RelayApi } from '@hardline/client';
import { UnlockReporter } from '../src/lock/unlockReport.ts';

function relay(online = true) {
  const bodies: unknown[] = [];
  let release: () => void = () => undefined;
  const gate = { wait: Promise.resolve() };
  const api = {
    request: async (_m: string, path: string, body: unknown) => {
      await gate.wait;
      if (!online) throw new Error('offline');
      bodies.push({ path, body });
      return {};
    },
  } as unknown as RelayApi;
  return { api, bodies, hold: () => (gate.wait = new Promise<void>((r) => (release = r))), release: () => release(), goOnline: () => (online = true) };
}

describe('failed-unlock reports', () => {
  it('sends each failure once, however the reports overlap', async () => {
    const r = relay();
    let unreported = 1;
    const reporter = new UnlockReporter(() => r.api, () => unreported, async (n) => void (unreported -= n));
    r.hold();
    const first = reporter.report();
    unreported += 1; // a second wrong passphrase while the first report is on its way
    const second = reporter.report();
    r.release();
    await Promise.all([first, second]);
    expect(r.bodies).toEqual([
      { path: '/v1/org/unlock-failures', body: { count: 1 } },
      { path: '/v1/org/unlock-failures', body: { count: 1 } },
    ]);
    expect(unreported).toBe(0);
  });

  it('offline, keeps the count for the next report', async () => {
    const r = relay(false);
    let unreported = 3;
    const reporter = new UnlockReporter(() => r.api, () => unreported, async (n) => void (unreported -= n));
    await reporter.report();
    expect(unreported).toBe(3);
    r.goOnline();
    await reporter.report();
    expect(r.bodies).toEqual([{ path: '/v1/org/unlock-failures', body: { count: 3 } }]);
    expect(unreported).toBe(0);
  });
});
