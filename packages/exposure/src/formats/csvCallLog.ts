/**
 * @module csvCallLog
 * A CSV call log read from a file, streamed line by line (csvRecords.ts reads the lines), so
 * that its size does not matter.
 */
import type { ReadOptions, ReadSummary, RecordSink } from '../callRecord.ts';
import { forEachPiece } from '../chunkedFileReader.ts';
import { csvRecordReader, MAX_CSV_LINE_BYTES } from './csvRecords.ts';

export { detectCsvLayout, splitCsvLine, MAX_CSV_LINE_BYTES } from './csvRecords.ts';
export type { CsvLayout } from './csvRecords.ts';

export function readCsvCallLog(path: string, options: ReadOptions, sink: RecordSink): ReadSummary {
  const reader = csvRecordReader(path, options, sink);
  forEachPiece(path, { separator: 10, maxPieceBytes: MAX_CSV_LINE_BYTES, progress: options.progress, label: path }, (line) => reader.piece(line, false));
  return reader.finish();
}
