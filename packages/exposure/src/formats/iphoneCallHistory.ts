/**
 * @module iphoneCallHistory
 * iPhone `CallHistory.storedata`: a Core Data SQLite store whose table ZCALLRECORD holds one
 * row per call, opened with better-sqlite3; iphoneRows.ts turns each row into a call record.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { ReadOptions, ReadSummary, RecordSink } from '../callRecord.ts';
import { ExposureError } from '../exposureError.ts';
import { iphoneRowReader, REQUIRED_COLUMNS } from './iphoneRows.ts';
import type { CallHistoryRow } from './iphoneRows.ts';

export { APPLE_EPOCH_OFFSET_SEC } from './iphoneRows.ts';

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
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length > 0) throw new ExposureError('PARSE', `${path}: ZCALLRECORD lacks ${missing.join(', ')}`);
    const optional = (name: string): string => (columns.has(name) ? name : 'NULL');
    const total = (() => { try { return statSync(path).size; } catch { return 0; } })();
    const stmt = db.prepare(`SELECT ZDATE AS date, ZDURATION AS duration, CAST(ZADDRESS AS TEXT) AS address,
      ZORIGINATED AS originated, ZANSWERED AS answered, ${optional('ZNAME')} AS name,
      ${optional('ZISO_COUNTRY_CODE')} AS country FROM ZCALLRECORD`);
    const reader = iphoneRowReader(path, options, sink);
    let row = 0;
    try {
      for (const r of stmt.iterate() as Iterable<CallHistoryRow>) {
        reader.row(r);
        if (options.progress !== undefined && ++row % 50_000 === 0) options.progress(0, total, path);
      }
    } catch (cause) {
      if (cause instanceof ExposureError) throw cause;
      throw new ExposureError('PARSE', `${path}: damaged SQLite database`, { cause });
    }
    options.progress?.(total, total, path);
    return reader.summary();
  } finally {
    db.close();
  }
}
