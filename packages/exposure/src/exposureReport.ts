/**
 * @module exposureReport
 * Orchestrates the exposure report: detect each file's format, stream it into its person's log,
 * rank partners, find influence paths across the circle, and recommend. The result is plain
 * data that the terminal, JSON and HTML renderers all read.
 */
import { basename, extname } from 'node:path';
import { localHourIndex, weekOf } from './activityPatterns.ts';
import type { BurstRule } from './activityPatterns.ts';
import type { PartnerKey, ProgressCallback } from './callRecord.ts';
import { detectFormat } from './detectFormat.ts';
import type { InputFormat } from './detectFormat.ts';
import { ExposureError } from './exposureError.ts';
import { readVcardNames } from './formats/vcardNames.ts';
import type { NameBook } from './formats/vcardNames.ts';
import { findInfluencePaths } from './influencePaths.ts';
import type { InfluenceReport } from './influencePaths.ts';
import type { LogArgument } from './logArgument.ts';
import { rankPartners, SCORE_WEIGHTS } from './partnerRanking.ts';
import type { RankedPartner } from './partnerRanking.ts';
import { newPersonLog, readFileInto } from './personLog.ts';
import type { PersonLog, PersonRole, SourceFile } from './personLog.ts';
import { dialPlanFor } from './phoneCountries.ts';
import { normalisePhoneNumber } from './phoneNumber.ts';
import { recommend } from './recommendations.ts';
import type { Recommendations } from './recommendations.ts';

export const DEFAULT_COUNTRY = 'NL';

export type ExposureOptions = {
  /** ISO alpha-2 country for numbers written without a country code (default NL). */
  readonly country?: string;
  /** The owners' wall-clock offset from UTC in minutes, for heatmaps and zone-less times (default 0). */
  readonly utcOffsetMinutes?: number;
  /** A vCard file that puts names to numbers. */
  readonly namesFile?: string;
  readonly progress?: ProgressCallback;
  readonly burstRule?: BurstRule;
  /** "Now" for recency; default the newest record in any log. */
  readonly asOfMs?: number;
  /** How many top partners per person get a heatmap and appear in renderers (default 25). */
  readonly detailTop?: number;
};

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

export function buildExposureReport(logs: readonly LogArgument[], options: ExposureOptions = {}): ExposureReport {
  if (logs.length === 0) throw new ExposureError('USAGE', 'no call log given');
  const country = (options.country ?? DEFAULT_COUNTRY).toUpperCase();
  if (dialPlanFor(country) === undefined) throw new ExposureError('USAGE', `unknown country "${country}"`);
  const utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
  const names: NameBook = options.namesFile === undefined ? new Map() : readNames(options.namesFile, country);

  // Files with the same label belong to one person; the first label is the principal.
  const people = new Map<string, PersonLog>();
  const formats = logs.map((log) => detectFormat(log.path)); // fail fast, before any long read
  logs.forEach((log, i) => {
    const label = log.label ?? (i === 0 ? 'principal' : basename(log.path, extname(log.path)));
    let person = people.get(label);
    if (person === undefined) {
      person = newPersonLog(label, people.size === 0 ? 'principal' : 'adviser', ownerKey(log.owner, label, country, names));
      people.set(label, person);
    } else if (person.owner === undefined && log.owner !== undefined) {
      person.owner = ownerKey(log.owner, label, country, names);
    }
    readFileInto(person, log.path, formats[i] as InputFormat, { country, utcOffsetMinutes, progress: options.progress });
  });
  for (const person of people.values()) {
    if (person.records === 0) {
      throw new ExposureError('EMPTY', `${person.files.map((f) => f.path).join(', ')}: no call records with an identifiable partner`);
    }
  }

  // Circle members are known by their labels in each other's logs, unless the book names them.
  const circleNames = new Map(names);
  for (const p of people.values()) if (p.owner !== undefined && !circleNames.has(p.owner)) circleNames.set(p.owner, p.label);
  let asOfMs = options.asOfMs ?? -Infinity;
  if (options.asOfMs === undefined) for (const p of people.values()) asOfMs = Math.max(asOfMs, p.lastMs);
  const personReports: PersonReport[] = [...people.values()].map((p) => {
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

function readNames(path: string, country: string): NameBook {
  if (detectFormat(path) !== 'vcard') throw new ExposureError('UNRECOGNISED_FORMAT', `${path}: --names expects a vCard (.vcf) file`);
  return readVcardNames(path, country);
}

/** The person's own number: as given, or looked up by label in the address book. */
function ownerKey(raw: string | undefined, label: string, country: string, names: NameBook): PartnerKey | undefined {
  if (raw !== undefined) {
    const key = normalisePhoneNumber(raw, country);
    if (key === undefined || !key.startsWith('+')) throw new ExposureError('USAGE', `"${raw}" is not a phone number for ${label}`);
    return key;
  }
  const wanted = label.toLowerCase();
  for (const [key, name] of names) if (name.toLowerCase() === wanted) return key;
  return undefined;
}
