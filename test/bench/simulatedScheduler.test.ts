/**
 * The metadata benchmark's send scheduler on the simulated clock must follow the client's rules
 * (packages/client/src/sendScheduler.ts), or the per-level figures measure something else: no
 * slot within the quiet period after the device's own session, a busy slot as soon as
 * something is queued, cover only while the tab is open, the CLI silent once its queue is empty.
 */
import { describe, expect, it } from 'vitest';
import { SLOT_PARAMS } from '@hardline/client';
import { seededRandom } from '../../bench/metadata/random.ts';
import { SimulatedScheduler, type SlotAction } from '../../bench/metadata/simulatedScheduler.ts';

function harness(level: 'balanced' | 'strict', open: (t: number) => boolean) {
  const slots: SlotAction[] = [];
  const s = new SimulatedScheduler(SLOT_PARAMS[level], seededRandom(1), (a) => slots.push(a), (_u, t) => open(t));
  return { s, slots, last: () => slots[slots.length - 1]! };
}

describe('simulated send scheduler', () => {
  it('arms a busy slot when a send queues, and posts there once the quiet period is over', () => {
    const { s, last } = harness('balanced', () => false);
    s.afterSession(0, 100, 1);
    const slot = last();
    expect(slot.t).toBeGreaterThan(100);
    const quietEnd = 100 + SLOT_PARAMS.balanced.quietMs / 1000;
    const decision = s.due(slot, 1);
    if (slot.t < quietEnd) {
      // Moved past the quiet period, drawn afresh: the same rule as the client's tick().
      expect(decision).toBeUndefined();
      expect(last().t).toBeGreaterThanOrEqual(quietEnd);
      expect(s.due(last(), 1)).toBe('post');
    } else expect(decision).toBe('post');
  });

  it('never posts within the quiet period after a session, over many draws', () => {
    const { s, slots } = harness('balanced', () => false);
    for (let i = 0; i < 200; i++) {
      const t = i * 100;
      s.afterSession(0, t, 1);
      for (let a = slots.pop(); a; a = slots.pop()) {
        const d = s.due(a, 1);
        if (d === 'post') {
          expect(a.t).toBeGreaterThanOrEqual(t + SLOT_PARAMS.balanced.quietMs / 1000);
          s.afterSlot(0, a.t, 0, 'post');
        }
      }
    }
  });

  it('a superseded slot does nothing; a CLI with nothing queued posts nothing', () => {
    const { s, slots } = harness('balanced', () => false);
    s.afterSession(0, 0, 1);
    const first = slots[0]!;
    s.afterSlot(0, 50, 1, 'post'); // re-armed: the first is stale
    expect(s.due(first, 1)).toBeUndefined();
    expect(s.due(slots[1]!, 0)).toBe('none');
  });

  it('covers only while the tab is open, at the level idle rate', () => {
    const { s, slots } = harness('balanced', (t) => t < 1000);
    s.tabOpened(0, 0);
    let covers = 0;
    for (let a = slots.shift(); a; a = slots.shift()) {
      const d = s.due(a, 0);
      if (d === 'cover') {
        covers++;
        s.afterSlot(0, a.t, 0, 'cover');
      }
      expect(a.t < 1000 || d !== 'cover').toBe(true);
    }
    // About one every 12 s over 1,000 s; a broad band, seeded.
    expect(covers).toBeGreaterThan(40);
    expect(covers).toBeLessThan(130);
    expect(s.coverTotal).toBe(covers);
  });

  it('at strict, queueing does not re-arm a slot already coming at the one rate', () => {
    const { s, slots } = harness('strict', () => true);
    s.tabOpened(0, 0);
    s.afterSession(0, 0.1, 1);
    expect(slots.length).toBe(1);
  });
});
