/**
 * Malformed input to every reader: each must end in an ExposureError with a stable code,
 * never a crash, a hang, or a silently empty report.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../src/detectFormat.ts';
import { ExposureError } from '../src/exposureError.ts';
import type { ExposureErrorCode } from '../src/exposureError.ts';
import { buildExposureReport } from '../src/exposureReport.ts';
import { readAndroidCallLog } from '../src/formats/androidCallLog.ts';
import { readCsvCallLog } from '../src/formats/csvCallLog.ts';
import { parseLogArgument } from '../src/logArgument.ts';
import { T0, tempDir, writeIphoneDb } from './fixtures.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const opts = { country: 'NL', utcOffsetMinutes: 0 };

function codeOf(fn: () => unknown): ExposureErrorCode | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    if (error instanceof ExposureError) return error.code;
    throw error;
  }
}

function report(name: string, content: string | Buffer): ExposureErrorCode | 'no error' {
  writeFileSync(tmp.path(name), content);
  return codeOf(() => buildExposureReport([{ path: tmp.path(name) }]));
}

describe('bad input', () => {
  it('refuses unrecognised files', () => {
    expect(report('notes.txt', 'Dear diary,\ntoday I called nobody.\n')).toBe('UNRECOGNISED_FORMAT');
    expect(report('page.html', '<!DOCTYPE html><html><body>hi</body></html>')).toBe('UNRECOGNISED_FORMAT');
    expect(report('random.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0xff]))).toBe('UNRECOGNISED_FORMAT');
    expect(report('foo.csv', 'foo,bar,baz\n1,2,3\n')).toBe('UNRECOGNISED_FORMAT');
  });

  it('refuses a SQLite database that is not a call history', () => {
    writeIphoneDb(tmp.path('x.db'), []);
    const other = tmp.path('other.db');
    writeFileSync(other, '');
    // An SQLite file without ZCALLRECORD.
    const db = new Database(other);
    db.exec('CREATE TABLE t (a)');
    db.close();
    expect(codeOf(() => buildExposureReport([{ path: other }]))).toBe('UNRECOGNISED_FORMAT');
    expect(codeOf(() => buildExposureReport([{ path: tmp.path('x.db') }]))).toBe('EMPTY');
  });

  it('refuses a truncated SQLite file', () => {
    writeIphoneDb(tmp.path('full.db'), [{ timeMs: T0, number: '0612345678', direction: 'in', durationSec: 1 }]);
    const bytes = readFileSync(tmp.path('full.db'));
    expect(report('cut.db', bytes.subarray(0, 100))).toBe('PARSE');
  });

  it('reports a truncated CSV with its line number', () => {
    writeFileSync(tmp.path('cut.csv'), 'time,number,direction,duration\n2024-01-01 10:00,0612345678,in,60\n2024-01-01 11:00,06123');
    let error: unknown;
    try { readCsvCallLog(tmp.path('cut.csv'), opts, () => undefined); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(ExposureError);
    expect((error as ExposureError).code).toBe('PARSE');
    expect((error as ExposureError).message).toContain('line 3');
    expect(report('quote.csv', 'time,number\n2024-01-01 10:00,"0612345678\n')).toBe('PARSE');
    expect(report('badtime.csv', 'time,number\nyesterday,0612345678\n')).toBe('PARSE');
    expect(report('baddur.csv', 'time,number,duration\n2024-01-01 10:00,0612345678,long\n')).toBe('PARSE');
  });

  it('refuses malformed and truncated XML', () => {
    const head = `<?xml version="1.0"?>\n<calls count="1">\n`;
    const call = `<call number="0612345678" duration="5" date="${T0}" type="1" />\n`;
    expect(report('ok.xml', `${head}${call}</calls>\n`)).toBe('no error');
    expect(report('noend.xml', `${head}${call}`)).toBe('PARSE');
    expect(report('midtag.xml', `${head}${call}<call number="061234`)).toBe('PARSE');
    expect(report('attrs.xml', `${head}<call number=0612345678 date="${T0}" type="1" />\n</calls>`)).toBe('PARSE');
    expect(report('entity.xml', `${head}<call number="06&bogus;" date="${T0}" type="1" />\n</calls>`)).toBe('PARSE');
    expect(report('bareamp.xml', `${head}<call number="06 & 12" date="${T0}" type="1" />\n</calls>`)).toBe('PARSE');
    expect(report('nodate.xml', `${head}<call number="0612345678" type="1" />\n</calls>`)).toBe('PARSE');
    expect(report('text.xml', `${head}hello ${call}</calls>`)).toBe('PARSE');
    expect(report('wrongroot.xml', `<?xml version="1.0"?><calls-like/><calls>${call}</calls>`)).toBe('PARSE');
    expect(codeOf(() => readAndroidCallLog(tmp.path('noend.xml'), opts, () => undefined))).toBe('PARSE');
  });

  it('refuses empty files and logs without records', () => {
    expect(report('empty.csv', '')).toBe('EMPTY');
    expect(report('blank.csv', '\n\n  \n')).toBe('EMPTY');
    expect(report('header.csv', 'time,number,duration\n')).toBe('EMPTY');
    expect(report('withheld.csv', 'time,number\n2024-01-01 10:00,private\n')).toBe('EMPTY');
    expect(report('empty.xml', '<?xml version="1.0"?><calls count="0"></calls>')).toBe('EMPTY');
  });

  it('refuses a non-existent file and a directory', () => {
    expect(codeOf(() => buildExposureReport([{ path: tmp.path('nope.csv') }]))).toBe('NOT_FOUND');
    mkdirSync(tmp.path('dir'), { recursive: true });
    expect(codeOf(() => detectFormat(tmp.path('dir')))).toBe('NOT_FOUND');
  });

  it('refuses a huge line early, in the header and in the body', () => {
    expect(report('hugeheader.csv', 'x'.repeat(200_000))).toBe('TOO_LARGE');
    expect(report('hugeline.csv', `time,number\n2024-01-01 10:00,0612345678\n2024-01-01 10:00,${'9'.repeat(300_000)}\n`)).toBe('TOO_LARGE');
  });

  it('rejects a vCard given as a call log, and a call log given as names', () => {
    expect(report('c.vcf', 'BEGIN:VCARD\nFN:A\nTEL:0612345678\nEND:VCARD\n')).toBe('USAGE');
    writeFileSync(tmp.path('ok.csv'), 'time,number\n2024-01-01 10:00,0612345678\n');
    expect(codeOf(() => buildExposureReport([{ path: tmp.path('ok.csv') }], { namesFile: tmp.path('ok.csv') }))).toBe('UNRECOGNISED_FORMAT');
    expect(codeOf(() => buildExposureReport([{ path: tmp.path('ok.csv') }], { namesFile: tmp.path('missing.vcf') }))).toBe('NOT_FOUND');
  });

  it('rejects bad options and arguments', () => {
    writeFileSync(tmp.path('ok.csv'), 'time,number\n2024-01-01 10:00,0612345678\n');
    expect(codeOf(() => buildExposureReport([]))).toBe('USAGE');
    expect(codeOf(() => buildExposureReport([{ path: tmp.path('ok.csv') }], { country: 'XX' }))).toBe('USAGE');
    expect(codeOf(() => buildExposureReport([{ path: tmp.path('ok.csv'), owner: 'nobody' }]))).toBe('USAGE');
    expect(codeOf(() => parseLogArgument('=x.csv'))).toBe('no error'); // treated as a path
    expect(codeOf(() => parseLogArgument('anna='))).toBe('USAGE');
    expect(codeOf(() => parseLogArgument('anna@=x.csv'))).toBe('USAGE');
    expect(parseLogArgument('anna@+31611111111=dir/x.csv')).toEqual({ label: 'anna', owner: '+31611111111', path: 'dir/x.csv' });
    expect(parseLogArgument('dir/a=b.csv')).toEqual({ path: 'dir/a=b.csv' });
  });
});
