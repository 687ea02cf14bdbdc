/**
 * @module readFileInto
 * Streams one file, in the format detected for it, into its person's log.
 */
import type { ReadOptions, ReadSummary } from './callRecord.ts';
import type { InputFormat } from './detectFormat.ts';
import { ExposureError } from './exposureError.ts';
import { readAndroidCallLog } from './formats/androidCallLog.ts';
import { readCsvCallLog } from './formats/csvCallLog.ts';
import { readIphoneCallHistory } from './formats/iphoneCallHistory.ts';
import { addSourceFile, personSink } from './personLog.ts';
import type { PersonLog } from './personLog.ts';

export function readFileInto(person: PersonLog, path: string, format: InputFormat, options: ReadOptions): void {
  const sink = personSink(person, options.utcOffsetMinutes);
  let summary: ReadSummary;
  switch (format) {
    case 'csv': summary = readCsvCallLog(path, options, sink); break;
    case 'android-xml': summary = readAndroidCallLog(path, options, sink); break;
    case 'iphone-sqlite': summary = readIphoneCallHistory(path, options, sink); break;
    case 'vcard': throw new ExposureError('USAGE', `${path}: a vCard holds names, not calls; pass it with --names`);
  }
  addSourceFile(person, path, format, summary);
}
