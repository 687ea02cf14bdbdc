/**
 * @module csvRecords
 * Generic call/SMS CSV exports, read line by line. Exporters disagree on everything (column
 * names, delimiter, date format), so the header is matched loosely and each line is parsed on
 * its own. Pure: the lines come from a file (csvCallLog.ts) or from a browser's File
 * (browserReport.ts), never from a whole file held in memory.
 */
import { Directions, RecordKinds } from '../callRecord.ts';
import type { ReadOptions, ReadSummary, RecordSink } from '../callRecord.ts';
import type { PieceReader } from '../pieceReader.ts';
import { ExposureError } from '../exposureError.ts';
import { createNumberNormaliser, nameKey } from '../phoneNumber.ts';
import { parseDuration, parseTimestamp } from '../timestamps.ts';
import { readTypeWords } from './callTypeWords.ts';

/** A line longer than this is junk, not a call record. */
export const MAX_CSV_LINE_BYTES = 64 * 1024;

const DELIMITERS = [',', ';', '\t', '|'] as const;

// Header names after lower-casing and dropping everything but letters and digits.
const COMBINED_TIME = ['timestamp', 'datetime', 'dateandtime', 'datetimeutc', 'startdatetime', 'starttime', 'start', 'when', 'calldatetime', 'tijdstip', 'zeitpunkt'];
const DATE_ONLY = ['date', 'calldate', 'datum', 'day', 'startdate', 'fecha'];
const TIME_ONLY = ['time', 'calltime', 'tijd', 'zeit', 'heure', 'hora'];
const NUMBER = ['number', 'phonenumber', 'phone', 'phoneno', 'tel', 'telephone', 'msisdn', 'address', 'remote', 'remotenumber',
  'remoteparty', 'othernumber', 'otherparty', 'counterpart', 'partner', 'contactnumber', 'nummer', 'telefoonnummer', 'rufnummer', 'numero', 'callernumber'];
const NAME = ['name', 'contactname', 'contact', 'displayname', 'caller', 'naam', 'cachedname'];
const DIRECTION = ['direction', 'dir', 'calldirection', 'inout', 'io', 'richting', 'richtung'];
const TYPE = ['type', 'calltype', 'kind', 'service', 'medium', 'category', 'event', 'eventtype', 'soort', 'typ', 'recordtype'];
const DURATION = ['duration', 'durationsec', 'durationsecs', 'durationseconds', 'durations', 'seconds', 'secs', 'length', 'callduration',
  'billsec', 'duur', 'dauer', 'talktime', 'duree', 'duracion'];

export type CsvLayout = {
  readonly delimiter: string;
  readonly columnCount: number;
  readonly time: number;
  /** Separate time-of-day column to append to `time`, or -1. */
  readonly timeOfDay: number;
  readonly number: number;
  readonly name: number;
  readonly direction: number;
  readonly type: number;
  readonly duration: number;
};

/** Reads a header line into a layout, or undefined when it does not look like a call log. */
export function detectCsvLayout(headerLine: string): CsvLayout | undefined {
  const header = headerLine.replace(/^\uFEFF/, '').replace(/\r$/, '');
  let delimiter: string | undefined;
  let best = 0;
  for (const d of DELIMITERS) {
    const count = splitCsvLine(header, d)?.length ?? 0;
    if (count > best) { best = count; delimiter = d; }
  }
  if (delimiter === undefined || best < 2) return undefined;
  const names = (splitCsvLine(header, delimiter) ?? []).map((h) => h.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const find = (candidates: readonly string[]): number => {
    for (const c of candidates) {
      const i = names.indexOf(c);
      if (i >= 0) return i;
    }
    return -1;
  };
  let time = find(COMBINED_TIME);
  let timeOfDay = -1;
  if (time < 0) {
    time = find(DATE_ONLY);
    const t = find(TIME_ONLY);
    if (time < 0) time = t;
    else timeOfDay = t;
  }
  const number = find(NUMBER);
  const name = find(NAME);
  if (time < 0 || (number < 0 && name < 0)) return undefined;
  return {
    delimiter, columnCount: names.length, time, timeOfDay, number, name,
    direction: find(DIRECTION), type: find(TYPE), duration: find(DURATION),
  };
}

/**
 * Splits one CSV line, honouring RFC 4180 quotes within the line. Returns undefined for an
 * unterminated quote (a truncated file or a quoted newline, which call logs never need).
 */
export function splitCsvLine(line: string, delimiter: string): string[] | undefined {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return undefined;
        value += line.slice(j, q);
        if (line[q + 1] === '"') { value += '"'; j = q + 2; continue; }
        j = q + 1;
        break;
      }
      fields.push(value);
      if (j >= line.length) return fields;
      if (line.startsWith(delimiter, j)) { i = j + delimiter.length; continue; }
      // Junk between a closing quote and the delimiter: keep it, as spreadsheets do.
      const next = line.indexOf(delimiter, j);
      fields[fields.length - 1] += next < 0 ? line.slice(j) : line.slice(j, next);
      if (next < 0) return fields;
      i = next + delimiter.length;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next < 0) { fields.push(line.slice(i)); return fields; }
      fields.push(line.slice(i, next));
      i = next + delimiter.length;
    }
  }
}

/** A reader that takes the file's lines in order (without their '\n') and reports at the end. */
export function csvRecordReader(path: string, options: ReadOptions, sink: RecordSink): PieceReader {
  const normalise = createNumberNormaliser(options.country);
  const dayFirst = !['US', 'CA'].includes(options.country.toUpperCase());
  let layout: CsvLayout | undefined;
  let lineNo = 0;
  let records = 0;
  let withheld = 0;
  const piece = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (layout === undefined) {
      layout = detectCsvLayout(line);
      if (layout === undefined) throw new ExposureError('UNRECOGNISED_FORMAT', `${path}: the CSV header names no time and number columns`);
      return;
    }
    if (line.trim() === '') return;
    const f = splitCsvLine(line, layout.delimiter);
    if (f === undefined) throw parseError(path, lineNo, 'unterminated quoted field (truncated file?)');
    if (f.length < layout.columnCount) throw parseError(path, lineNo, `expected ${layout.columnCount} fields, found ${f.length} (truncated file?)`);
    const timeText = layout.timeOfDay >= 0 ? `${f[layout.time]} ${f[layout.timeOfDay]}` : f[layout.time] ?? '';
    const timeMs = parseTimestamp(timeText, dayFirst, options.utcOffsetMinutes);
    if (timeMs === undefined) throw parseError(path, lineNo, `unreadable time "${timeText.slice(0, 40)}"`);
    const name = layout.name >= 0 ? f[layout.name]?.trim() : undefined;
    const numberText = layout.number >= 0 ? f[layout.number] ?? '' : '';
    let partner = numberText.trim() === '' ? undefined : normalise(numberText);
    if (partner === undefined && layout.number < 0 && name !== undefined && name !== '') partner = nameKey(name);
    if (partner === undefined) { withheld++; return; }
    let durationSec = 0;
    if (layout.duration >= 0) {
      const d = parseDuration(f[layout.duration] ?? '');
      if (d === undefined) throw parseError(path, lineNo, `unreadable duration "${(f[layout.duration] ?? '').slice(0, 20)}"`);
      durationSec = d;
    }
    const a = layout.direction >= 0 ? readTypeWords(f[layout.direction] ?? '') : undefined;
    const b = layout.type >= 0 ? readTypeWords(f[layout.type] ?? '') : undefined;
    const direction = a?.direction === Directions.MISSED || b?.direction === Directions.MISSED
      ? Directions.MISSED
      : a?.direction ?? b?.direction ?? Directions.UNKNOWN;
    const kind = b?.kind ?? a?.kind ?? RecordKinds.CALL;
    records++;
    sink({ timeMs, partner, direction, kind, durationSec, name: name === '' ? undefined : name });
  };
  const finish = (): ReadSummary => {
    if (layout === undefined) throw new ExposureError('EMPTY', `${path}: the file is empty`);
    return { records, withheld };
  };
  return { piece, finish };
}

function parseError(path: string, lineNo: number, what: string): ExposureError {
  return new ExposureError('PARSE', `${path}: line ${lineNo}: ${what}`);
}
