/**
 * @module iphoneCallHistoryBytes
 * An iPhone's CallHistory.storedata read from its bytes, with the pure SQLite reader
 * (sqlite/sqliteFile.ts), for the browser: the same columns and rows as the CLI's
 * better-sqlite3 path (iphoneCallHistory.ts), through the same row reader.
 */
import type { ReadOptions, ReadSummary, RecordSink } from '../callRecord.ts';
import { ExposureError } from '../exposureError.ts';
import { SqliteFile } from '../sqlite/sqliteFile.ts';
import { iphoneRowReader, REQUIRED_COLUMNS } from './iphoneRows.ts';

export function readIphoneCallHistoryBytes(bytes: Uint8Array, path: string, options: ReadOptions, sink: RecordSink): ReadSummary {
  const table = new SqliteFile(bytes, path).table('ZCALLRECORD');
  if (table === undefined) throw new ExposureError('UNRECOGNISED_FORMAT', `${path}: SQLite database without a ZCALLRECORD table; not an iPhone call history`);
  const index = new Map(table.columns.map((c, i) => [c.toUpperCase(), i]));
  const missing = REQUIRED_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) throw new ExposureError('PARSE', `${path}: ZCALLRECORD lacks ${missing.join(', ')}`);
  const at = (name: string) => index.get(name) ?? -1;
  const [date, duration, address, originated, answered, name, country] =
    ['ZDATE', 'ZDURATION', 'ZADDRESS', 'ZORIGINATED', 'ZANSWERED', 'ZNAME', 'ZISO_COUNTRY_CODE'].map(at) as [number, number, number, number, number, number, number];
  const reader = iphoneRowReader(path, options, sink);
  // A row written before a column was added (ALTER TABLE) is shorter: the missing values are NULL.
  const v = (row: readonly unknown[], i: number) => (i < 0 ? null : row[i] ?? null);
  for (const row of table.rows()) {
    reader.row({
      date: v(row, date), duration: v(row, duration), address: v(row, address), originated: v(row, originated),
      answered: v(row, answered), name: v(row, name), country: v(row, country),
    });
  }
  return reader.summary();
}
