/**
 * @module exposureReport
 * Orchestrates the exposure report from files: detect each file's format, stream it into its
 * person's log, then rank, find influence paths and recommend (circleReport.ts). The result is
 * plain data that the terminal, JSON and HTML renderers, and the console, all read.
 */
import { basename, extname } from 'node:path';
import type { BurstRule } from './activityPatterns.ts';
import type { ProgressCallback } from './callRecord.ts';
import { buildCircleReport } from './circleReport.ts';
import type { ExposureReport } from './circleReport.ts';
import { detectFormat } from './detectFormat.ts';
import type { InputFormat } from './detectFormat.ts';
import { ExposureError } from './exposureError.ts';
import { readVcardNames } from './formats/vcardNames.ts';
import type { NameBook } from './formats/vcardNames.ts';
import type { LogArgument } from './logArgument.ts';
import { newPersonLog, ownerKey } from './personLog.ts';
import type { PersonLog } from './personLog.ts';
import { dialPlanFor } from './phoneCountries.ts';
import { readFileInto } from './readFileInto.ts';

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

export type { ExposureReport, PersonReport } from './circleReport.ts';

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
  return buildCircleReport([...people.values()], {
    country, utcOffsetMinutes, names, burstRule: options.burstRule, asOfMs: options.asOfMs, detailTop: options.detailTop,
  });
}

function readNames(path: string, country: string): NameBook {
  if (detectFormat(path) !== 'vcard') throw new ExposureError('UNRECOGNISED_FORMAT', `${path}: --names expects a vCard (.vcf) file`);
  return readVcardNames(path, country);
}
