/**
 * @module androidCallLog
 * An Android call-log XML export read from a file, streamed tag by tag (androidRecords.ts
 * reads the tags), so that its size does not matter.
 */
import type { ReadOptions, ReadSummary, RecordSink } from '../callRecord.ts';
import { forEachPiece } from '../chunkedFileReader.ts';
import { androidRecordReader, MAX_XML_ELEMENT_BYTES } from './androidRecords.ts';

export { MAX_XML_ELEMENT_BYTES } from './androidRecords.ts';

export function readAndroidCallLog(path: string, options: ReadOptions, sink: RecordSink): ReadSummary {
  const reader = androidRecordReader(path, options, sink);
  forEachPiece(path, { separator: 62, maxPieceBytes: MAX_XML_ELEMENT_BYTES, progress: options.progress, label: path }, (piece, isLast) => reader.piece(piece, isLast));
  return reader.finish();
}
