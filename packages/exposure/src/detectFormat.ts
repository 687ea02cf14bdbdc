/**
 * @module detectFormat
 * Decides a file's format from its first bytes, never from its name: exports get renamed, and
 * a wrong guess must end in a clear error rather than a silent empty report. Only a small
 * prefix is read, so a 2 GB junk file is refused at once.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ExposureError } from './exposureError.ts';
import { detectCsvLayout, MAX_CSV_LINE_BYTES } from './formats/csvCallLog.ts';

export const InputFormats = {
  CSV: 'csv',
  IPHONE_SQLITE: 'iphone-sqlite',
  ANDROID_XML: 'android-xml',
  VCARD: 'vcard',
} as const;
export type InputFormat = (typeof InputFormats)[keyof typeof InputFormats];

const SNIFF_BYTES = MAX_CSV_LINE_BYTES;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function detectFormat(path: string): InputFormat {
  const head = readHead(path);
  if (head.length === 0) throw new ExposureError('EMPTY', `${path}: the file is empty`);
  if (head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return InputFormats.IPHONE_SQLITE;
  if (head.includes(0)) throw new ExposureError('UNRECOGNISED_FORMAT', `${path}: binary content that is not a SQLite database`);
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed === '') throw new ExposureError('EMPTY', `${path}: the file holds only whitespace`);
  if (trimmed.startsWith('<')) {
    if (/<(calls|smses)[\s>/]/.test(text)) return InputFormats.ANDROID_XML;
    throw new ExposureError('UNRECOGNISED_FORMAT', `${path}: XML or HTML, but not an Android call-log export (no <calls> or <smses>)`);
  }
  if (/^BEGIN:VCARD/i.test(trimmed)) return InputFormats.VCARD;
  const newline = text.indexOf('\n');
  if (newline < 0 && head.length >= SNIFF_BYTES) {
    throw new ExposureError('TOO_LARGE', `${path}: no line break in the first ${SNIFF_BYTES} bytes; this is not a call log`);
  }
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  if (detectCsvLayout(firstLine) !== undefined) return InputFormats.CSV;
  throw new ExposureError('UNRECOGNISED_FORMAT',
    `${path}: not a recognised call log (expected a CSV with time and number columns, an iPhone CallHistory.storedata, an Android call-log XML, or a vCard)`);
}

function readHead(path: string): Buffer {
  let fd: number;
  try {
    if (statSync(path).isDirectory()) throw new ExposureError('NOT_FOUND', `${path}: is a directory, not a file`);
    fd = openSync(path, 'r');
  } catch (cause) {
    if (cause instanceof ExposureError) throw cause;
    throw new ExposureError('NOT_FOUND', `${path}: cannot open (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
