import { afterAll, describe, expect, it } from 'vitest';
import { findBursts } from '../src/activityPatterns.ts';
import { buildExposureReport } from '../src/exposureReport.ts';
import { SCORE_WEIGHTS } from '../src/partnerRanking.ts';
import { knownAnswerLog, T0, DAY, tempDir, writeCsv } from './fixtures.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('partner ranking on a constructed log', () => {
  writeCsv(tmp.path('principal.csv'), knownAnswerLog());
  const report = buildExposureReport([{ path: tmp.path('principal.csv') }], { country: 'NL' });
  const ranking = report.people[0]!.ranking;

  it('ranks the regular two-way partner first and the one-off call last', () => {
    expect(ranking.map((r) => r.partner)).toEqual(['+31612345678', '+31622222222', '+31633333333', '+31644444444']);
  });

  it('shows every factor, each in [0, 1], and the score is their weighted sum', () => {
    for (const r of ranking) {
      const sum = (Object.keys(SCORE_WEIGHTS) as (keyof typeof SCORE_WEIGHTS)[]).reduce((a, k) => a + SCORE_WEIGHTS[k] * r.factors[k], 0);
      expect(r.score).toBeCloseTo(sum * 100, 0);
      for (const v of Object.values(r.factors)) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
    }
    const [anna, bram, cees, dirk] = ranking;
    expect(anna!.factors.frequency).toBe(1);
    expect(anna!.factors.reciprocity).toBeCloseTo(2 * 24 / 60, 5); // 36 in, 24 out
    expect(bram!.factors.reciprocity).toBe(0);
    expect(anna!.activeWeeks).toBe(12);
    expect(anna!.factors.regularity).toBeGreaterThan(0.7);
    expect(anna!.factors.talkTime).toBe(1);
    expect(dirk!.factors.talkTime).toBeCloseTo(Math.log1p(3600) / Math.log1p(36_000), 5);
    expect(dirk!.factors.recency).toBeLessThan(cees!.factors.recency);
    expect(anna!.name).toBe('Anna');
    expect(anna!.talkSec).toBe(60 * 600);
  });

  it('puts Anna in the 09:00 weekday cells of the heatmap and finds the burst', () => {
    const heat = ranking[0]!.heatmap!;
    expect(heat[0 * 24 + 9]).toBe(12); // Monday 09h
    expect(heat[4 * 24 + 9]).toBe(12); // Friday 09h
    expect(heat.reduce((a, b) => a + b, 0)).toBe(60);
    expect(ranking.find((r) => r.partner === '+31633333333')!.bursts).toEqual([
      { startMs: T0 + 75 * DAY + 14 * 3_600_000, endMs: T0 + 75 * DAY + 16 * 3_600_000, contacts: 8 },
    ]);
    expect(ranking[0]!.bursts).toEqual([]);
  });

  it('merges overlapping burst windows', () => {
    const hours = new Map([[100, 3], [101, 3], [102, 3], [103, 3], [200, 1]]);
    expect(findBursts(hours, { minContacts: 5, windowHours: 2 }, 0)).toEqual([{ startMs: 100 * 3_600_000, endMs: 104 * 3_600_000, contacts: 12 }]);
  });

  it('recommends moving the top partners first', () => {
    expect(report.recommendations.moveToHardline[0]!.who).toBe('+31612345678');
    expect(report.recommendations.briefAsTargets.map((r) => r.who)).toContain('+31612345678');
  });
});
