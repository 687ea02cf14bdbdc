import { afterAll, describe, expect, it } from 'vitest';
import { buildExposureReport } from '../src/exposureReport.ts';
import { findInfluencePaths } from '../src/influencePaths.ts';
import type { FixtureCall } from './fixtures.ts';
import { DAY, HOUR, T0, tempDir, writeAndroidXml, writeCsv, writeIphoneDb, writeVcard } from './fixtures.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const PRINCIPAL = '+31610000000';
const ANNA = '+31611111111'; // adviser 1
const BRAM = '+31622222222'; // adviser 2
const SHARED = '+31655555555'; // talks to principal and both advisers
const VIA_ANNA = '+31666666666'; // talks to Anna a lot, never to the principal
const VIA_BRAM = '+31677777777'; // talks to Bram a little

function regular(number: string, perWeek: number, weeks: number, durationSec = 300): FixtureCall[] {
  const out: FixtureCall[] = [];
  for (let w = 0; w < weeks; w++) {
    for (let k = 0; k < perWeek; k++) {
      out.push({ timeMs: T0 + (w * 7 + (k % 7)) * DAY + (10 + k) * HOUR, number, direction: k % 2 === 0 ? 'in' : 'out', durationSec });
    }
  }
  return out;
}

describe('paths of influence across three logs', () => {
  // Three people, three formats: the principal's iPhone, Anna's Android, Bram's CSV.
  writeIphoneDb(tmp.path('principal.storedata'), [...regular('0611111111', 5, 10), ...regular('0622222222', 2, 10), ...regular('0655555555', 1, 10)]);
  writeAndroidXml(tmp.path('anna.xml'), [...regular('0610000000', 5, 10), ...regular('0666666666', 6, 10, 900), ...regular('0655555555', 2, 10)]);
  writeCsv(tmp.path('bram.csv'), [...regular('0031610000000', 2, 10), ...regular('0677777777', 1, 3, 60), ...regular('0655555555', 1, 10)]);
  writeVcard(tmp.path('names.vcf'), [{ name: 'Bram', tels: ['06-22222222'] }, { name: 'Shared Sam', tels: ['0655555555'] }]);
  const report = buildExposureReport([
    { path: tmp.path('principal.storedata'), label: 'Minister', owner: '0610000000' },
    { path: tmp.path('anna.xml'), label: 'Anna', owner: '+31 6 1111 1111' },
    { path: tmp.path('bram.csv'), label: 'Bram' }, // number found by name in the vCard
  ], { country: 'NL', namesFile: tmp.path('names.vcf') });

  it('ties each adviser to the principal from the logs, not by assumption', () => {
    expect(report.people.map((p) => [p.label, p.role, p.owner])).toEqual([
      ['Minister', 'principal', PRINCIPAL], ['Anna', 'adviser', ANNA], ['Bram', 'adviser', BRAM],
    ]);
    const [anna, bram] = report.influence.links;
    expect(anna!.assumed).toBe(false);
    expect(bram!.assumed).toBe(false);
    expect(anna!.strength).toBeGreaterThan(0.5);
    expect(bram!.strength).toBeGreaterThan(0.5);
  });

  it('finds the shared contact and the two-step paths, excluding the circle itself', () => {
    const byKey = new Map(report.influence.contacts.map((c) => [c.partner as string, c]));
    expect([...byKey.keys()].sort()).toEqual([SHARED, VIA_ANNA, VIA_BRAM].sort());
    const shared = byKey.get(SHARED)!;
    expect(shared.reach).toEqual(['Minister', 'Anna', 'Bram']);
    expect(shared.name).toBe('Shared Sam');
    expect(shared.direct).toBeGreaterThan(0);
    expect(shared.paths.map((p) => p.via).sort()).toEqual(['Anna', 'Bram']);
    const viaAnna = byKey.get(VIA_ANNA)!;
    expect(viaAnna.direct).toBe(0);
    expect(viaAnna.paths).toHaveLength(1);
    expect(viaAnna.paths[0]!.via).toBe('Anna');
  });

  it('ranks by usefulness to an influence-seeker: shared > strong path via close adviser > weak path', () => {
    expect(report.influence.contacts.map((c) => c.partner)).toEqual([SHARED, VIA_ANNA, VIA_BRAM]);
    const [a, b, c] = report.influence.contacts;
    expect(a!.influence).toBeGreaterThan(b!.influence);
    expect(b!.influence).toBeGreaterThan(c!.influence);
  });

  it('recommends the advisers and top partners for Hardline, and briefs the shared contact', () => {
    const move = report.recommendations.moveToHardline.map((r) => r.who);
    expect(move.slice(0, 2)).toEqual([ANNA, BRAM]);
    expect(report.recommendations.briefAsTargets[0]!.who).toBe(SHARED);
  });

  it('assumes a tie, and says so, when no number links an adviser to the principal', () => {
    const r = findInfluencePaths([
      { label: 'P', owner: undefined, ranking: [] },
      { label: 'A', owner: undefined, ranking: [] },
    ]);
    expect(r.links).toEqual([{ adviser: 'A', strength: 0.5, assumed: true }]);
  });
});
