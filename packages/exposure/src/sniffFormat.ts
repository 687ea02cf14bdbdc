/**
 * @module sniffFormat
 * Decides a log's format from its first bytes, never from its name: exports get renamed, and
 * a wrong guess must end in a clear error rather than a silent empty report. Pure: the bytes
 * come from a file (detectFormat.ts) or from a browser's File (browserReport.ts).
 */
import { ExposureError } from './exposureError.ts';
import { detectCsvLayout, MAX_CSV_LINE_BYTES } from './formats/csvRecords.ts';

export const InputFormats = {
  CSV: 'csv',
  IPHONE_SQLITE: 'iphone-sqlite',
  ANDROID_XML: 'android-xml',
  VCARD: 'vcard',
} as const;
export type InputFormat = (typeof InputFormats)[keyof typeof InputFormats];

/** How many bytes from the start of a file `formatOfHead` wants to see. */
export const SNIFF_BYTES = MAX_CSV_LINE_BYTES;
const SQLITE_MAGIC = 'SQLite format 3\0';

/** `head` is the file's first SNIFF_BYTES bytes (or all of a shorter file); `label` names it in errors. */
export function formatOfHead(head: Uint8Array, label: string): InputFormat {
  if (head.length === 0) throw new ExposureError('EMPTY', `${label}: the file is empty`);
  if (startsWithMagic(head)) return InputFormats.IPHONE_SQLITE;
  if (head.includes(0)) throw new ExposureError('UNRECOGNISED_FORMAT', `${label}: binary content that is not a SQLite database`);
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed === '') throw new ExposureError('EMPTY', `${label}: the file holds only whitespace`);
  if (trimmed.startsWith('<')) {
    if (/<(calls|smses)[\s>/]/.test(text)) return InputFormats.ANDROID_XML;
    throw new ExposureError('UNRECOGNISED_FORMAT', `${label}: XML or HTML, but not an Android call-log export (no <calls> or <smses>)`);
  }
  if (/^BEGIN:VCARD/i.test(trimmed)) return InputFormats.VCARD;
  const newline = text.indexOf('\n');
  if (newline < 0 && head.length >= SNIFF_BYTES) {
    throw new ExposureError('TOO_LARGE', `${label}: no line break in the first ${SNIFF_BYTES} bytes; this is not a call log`);
  }
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  if (detectCsvLayout(firstLine) !== undefined) return InputFormats.CSV;
  throw new ExposureError('UNRECOGNISED_FORMAT',
    `${label}: not a recognised call log (expected a CSV with time and number columns, an iPhone CallHistory.storedata, an Android call-log XML, or a vCard)`);
}

function startsWithMagic(head: Uint8Array): boolean {
  if (head.length < SQLITE_MAGIC.length) return false;
  for (let i = 0; i < SQLITE_MAGIC.length; i++) if (head[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  return true;
}
