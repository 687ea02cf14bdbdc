/**
 * @module circleReport
 * The report's second half, once every person's logs were read: rank each person's partners,
 * find influence paths across the circle, and recommend. Pure: the CLI (exposureReport.ts) and
 * the console (browserReport.ts) read the logs their own way and both end here.
 */
import { localHourIndex, weekOf } from './activityPatterns.ts';
import type { BurstRule } from './activityPatterns.ts';
import type { PartnerKey } from './callRecord.ts';
import { ExposureError } from './exposureError.ts';
import type { NameBook } from './formats/vcardText.ts';
import { findInfluencePaths } from './influencePaths.ts';
import type { InfluenceReport } from './influencePaths.ts';
import { rankPartners, SCORE_WEIGHTS } from './partnerRanking.ts';
import type { RankedPartner } from './partnerRanking.ts';
import type { PersonLog, PersonRole, SourceFile } from './personLog.ts';
import { recommend } from './recommendations.ts';
import type { Recommendations } from './recommendations.ts';

export type PersonReport = {
  readonly label: string;
  readonly role: PersonRole;
  readonly owner: PartnerKey | undefined;
  readonly files: readonly SourceFile[];
  readonly records: number;
  readonly withheld: number;
  readonly partnerCount: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly observedWeeks: number;
  readonly heatmap: readonly number[];
  readonly ranking: readonly RankedPartner[];
};

export type ExposureReport = {
  readonly generatedAtMs: number;
  readonly asOfMs: number;
  readonly country: string;
  readonly utcOffsetMinutes: number;
  readonly scoreWeights: typeof SCORE_WEIGHTS;
  readonly people: readonly PersonReport[];
  readonly influence: InfluenceReport;
  readonly recommendations: Recommendations;
};

export type CircleOptions = {
  readonly country: string;
  readonly utcOffsetMinutes: number;
  readonly names: NameBook;
  readonly burstRule?: BurstRule | undefined;
  /** "Now" for recency; default the newest record in any log. */
  readonly asOfMs?: number | undefined;
  readonly detailTop?: number | undefined;
};

/** `people` in order: the principal first, then the advisers. */
export function buildCircleReport(people: readonly PersonLog[], options: CircleOptions): ExposureReport {
  const { country, utcOffsetMinutes } = options;
  for (const person of people) {
    if (person.records === 0) {
      throw new ExposureError('EMPTY', `${person.files.map((f) => f.path).join(', ')}: no call records with an identifiable partner`);
    }
  }
  // Circle members are known by their labels in each other's logs, unless the book names them.
  const circleNames = new Map(options.names);
  for (const p of people) if (p.owner !== undefined && !circleNames.has(p.owner)) circleNames.set(p.owner, p.label);
  let asOfMs = options.asOfMs ?? -Infinity;
  if (options.asOfMs === undefined) for (const p of people) asOfMs = Math.max(asOfMs, p.lastMs);
  const personReports: PersonReport[] = people.map((p) => {
    const observedWeeks = weekOf(localHourIndex(p.lastMs, utcOffsetMinutes)) - weekOf(localHourIndex(p.firstMs, utcOffsetMinutes)) + 1;
    const ranking = rankPartners(p.partners.values(), {
      asOfMs, observedWeeks, utcOffsetMinutes, names: circleNames, burstRule: options.burstRule, detailTop: options.detailTop,
    });
    return {
      label: p.label, role: p.role, owner: p.owner, files: p.files, records: p.records, withheld: p.withheld,
      partnerCount: p.partners.size, firstMs: p.firstMs, lastMs: p.lastMs, observedWeeks, heatmap: Array.from(p.heatmap), ranking,
    };
  });
  const influence = findInfluencePaths(personReports);
  const [principal, ...advisers] = personReports;
  return {
    generatedAtMs: Date.now(),
    asOfMs,
    country,
    utcOffsetMinutes,
    scoreWeights: SCORE_WEIGHTS,
    people: personReports,
    influence,
    recommendations: recommend({ principalRanking: principal?.ranking ?? [], influence, advisers }),
  };
}
