import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/callRecord.ts';
import { detectFormat } from '../src/detectFormat.ts';
import { readAndroidCallLog } from '../src/formats/androidCallLog.ts';
import { detectCsvLayout, readCsvCallLog, splitCsvLine } from '../src/formats/csvCallLog.ts';
import { readIphoneCallHistory } from '../src/formats/iphoneCallHistory.ts';
import { parseVcardNames, readVcardNames } from '../src/formats/vcardNames.ts';
import { HOUR, knownAnswerLog, T0, tempDir, writeAndroidXml, writeCsv, writeIphoneDb, writeVcard } from './fixtures.ts';

const opts = { country: 'NL', utcOffsetMinutes: 0 };
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function collect(read: (sink: (r: CallRecord) => void) => unknown): CallRecord[] {
  const out: CallRecord[] = [];
  read((r) => out.push(r));
  return out;
}

/** Every format must yield the same records from the same synthetic calls. */
function expectKnownLog(records: readonly CallRecord[]): void {
  const calls = knownAnswerLog();
  expect(records).toHaveLength(calls.length);
  const sorted = [...records].sort((a, b) => a.timeMs - b.timeMs);
  expect(sorted[0]!.timeMs).toBe(calls[0]!.timeMs);
  const partners = new Set(records.map((r) => r.partner));
  expect([...partners].sort()).toEqual(['+31612345678', '+31622222222', '+31633333333', '+31644444444']);
  expect(records.filter((r) => r.direction === 'out' && r.partner === '+31622222222')).toHaveLength(24);
  expect(records.find((r) => r.partner === '+31644444444')!.durationSec).toBe(3600);
}

describe('CSV call logs', () => {
  it('reads a comma CSV and merges number spellings', () => {
    writeCsv(tmp.path('log.csv'), knownAnswerLog());
    expect(detectFormat(tmp.path('log.csv'))).toBe('csv');
    expectKnownLog(collect((sink) => readCsvCallLog(tmp.path('log.csv'), opts, sink)));
  });

  it.each([[';'], ['\t'], ['|']])('detects the delimiter %j', (d) => {
    writeCsv(tmp.path('d.csv'), knownAnswerLog(), d);
    expect(detectFormat(tmp.path('d.csv'))).toBe('csv');
    expectKnownLog(collect((sink) => readCsvCallLog(tmp.path('d.csv'), opts, sink)));
  });

  it('matches header names loosely: separate date and time, quoted fields, BOM, CRLF, clock durations', () => {
    const text = '\uFEFF"Datum";"Tijd";"Telefoonnummer";"Richting";"Soort";"Duur"\r\n' +
      '"15-03-2024";"09:30:00";"06 1234 5678";"Uitgaand";"Gesprek";"0:05:00"\r\n' +
      '"15-03-2024";"10:00";"+31 6 1234 5678";"Inkomend";"SMS";""\r\n' +
      '"16-03-2024";"11:00";"0612345678";"Gemist";"Gesprek";"0"\r\n';
    writeFileSync(tmp.path('nl.csv'), text);
    const layout = detectCsvLayout(text.split('\r\n')[0]!);
    expect(layout).toMatchObject({ delimiter: ';', time: 0, timeOfDay: 1, number: 2, direction: 3, type: 4, duration: 5 });
    const records = collect((sink) => readCsvCallLog(tmp.path('nl.csv'), opts, sink));
    expect(records.map((r) => [r.direction, r.kind, r.durationSec])).toEqual([['out', 'call', 300], ['in', 'sms', 0], ['missed', 'call', 0]]);
    expect(records[0]!.timeMs).toBe(Date.UTC(2024, 2, 15, 9, 30));
    expect(new Set(records.map((r) => r.partner)).size).toBe(1);
  });

  it('reads epoch times, a name-only log, and applies the UTC offset to wall-clock times', () => {
    writeFileSync(tmp.path('e.csv'), 'timestamp,contact,direction\n1704100000,Anna de Vries,in\n2024-01-01T10:00:00Z,Bram,out\n2024-01-01 10:00,Bram,out\n');
    const records = collect((sink) => readCsvCallLog(tmp.path('e.csv'), { country: 'NL', utcOffsetMinutes: 60 }, sink));
    expect(records[0]).toMatchObject({ timeMs: 1_704_100_000_000, partner: 'name:anna de vries', direction: 'in' });
    expect(records[1]!.timeMs).toBe(Date.UTC(2024, 0, 1, 10));
    expect(records[2]!.timeMs).toBe(Date.UTC(2024, 0, 1, 9));
  });

  it('counts withheld numbers instead of inventing a partner', () => {
    writeFileSync(tmp.path('w.csv'), 'time,number\n2024-01-01 10:00,Private\n2024-01-01 11:00,0612345678\n');
    let n = 0;
    const summary = readCsvCallLog(tmp.path('w.csv'), opts, () => n++);
    expect(summary).toEqual({ records: 1, withheld: 1 });
  });

  it('splits quoted fields with doubled quotes and delimiters inside', () => {
    expect(splitCsvLine('"a,b","c""d",e', ',')).toEqual(['a,b', 'c"d', 'e']);
    expect(splitCsvLine('"open,b', ',')).toBeUndefined();
  });
});

describe('Android call-log XML', () => {
  it('reads calls, decodes entities in names and numbers', () => {
    const calls = knownAnswerLog().map((c) => (c.name === 'Anna' ? { ...c, name: 'Anna "A" <de> Vries & Co' } : c));
    writeAndroidXml(tmp.path('calls.xml'), calls);
    expect(detectFormat(tmp.path('calls.xml'))).toBe('android-xml');
    const records = collect((sink) => readAndroidCallLog(tmp.path('calls.xml'), opts, sink));
    expectKnownLog(records);
    expect(records.find((r) => r.partner === '+31612345678')!.name).toBe('Anna "A" <de> Vries & Co');
    expect(records.find((r) => r.partner === '+31644444444')!.name).toBeUndefined();
  });

  it('handles numeric entities, single quotes, raw > in values and SMS backups', () => {
    writeFileSync(tmp.path('sms.xml'), `<?xml version="1.0"?>\n<smses count="3">\n<sms address='06&#49;2345678' date="${T0}" type="1" body="a > b" contact_name="Zo&#xEB;" />` +
      `<sms address="+31612345678" date="${T0 + HOUR}" type="2" body="x" /><sms address="0612345678" date="${T0 + 2 * HOUR}" type="3" body="draft" />\n` +
      `<mms date="${T0}"><parts><part data="abc" /></parts></mms>\n</smses>`);
    const records = collect((sink) => readAndroidCallLog(tmp.path('sms.xml'), opts, sink));
    expect(records.map((r) => [r.partner, r.direction, r.kind])).toEqual([['+31612345678', 'in', 'sms'], ['+31612345678', 'out', 'sms']]);
    expect(records[0]!.name).toBe('Zoë');
  });
});

describe('iPhone CallHistory.storedata', () => {
  it('reads ZCALLRECORD with Apple absolute times and originated/answered flags', () => {
    writeIphoneDb(tmp.path('CallHistory.storedata'), knownAnswerLog());
    expect(detectFormat(tmp.path('CallHistory.storedata'))).toBe('iphone-sqlite');
    const records = collect((sink) => readIphoneCallHistory(tmp.path('CallHistory.storedata'), opts, sink));
    expectKnownLog(records);
    expect(records.filter((r) => r.direction === 'in' && r.partner === '+31633333333')).toHaveLength(8);
    expect(records.find((r) => r.partner === '+31612345678')!.name).toBe('Anna');
  });

  it('marks unanswered incoming calls as missed', () => {
    writeIphoneDb(tmp.path('m.storedata'), [{ timeMs: T0, number: '0612345678', direction: 'missed', durationSec: 0 }]);
    const [r] = collect((sink) => readIphoneCallHistory(tmp.path('m.storedata'), opts, sink));
    expect(r).toMatchObject({ direction: 'missed', timeMs: T0, partner: '+31612345678' });
  });
});

describe('vCard names', () => {
  it('maps every TEL of a card to its name, whatever the spelling', () => {
    writeVcard(tmp.path('c.vcf'), [{ name: 'Anna de Vries', tels: ['+31 6 1234 5678', '020-1234567'] }, { name: 'Bram', tels: ['0031622222222'] }]);
    expect(detectFormat(tmp.path('c.vcf'))).toBe('vcard');
    const book = readVcardNames(tmp.path('c.vcf'), 'NL');
    expect(book.get('+31612345678' as never)).toBe('Anna de Vries');
    expect(book.get('+31201234567' as never)).toBe('Anna de Vries');
    expect(book.get('+31622222222' as never)).toBe('Bram');
  });

  it('reads folded lines, N without FN, and vCard 2.1 quoted-printable', () => {
    const book = parseVcardNames([
      'BEGIN:VCARD', 'VERSION:2.1', 'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;', 'TEL;CELL:0151 ', ' 12345678', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:Zoë\\, CEO', 'item1.TEL;VALUE=uri:tel:+31-6-87654321', 'END:VCARD',
    ].join('\n'), 'DE');
    expect(book.get('+4915112345678' as never)).toBe('Jürgen Müller');
    expect(book.get('+31687654321' as never)).toBe('Zoë, CEO');
  });
});
