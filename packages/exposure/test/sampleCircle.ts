/**
 * @module sampleCircle
 * A realistic small circle (a principal and two advisers, three formats, an address book) for
 * the rendering, CLI and browser tests.
 */
import type { FixtureCall } from './fixtures.ts';
import { DAY, HOUR, T0, writeAndroidXml, writeCsv, writeIphoneDb, writeVcard } from './fixtures.ts';

/** Deterministic pseudo-random numbers, so screenshots are stable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
}

type Pattern = { number: string; perWeek: number; hours: readonly number[]; weekdaysOnly?: boolean; talk: number; outShare: number; weeks?: readonly [number, number] };

function synth(patterns: readonly Pattern[], seed: number): FixtureCall[] {
  const r = rng(seed);
  const calls: FixtureCall[] = [];
  for (const p of patterns) {
    const [w0, w1] = p.weeks ?? [0, 16];
    for (let w = w0; w < w1; w++) {
      const n = Math.round(p.perWeek * (0.6 + r() * 0.8));
      for (let k = 0; k < n; k++) {
        const day = p.weekdaysOnly === true ? Math.floor(r() * 5) : Math.floor(r() * 7);
        const hour = p.hours[Math.floor(r() * p.hours.length)] ?? 12;
        const t = T0 + (w * 7 + day) * DAY + hour * HOUR + Math.floor(r() * 60) * 60_000;
        const roll = r();
        const direction = roll < 0.08 ? 'missed' : roll < 0.08 + p.outShare * 0.92 ? 'out' : 'in';
        calls.push({ timeMs: t, number: p.number, direction, durationSec: direction === 'missed' ? 0 : Math.round(p.talk * (0.3 + r() * 1.4)), kind: r() < 0.25 ? 'sms' : 'call' });
      }
    }
  }
  return calls.sort((a, b) => a.timeMs - b.timeMs);
}

export const CIRCLE = {
  principal: '+31610000001',
  chiefOfStaff: '+31610000002',
  spokesperson: '+31610000003',
} as const;

/** The principal's log is an iPhone database, or a CSV export of it (what a browser can read). */
export function writeSampleCircle(path: (name: string) => string, principalFormat: 'iphone' | 'csv' = 'iphone'): string[] {
  const principalFile = path(principalFormat === 'iphone' ? 'minister.storedata' : 'minister.csv');
  (principalFormat === 'iphone' ? writeIphoneDb : writeCsv)(principalFile, synth([
    { number: '06 1000 0002', perWeek: 14, hours: [8, 9, 12, 17, 21], talk: 420, outShare: 0.55 },
    { number: '0031610000003', perWeek: 6, hours: [7, 8, 18], weekdaysOnly: true, talk: 240, outShare: 0.4 },
    { number: '+31 6 2000 0001', perWeek: 5, hours: [19, 20, 21, 22], talk: 1500, outShare: 0.5 },
    { number: '0620000002', perWeek: 3, hours: [10, 11, 14, 15], weekdaysOnly: true, talk: 600, outShare: 0.7 },
    { number: '0620000003', perWeek: 2, hours: [13], talk: 300, outShare: 0.2, weeks: [10, 16] },
    { number: '0620000004', perWeek: 1, hours: [9, 16], weekdaysOnly: true, talk: 180, outShare: 0.5 },
    { number: '+44 7700 900123', perWeek: 1, hours: [15, 16], talk: 900, outShare: 0.9, weeks: [2, 9] },
    { number: '0620000006', perWeek: 0.5, hours: [11], talk: 120, outShare: 0 },
  ], 1));
  writeAndroidXml(path('chief-of-staff.xml'), synth([
    { number: '0610000001', perWeek: 14, hours: [8, 9, 12, 17, 21], talk: 420, outShare: 0.45 },
    { number: '0630000001', perWeek: 10, hours: [9, 10, 11, 14, 15, 16], weekdaysOnly: true, talk: 700, outShare: 0.5 },
    { number: '0620000004', perWeek: 4, hours: [9, 16], weekdaysOnly: true, talk: 300, outShare: 0.5 },
    { number: '0630000002', perWeek: 3, hours: [20, 21], talk: 1200, outShare: 0.6 },
    { number: '0610000003', perWeek: 5, hours: [8, 13], weekdaysOnly: true, talk: 200, outShare: 0.5 },
  ], 2));
  writeCsv(path('spokesperson.csv'), synth([
    { number: '+31610000001', perWeek: 6, hours: [7, 8, 18], weekdaysOnly: true, talk: 240, outShare: 0.6 },
    { number: '0640000001', perWeek: 12, hours: [9, 10, 11, 12, 13, 14, 15, 16], weekdaysOnly: true, talk: 200, outShare: 0.5 },
    { number: '0640000002', perWeek: 8, hours: [10, 14, 22], talk: 150, outShare: 0.3 },
    { number: '0620000003', perWeek: 2, hours: [13], talk: 300, outShare: 0.5 },
    { number: '0620000004', perWeek: 1, hours: [16], talk: 100, outShare: 0.5 },
  ], 3));
  writeVcard(path('contacts.vcf'), [
    { name: 'Chief of Staff', tels: ['06-10000002'] },
    { name: 'Spokesperson', tels: ['06-10000003'] },
    { name: 'Partner (home)', tels: ['0620000001'] },
    { name: 'Deputy Minister', tels: ['0620000002'] },
    { name: 'Journalist <b>De Krant</b>', tels: ['0620000003'] },
    { name: 'Party Treasurer', tels: ['0620000004'] },
    { name: 'UK Counterpart', tels: ['+447700900123'] },
    { name: 'Lobbyist J. Smit', tels: ['0630000001'] },
    { name: 'Old Friend', tels: ['0630000002'] },
    { name: 'Press Desk', tels: ['0640000001'] },
  ]);
  return [
    `Minister@${CIRCLE.principal}=${principalFile}`,
    `Chief of Staff@${CIRCLE.chiefOfStaff}=${path('chief-of-staff.xml')}`,
    `Spokesperson@${CIRCLE.spokesperson}=${path('spokesperson.csv')}`,
    '--names', path('contacts.vcf'),
  ];
}
