/**
 * The push provider adversary of `npm run bench:metadata` (issue 14), at the quick size: the
 * wake-ups it sees follow from the traffic and the privacy level, the defences cost what the
 * table says, and the attack is real (above chance with no defence), so a lower row means
 * something.
 */
import { describe, expect, it } from 'vitest';
import { QUICK_CONFIG } from '../../bench/metadata/benchConfig.ts';
import { seededRandom } from '../../bench/metadata/random.ts';
import { PUSH_POLICIES, wakeUpsUnder } from '../../bench/metadata/pushPolicy.ts';
import { pushProviderRows } from '../../bench/metadata/pushProviderReport.ts';

describe('push provider adversary', () => {
  it('without defences every delivery is one wake-up; coalescing drops, cover adds', () => {
    const deliveries = [
      { t: 10, user: 0 },
      { t: 10.5, user: 0 },
      { t: 100, user: 0 },
      { t: 10, user: 1 },
    ];
    const none = wakeUpsUnder(PUSH_POLICIES[0]!, deliveries, 2, 86_400, seededRandom(1));
    expect(none.map((w) => [w.t, w.user])).toEqual([
      [10, 0],
      [10, 1],
      [10.5, 0],
      [100, 0],
    ]);
    const coalesced = wakeUpsUnder({ level: 't', coalesceSeconds: 60, maxDelaySeconds: 0, coverPerDay: 0 }, deliveries, 2, 86_400, seededRandom(1));
    expect(coalesced.map((w) => [w.t, w.user])).toEqual([
      [10, 0],
      [10, 1],
      [100, 0],
    ]);
    const cover = wakeUpsUnder({ level: 'c', coalesceSeconds: 0, maxDelaySeconds: 0, coverPerDay: 100 }, [], 2, 86_400, seededRandom(1));
    expect(cover.length).toBeGreaterThan(150);
    expect(cover.every((w) => w.cover)).toBe(true);
  });

  it('measures precision and cost per level; the attack beats chance with no defence', () => {
    const { rows, chance } = pushProviderRows(QUICK_CONFIG);
    expect(rows.map((r) => r.level)).toEqual(PUSH_POLICIES.map((p) => p.level));
    const [none, standard, high, max] = rows as [(typeof rows)[number], (typeof rows)[number], (typeof rows)[number], (typeof rows)[number]];
    expect(Math.max(none.timing.p5, none.reply.p5)).toBeGreaterThan(chance);
    expect(standard.wakeUpsPerDay).toBeCloseTo(none.wakeUpsPerDay, 0);
    expect(high.wakeUpsPerDay).toBeGreaterThan(none.wakeUpsPerDay * 3);
    expect(max.wakeUpsPerDay).toBeGreaterThan(high.wakeUpsPerDay);
    expect(max.coverShare).toBeGreaterThan(0.5);
    expect(Math.max(max.timing.p5, max.reply.p5)).toBeLessThan(Math.max(none.timing.p5, none.reply.p5));
    for (const r of rows) expect(r.awakeSecondsPerDay).toBeCloseTo(r.wakeUpsPerDay * 12, 6);
  });
});
