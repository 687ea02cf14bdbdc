/**
 * @module iphoneCallHistory
 * iPhone `CallHistory.storedata`: a Core Data SQLite store whose table ZCALLRECORD holds one
 * row per call. Only the documented columns are required; optional ones (ZNAME,
 * ZISO_COUNTRY_CODE) are used when present, because the schema drifts across iOS versions.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { Directions, RecordKinds } from '../callRecord.ts';
import type { PartnerKey, ReadOptions, ReadSummary, RecordSink } from '../callRecord.ts';
import { ExposureError } from '../exposureError.ts';
import { createNumberNormaliser } from '../phoneNumber.ts';

/** Seconds between the Unix epoch and Apple's reference date, 2001-01-01T00:00:00Z. */
export const APPLE_EPOCH_OFFSET_SEC = 978_307_200;

const REQUIRED = ['ZDATE', 'ZDURATION', 'ZADDRESS', 'ZORIGINATED', 'ZANSWERED'] as const;

export function readIphoneCallHistory(path: string, options: ReadOptions, sink: RecordSink): ReadSummary {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new ExposureError('PARSE', `${path}: cannot open as SQLite`, { cause });
  }
  try {
    let columns: Set<string>;
    try {
      columns = new Set((db.prepare(`PRAGMA table_info(ZCALLRECORD)`).all() as { name: string }[]).map((c) => c.name.toUpperCase()));
    } catch (cause) {
      throw new ExposureError('PARSE', `${path}: damaged SQLite database`, { cause });
    }
    if (columns.size === 0) throw new ExposureError('UNRECOGNISED_FORMAT', `${path}: SQLite database without a ZCALLRECORD table; not an iPhone call history`);
    const missing = REQUIRED.filter((c) => !columns.has(c));
    if (missing.length > 0) throw new ExposureError('PARSE', `${path}: ZCALLRECORD lacks ${missing.join(', ')}`);
    const optional = (name: string): string => (columns.has(name) ? name : 'NULL');
    const total = (() => { try { return statSync(path).size; } catch { return 0; } })();
    const normalisers = new Map<string, (raw: string) => PartnerKey | undefined>();
    const normaliserFor = (country: string): ((raw: string) => PartnerKey | undefined) => {
      let n = normalisers.get(country);
      if (n === undefined) { n = createNumberNormaliser(country); normalisers.set(country, n); }
      return n;
    };
    const stmt = db.prepare(`SELECT ZDATE AS date, ZDURATION AS duration, CAST(ZADDRESS AS TEXT) AS address,
      ZORIGINATED AS originated, ZANSWERED AS answered, ${optional('ZNAME')} AS name,
      ${optional('ZISO_COUNTRY_CODE')} AS country FROM ZCALLRECORD`);
    let records = 0;
    let withheld = 0;
    let row = 0;
    try {
      for (const r of stmt.iterate() as Iterable<Row>) {
        row++;
        if (typeof r.date !== 'number') throw new ExposureError('PARSE', `${path}: row ${row}: ZDATE is not a number`);
        // The phone's own country reads the numbers it dialled best; --country is the fallback.
        const country = typeof r.country === 'string' && r.country.length === 2 ? r.country.toUpperCase() : options.country;
        const partner = normaliserFor(country)(r.address ?? '');
        if (partner === undefined) { withheld++; continue; }
        const direction = r.originated === 1 ? Directions.OUT : r.answered === 1 ? Directions.IN : Directions.MISSED;
        records++;
        sink({
          timeMs: Math.round((r.date + APPLE_EPOCH_OFFSET_SEC) * 1000),
          partner, direction, kind: RecordKinds.CALL,
          durationSec: typeof r.duration === 'number' && r.duration > 0 ? r.duration : 0,
          name: typeof r.name === 'string' && r.name !== '' ? r.name : undefined,
        });
        if (options.progress !== undefined && row % 50_000 === 0) options.progress(0, total, path);
      }
    } catch (cause) {
      if (cause instanceof ExposureError) throw cause;
      throw new ExposureError('PARSE', `${path}: damaged SQLite database`, { cause });
    }
    options.progress?.(total, total, path);
    return { records, withheld };
  } finally {
    db.close();
  }
}

type Row = {
  date: unknown; duration: unknown; address: string | null; originated: unknown; answered: unknown; name: unknown; country: unknown;
};
