/**
 * @module personLog
 * Everything read from one person's files (a principal or an adviser): per-partner tallies and
 * totals. Several files may belong to one person (say an iPhone call history and an SMS CSV);
 * they are merged under the person's label. Pure: readFileInto.ts and browserReport.ts feed it.
 */
import { HOURS_PER_WEEK, heatmapCell } from './activityPatterns.ts';
import type { CallRecord, PartnerKey, ReadSummary, RecordSink } from './callRecord.ts';
import { ExposureError } from './exposureError.ts';
import type { NameBook } from './formats/vcardText.ts';
import { addToTally, newPartnerTally } from './partnerTally.ts';
import type { PartnerTally } from './partnerTally.ts';
import { normalisePhoneNumber } from './phoneNumber.ts';
import type { InputFormat } from './sniffFormat.ts';

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

/** The sink that folds one person's records in, as a format reader streams them. */
export function personSink(person: PersonLog, utcOffsetMinutes: number): RecordSink {
  return (record: CallRecord): void => {
    // A person's own number in their own log (voicemail, call forwarding) is not a partner.
    if (record.partner === person.owner) return;
    let tally = person.partners.get(record.partner);
    if (tally === undefined) {
      tally = newPartnerTally(record.partner);
      person.partners.set(record.partner, tally);
    }
    const hour = addToTally(tally, record, utcOffsetMinutes);
    person.heatmap[heatmapCell(hour)]! += 1;
    person.records++;
    if (record.timeMs < person.firstMs) person.firstMs = record.timeMs;
    if (record.timeMs > person.lastMs) person.lastMs = record.timeMs;
  };
}

/** Notes a file once it was read to the end. */
export function addSourceFile(person: PersonLog, path: string, format: InputFormat, summary: ReadSummary): void {
  person.withheld += summary.withheld;
  person.files.push({ path, format, records: summary.records, withheld: summary.withheld });
}

/** The person's own number: as given, or looked up by label in the address book. */
export function ownerKey(raw: string | undefined, label: string, country: string, names: NameBook): PartnerKey | undefined {
  if (raw !== undefined) {
    const key = normalisePhoneNumber(raw, country);
    if (key === undefined || !key.startsWith('+')) throw new ExposureError('USAGE', `"${raw}" is not a phone number for ${label}`);
    return key;
  }
  const wanted = label.toLowerCase();
  for (const [key, name] of names) if (name.toLowerCase() === wanted) return key;
  return undefined;
}
