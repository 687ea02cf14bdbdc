/**
 * @module personLog
 * Everything read from one person's files (a principal or an adviser): per-partner tallies and
 * totals. Several files may belong to one person (say an iPhone call history and an SMS CSV);
 * they are merged under the person's label.
 */
import { HOURS_PER_WEEK, heatmapCell } from './activityPatterns.ts';
import type { CallRecord, PartnerKey, ReadOptions, ReadSummary } from './callRecord.ts';
import type { InputFormat } from './detectFormat.ts';
import { ExposureError } from './exposureError.ts';
import { readAndroidCallLog } from './formats/androidCallLog.ts';
import { readCsvCallLog } from './formats/csvCallLog.ts';
import { readIphoneCallHistory } from './formats/iphoneCallHistory.ts';
import { addToTally, newPartnerTally } from './partnerTally.ts';
import type { PartnerTally } from './partnerTally.ts';

export type PersonRole = 'principal' | 'adviser';

export type SourceFile = {
  readonly path: string;
  readonly format: InputFormat;
  readonly records: number;
  readonly withheld: number;
};

export type PersonLog = {
  readonly label: string;
  readonly role: PersonRole;
  /** The person's own number, when known: it links their log to the others'. */
  owner: PartnerKey | undefined;
  readonly files: SourceFile[];
  readonly partners: Map<PartnerKey, PartnerTally>;
  readonly heatmap: Uint32Array;
  records: number;
  withheld: number;
  firstMs: number;
  lastMs: number;
};

export function newPersonLog(label: string, role: PersonRole, owner?: PartnerKey): PersonLog {
  return {
    label, role, owner, files: [], partners: new Map(), heatmap: new Uint32Array(HOURS_PER_WEEK),
    records: 0, withheld: 0, firstMs: Infinity, lastMs: -Infinity,
  };
}

/** Streams one file into the person's log. */
export function readFileInto(person: PersonLog, path: string, format: InputFormat, options: ReadOptions): void {
  const sink = (record: CallRecord): void => {
    // A person's own number in their own log (voicemail, call forwarding) is not a partner.
    if (record.partner === person.owner) return;
    let tally = person.partners.get(record.partner);
    if (tally === undefined) {
      tally = newPartnerTally(record.partner);
      person.partners.set(record.partner, tally);
    }
    const hour = addToTally(tally, record, options.utcOffsetMinutes);
    person.heatmap[heatmapCell(hour)]! += 1;
    person.records++;
    if (record.timeMs < person.firstMs) person.firstMs = record.timeMs;
    if (record.timeMs > person.lastMs) person.lastMs = record.timeMs;
  };
  let summary: ReadSummary;
  switch (format) {
    case 'csv': summary = readCsvCallLog(path, options, sink); break;
    case 'android-xml': summary = readAndroidCallLog(path, options, sink); break;
    case 'iphone-sqlite': summary = readIphoneCallHistory(path, options, sink); break;
    case 'vcard': throw new ExposureError('USAGE', `${path}: a vCard holds names, not calls; pass it with --names`);
  }
  person.withheld += summary.withheld;
  person.files.push({ path, format, records: summary.records, withheld: summary.withheld });
}
