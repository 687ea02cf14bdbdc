/**
 * @module browserReport
 * The exposure report in a browser (the security console): call logs the team picks with a
 * file input are read here and never leave the tab: CSV and Android XML exports slice by
 * slice, an iPhone's CallHistory.storedata (SQLite) whole, with the pure SQLite reader; a
 * vCard among the files puts names to numbers.
 * This file and what it imports are pure: no Node module, no DOM beyond the File it is given.
 */
import type { PartnerKey, ReadOptions } from './callRecord.ts';
import { buildCircleReport } from './circleReport.ts';
import type { ExposureReport } from './circleReport.ts';
import { ExposureError } from './exposureError.ts';
import { androidRecordReader, MAX_XML_ELEMENT_BYTES } from './formats/androidRecords.ts';
import { csvRecordReader, MAX_CSV_LINE_BYTES } from './formats/csvRecords.ts';
import { readIphoneCallHistoryBytes } from './formats/iphoneCallHistoryBytes.ts';
import { MAX_VCARD_BYTES, parseVcardNames } from './formats/vcardText.ts';
import { addSourceFile, newPersonLog, ownerKey, personSink } from './personLog.ts';
import type { PersonLog } from './personLog.ts';
import { dialPlanFor } from './phoneCountries.ts';
import { pieceSplitter } from './pieceSplitter.ts';
import { formatOfHead, SNIFF_BYTES } from './sniffFormat.ts';
import type { InputFormat } from './sniffFormat.ts';

export const BROWSER_DEFAULT_COUNTRY = 'NL';
const SLICE_BYTES = 1 << 20;
/** A phone's CallHistory.storedata is a few MB; beyond this it is not one. */
export const MAX_SQLITE_BYTES = 256 * 1024 * 1024;

/** A browser File (or Node's): only its name, size and slices are used. */
export type LogFile = {
  readonly name: string;
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
};

export type LogFileGroup = {
  /** Whose phone: the first group is the principal, the rest advisers. */
  readonly label: string;
  /** Their own number, when known: it links their log to the others'. */
  readonly owner?: string | undefined;
  readonly files: readonly LogFile[];
};

export type BrowserExposureOptions = {
  readonly country?: string | undefined;
  readonly utcOffsetMinutes?: number | undefined;
  /** Bytes read so far of all files, and their total. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
};

export async function analyseLogFiles(groups: readonly LogFileGroup[], options: BrowserExposureOptions = {}): Promise<ExposureReport> {
  const country = (options.country ?? BROWSER_DEFAULT_COUNTRY).toUpperCase();
  if (dialPlanFor(country) === undefined) throw new ExposureError('USAGE', `unknown country "${country}"`);
  const utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
  const all = groups.flatMap((g) => g.files);
  if (groups.length === 0 || groups[0]!.files.length === 0) throw new ExposureError('USAGE', "no call log given for the principal's phone");
  // Sniff every file first, so a wrong file fails at once rather than after a long read.
  const formats = new Map<LogFile, InputFormat>();
  for (const f of all) formats.set(f, formatOfHead(new Uint8Array(await f.slice(0, SNIFF_BYTES).arrayBuffer()), f.name));
  const total = all.reduce((n, f) => n + f.size, 0);
  let done = 0;
  const progress = (n: number) => options.onProgress?.((done += n), total);

  const names = new Map<PartnerKey, string>();
  for (const f of all.filter((f) => formats.get(f) === 'vcard')) {
    if (f.size > MAX_VCARD_BYTES) throw new ExposureError('TOO_LARGE', `${f.name}: ${f.size} bytes is more than the ${MAX_VCARD_BYTES}-byte limit for a vCard file`);
    for (const [k, v] of parseVcardNames(await readText(f, progress, options.signal), country, f.name)) if (!names.has(k)) names.set(k, v);
  }

  const people: PersonLog[] = [];
  for (const [i, g] of groups.entries()) {
    const calls = g.files.filter((f) => formats.get(f) !== 'vcard');
    if (calls.length === 0) throw new ExposureError('USAGE', `${g.label}: only an address book was given, no call log`);
    const person = newPersonLog(g.label, i === 0 ? 'principal' : 'adviser', ownerKey(g.owner || undefined, g.label, country, names));
    for (const f of calls) await readInto(person, f, formats.get(f)!, { country, utcOffsetMinutes }, progress, options.signal);
    people.push(person);
  }
  return buildCircleReport(people, { country, utcOffsetMinutes, names });
}

async function readInto(person: PersonLog, file: LogFile, format: InputFormat, options: ReadOptions, progress: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const sink = personSink(person, options.utcOffsetMinutes);
  if (format === 'iphone-sqlite') {
    // A database is read whole (its pages point anywhere in the file); call histories are small.
    if (file.size > MAX_SQLITE_BYTES) throw new ExposureError('TOO_LARGE', `${file.name}: ${file.size} bytes is more than the ${MAX_SQLITE_BYTES}-byte limit for a call history database`);
    if (signal?.aborted) throw new ExposureError('USAGE', 'analysis cancelled');
    const bytes = new Uint8Array(await file.slice(0, file.size).arrayBuffer());
    progress(bytes.length);
    addSourceFile(person, file.name, format, readIphoneCallHistoryBytes(bytes, file.name, options, sink));
    return;
  }
  const reader = format === 'csv' ? csvRecordReader(file.name, options, sink) : androidRecordReader(file.name, options, sink);
  const splitter = format === 'csv'
    ? pieceSplitter('\n', MAX_CSV_LINE_BYTES, file.name, reader)
    : pieceSplitter('>', MAX_XML_ELEMENT_BYTES, file.name, reader);
  const decoder = new TextDecoder();
  for (let at = 0; at < file.size; at += SLICE_BYTES) {
    if (signal?.aborted) throw new ExposureError('USAGE', 'analysis cancelled');
    const bytes = await file.slice(at, Math.min(at + SLICE_BYTES, file.size)).arrayBuffer();
    splitter.push(decoder.decode(bytes, { stream: true }));
    progress(bytes.byteLength);
  }
  splitter.push(decoder.decode());
  splitter.end();
  addSourceFile(person, file.name, format, reader.finish());
}

async function readText(file: LogFile, progress: (n: number) => void, signal?: AbortSignal): Promise<string> {
  if (signal?.aborted) throw new ExposureError('USAGE', 'analysis cancelled');
  const bytes = await file.slice(0, file.size).arrayBuffer();
  progress(bytes.byteLength);
  return new TextDecoder().decode(bytes);
}
