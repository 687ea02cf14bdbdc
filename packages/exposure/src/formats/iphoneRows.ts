/**
 * @module iphoneRows
 * One ZCALLRECORD row of an iPhone's CallHistory.storedata turned into a call record, whoever
 * read the database: better-sqlite3 in Node (iphoneCallHistory.ts) or the pure reader in a
 * browser (iphoneCallHistoryBytes.ts).
 */
import { Directions, RecordKinds } from '../callRecord.ts';
import type { PartnerKey, ReadOptions, ReadSummary, RecordSink } from '../callRecord.ts';
import { ExposureError } from '../exposureError.ts';
import { createNumberNormaliser } from '../phoneNumber.ts';

/** Seconds between the Unix epoch and Apple's reference date, 2001-01-01T00:00:00Z. */
export const APPLE_EPOCH_OFFSET_SEC = 978_307_200;

/** The documented columns; ZNAME and ZISO_COUNTRY_CODE are optional (the schema drifts across iOS versions). */
export const REQUIRED_COLUMNS = ['ZDATE', 'ZDURATION', 'ZADDRESS', 'ZORIGINATED', 'ZANSWERED'] as const;

export type CallHistoryRow = {
  date: unknown; duration: unknown; address: unknown; originated: unknown; answered: unknown; name: unknown; country: unknown;
};

export type IphoneRowReader = { row(r: CallHistoryRow): void; summary(): ReadSummary };

export function iphoneRowReader(path: string, options: ReadOptions, sink: RecordSink): IphoneRowReader {
  const normalisers = new Map<string, (raw: string) => PartnerKey | undefined>();
  const normaliserFor = (country: string): ((raw: string) => PartnerKey | undefined) => {
    let n = normalisers.get(country);
    if (n === undefined) { n = createNumberNormaliser(country); normalisers.set(country, n); }
    return n;
  };
  let records = 0;
  let withheld = 0;
  let row = 0;
  return {
    row(r) {
      row++;
      if (typeof r.date !== 'number') throw new ExposureError('PARSE', `${path}: row ${row}: ZDATE is not a number`);
      // The phone's own country reads the numbers it dialled best; --country is the fallback.
      const country = typeof r.country === 'string' && r.country.length === 2 ? r.country.toUpperCase() : options.country;
      const partner = normaliserFor(country)(addressText(r.address));
      if (partner === undefined) { withheld++; return; }
      const direction = r.originated === 1 ? Directions.OUT : r.answered === 1 ? Directions.IN : Directions.MISSED;
      records++;
      sink({
        timeMs: Math.round((r.date + APPLE_EPOCH_OFFSET_SEC) * 1000),
        partner, direction, kind: RecordKinds.CALL,
        durationSec: typeof r.duration === 'number' && r.duration > 0 ? r.duration : 0,
        name: typeof r.name === 'string' && r.name !== '' ? r.name : undefined,
      });
    },
    summary: () => ({ records, withheld }),
  };
}

/** ZADDRESS is text, or a blob holding text on some iOS versions (SQL: CAST(ZADDRESS AS TEXT)). */
function addressText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (typeof v === 'number') return String(v);
  return '';
}
