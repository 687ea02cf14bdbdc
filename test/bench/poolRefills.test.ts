/**
 * The metadata benchmark's model of the client's mailbox pool refills (bench/metadata/
 * poolRefills.ts) must keep the client's rules (packages/client/src/mailboxPool.ts), or the
 * per-level figures measure something else: a refill only while the pool is low, never within
 * the quiet period after the device's own session, one armed at a time, none at level `off`.
 */
import { describe, expect, it } from 'vitest';
import { SLOT_PARAMS } from '@hardline/client';
import { seededRandom } from '../../bench/metadata/random.ts';
import { PoolRefills, type PoolAction } from '../../bench/metadata/poolRefills.ts';

function harness(level: 'off' | 'balanced' | 'strict') {
  const armed: PoolAction[] = [];
  const pools = new PoolRefills(SLOT_PARAMS[level], seededRandom(3), (a) => armed.push(a));
  return { pools, armed };
}

describe('simulated mailbox pool refills', () => {
  it('never refills within the quiet period after a session, over many draws', () => {
    for (const level of ['balanced', 'strict'] as const) {
      const { pools, armed } = harness(level);
      const quiet = SLOT_PARAMS[level].quietMs / 1000;
      let refills = 0;
      for (let i = 0; i < 300; i++) {
        const end = i * 50;
        pools.afterSession(0, end, true);
        // Another session of the device lands right before the refill's draw, most of the time.
        pools.afterSession(0, end + 0.01, true);
        for (let a = armed.shift(); a; a = armed.shift()) {
          if (!pools.due(a)) continue;
          expect(a.t).toBeGreaterThanOrEqual(end + 0.01 + quiet);
          refills++;
          pools.afterRefill(0, a.t + 0.1, false);
        }
      }
      expect(refills).toBe(300);
    }
  });

  it('arms one refill at a time, only while the pool is low, and none at off', () => {
    const { pools, armed } = harness('balanced');
    pools.afterSession(0, 10, false);
    expect(armed).toHaveLength(0);
    pools.afterSession(0, 20, true);
    pools.afterSession(0, 21, true);
    expect(armed).toHaveLength(1);
    const off = harness('off');
    off.pools.afterSession(0, 10, true);
    expect(off.armed).toHaveLength(0);
  });
});
