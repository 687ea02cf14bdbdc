/**
 * The push provider adversary of `npm run bench:metadata` (issue 14), at the quick size: the
 * wake-ups it sees follow from the traffic and the relay's own timing per privacy level
 * (server push/wakeSchedule.ts), the defences cost what the table says, and the attack is real
 * (above chance with no defence), so a lower row means something.
 */
import { describe, expect, it } from 'vitest';
import { QUICK_CONFIG } from '../../bench/metadata/benchConfig.ts';
import { seededRandom } from '../../bench/metadata/random.ts';
import { PUSH_POLICIES, wakeUpsUnder } from '../../bench/metadata/pushPolicy.ts';
import { pushProviderRows } from '../../bench/metadata/pushProviderReport.ts';
import { WAKE_POLICIES } from '../../packages/server/src/push/wakePolicy.ts';

describe('push provider adversary', () => {
  it('runs the relay\'s own timing: at once with no level, delayed within the bound and coalesced, cover on top', () => {
    const deliveries = [
      { t: 10, user: 0 },
      { t: 10.5, user: 0 },
      { t: 100, user: 0 },
      { t: 10, user: 1 },
    ];
    const off = wakeUpsUnder(PUSH_POLICIES[0]!, deliveries, 2, 86_400, seededRandom(1));
    expect(off.map((w) => [w.t, w.user])).toEqual([
      [10, 0],
      [10, 1],
      [10.5, 0],
      [100, 0],
    ]);
    // The balanced level's delay and window, without its cover, so every wake-up is a message's.
    const timed = { ...WAKE_POLICIES.balanced, coverPerDay: 0 };
    const delayed = wakeUpsUnder({ level: 't', wake: timed }, deliveries, 2, 86_400, seededRandom(1));
    const [first, second] = delayed.filter((w) => w.user === 0).map((w) => w.t);
    expect(delayed.filter((w) => w.user === 0)).toHaveLength(2);
    expect(first).toBeGreaterThan(10);
    expect(first).toBeLessThanOrEqual(10 + timed.maxDelayMs / 1000);
    expect(second).toBeGreaterThanOrEqual(first! + timed.coalesceMs / 1000);
    expect(second).toBeLessThanOrEqual(100 + timed.maxDelayMs / 1000 + timed.coalesceMs / 1000);
    const cover = wakeUpsUnder({ level: 'c', wake: { ...WAKE_POLICIES.off, coverPerDay: 100 } }, [], 2, 86_400, seededRandom(1));
    expect(cover.length).toBeGreaterThan(150);
    expect(cover.every((w) => w.cover)).toBe(true);
  });

  it('measures precision and cost per level; the attack beats chance with no defence', () => {
    const { rows, chance } = pushProviderRows(QUICK_CONFIG);
    expect(rows.map((r) => r.level)).toEqual(PUSH_POLICIES.map((p) => p.level));
    const [off, balanced, strict] = rows as [(typeof rows)[number], (typeof rows)[number], (typeof rows)[number]];
    expect(Math.max(off.timing.p5, off.reply.p5)).toBeGreaterThan(chance);
    expect(balanced.wakeUpsPerDay).toBeGreaterThan(off.wakeUpsPerDay * 2);
    expect(strict.wakeUpsPerDay).toBeGreaterThan(balanced.wakeUpsPerDay);
    expect(strict.coverShare).toBeGreaterThan(0.5);
    for (const r of rows) expect(r.awakeSecondsPerDay).toBeCloseTo(r.wakeUpsPerDay * 12, 6);
  });

  it('the delays and cover blunt the timing attack, on average over populations (one principal alone is noisy)', () => {
    const seeds = Array.from({ length: 6 }, (_, i) => QUICK_CONFIG.seed + i * 7919);
    const mean = [0, 0, 0];
    for (const seed of seeds) pushProviderRows({ ...QUICK_CONFIG, seed }).rows.forEach((r, i) => (mean[i]! += (r.timing.p5 + r.timing.p10) / 2 / seeds.length));
    const [off, balanced, strict] = mean as [number, number, number];
    console.log(`timing attack, mean of P@5 and P@10 over ${seeds.length} populations: off ${off.toFixed(2)}, balanced ${balanced.toFixed(2)}, strict ${strict.toFixed(2)}`);
    expect(balanced).toBeLessThan(off);
    expect(strict).toBeLessThan(off);
  });
});
