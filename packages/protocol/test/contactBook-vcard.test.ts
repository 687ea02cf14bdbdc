/**
 * vCard import and export (RFC 2426 vCard 3.0 as iPhones write it, RFC 6350 vCard 4.0 as
 * Android writes it, and the vCard 2.1 quirks older exports carry), with the bounds that make
 * an import all-or-nothing.
 */
import { describe, expect, it } from 'vitest';
import { exportVCards, HardlineError, MAX_VCARD_BYTES, parseVCards, toE164, type Contact } from '../src/index.ts';

/** An iPhone-style export: vCard 3.0, CRLF, `item1.` groups with X-ABLabel, folded lines. */
export function iphoneVcf(n: number): string {
  const cards: string[] = [];
  for (let i = 0; i < n; i++) {
    cards.push(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'PRODID:-//Apple Inc.//iPhone OS 17.0//EN',
        `N:Lastname${i};Firstname${i};;;`,
        `FN:Firstname${i} Lastname${i}`,
        `item1.TEL;type=CELL;type=VOICE;type=pref:+31 6 ${String(10000000 + i).slice(0, 4)} ${String(10000000 + i).slice(4)}`,
        'item1.X-ABLabel:mobile',
        `EMAIL;type=INTERNET;type=HOME;type=pref:person${i}@example.org`,
        // A long note folded over two lines, with escaped punctuation.
        `NOTE:Met at the conference\\, table ${i}\\; follow up about the long story that goes on a`,
        ' nd on',
        'END:VCARD',
      ].join('\r\n'),
    );
  }
  return cards.join('\r\n') + '\r\n';
}

/** An Android-style export: vCard 4.0 (LF line ends), tel: URIs, TYPE params. */
function androidVcf(): string {
  return [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'FN:Jana Nováková',
    'N:Nováková;Jana;;;',
    'TEL;VALUE=uri;TYPE=cell:tel:+420-601-123-456',
    'TEL;TYPE=work:+420 222 333 444',
    'EMAIL;TYPE=work:jana@firma.cz',
    'END:VCARD',
    'BEGIN:VCARD',
    'VERSION:4.0',
    'N:Smith;Jo;;Dr.;',
    'TEL;TYPE=home:020 123 4567',
    'END:VCARD',
    '',
  ].join('\n');
}

describe('vCard import', () => {
  it('reads an iPhone-style 3.0 file with many entries', () => {
    const entries = parseVCards(iphoneVcf(50));
    expect(entries).toHaveLength(50);
    expect(entries[7]).toMatchObject({
      name: 'Firstname7 Lastname7',
      phones: ['+31 6 1000 0007'],
      emails: ['person7@example.org'],
      notes: 'Met at the conference, table 7; follow up about the long story that goes on and on',
    });
  });

  it('reads an Android-style 4.0 file, tel: URIs and N without FN', () => {
    const [jana, jo] = parseVCards(androidVcf());
    expect(jana).toMatchObject({ name: 'Jana Nováková', phones: ['+420-601-123-456', '+420 222 333 444'], emails: ['jana@firma.cz'] });
    expect(jo).toMatchObject({ name: 'Dr. Jo Smith', phones: ['020 123 4567'] });
    expect(toE164(jo!.phones[0]!, 'NL')).toBe('+31201234567');
  });

  it('copes with vCard 2.1 bare parameters and quoted-printable names', () => {
    const v21 = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Hans;;;',
      'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Hans M=C3=BC=',
      'ller',
      'TEL;CELL;PREF:+4915112345678',
      'TEL;HOME:030 1234567',
      'PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQEASABIAAD',
      ' AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '',
      'END:VCARD',
      '',
    ].join('\r\n');
    expect(parseVCards(v21)).toEqual([{ name: 'Hans Müller', phones: ['+4915112345678', '030 1234567'], emails: [], notes: '', favourite: false }]);
  });

  it('round-trips its own 4.0 export, with the Hardline link and favourite', () => {
    const contacts: Contact[] = [
      { id: 'a'.repeat(32), name: 'Bob, the "builder"; esq.', phones: ['+31 6 1234 5678'], emails: ['bob@org.example'], notes: 'two\nlines', favourite: true, hardlineHandle: 'bob' },
      { id: 'b'.repeat(32), name: 'Ann', phones: [], emails: [], notes: '', favourite: false },
    ];
    const text = exportVCards(contacts);
    expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
    expect(text).toContain('IMPP:hardline:bob');
    const back = parseVCards(text);
    expect(back).toEqual([
      { name: 'Bob, the "builder"; esq.', phones: ['+31 6 1234 5678'], emails: ['bob@org.example'], notes: 'two\nlines', favourite: true, hardlineHandle: 'bob' },
      { name: 'Ann', phones: [], emails: [], notes: '', favourite: false },
    ]);
  });

  it('refuses malformed, empty and foreign files with DECODE', () => {
    const bad = [
      'hello world',
      '',
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never ends\r\n',
      'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n',
      'BEGIN:VCARD\r\nthis line has no colon\r\nEND:VCARD\r\n',
    ];
    for (const text of bad) {
      const err = (() => {
        try {
          parseVCards(text);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(err, JSON.stringify(text)).toBeInstanceOf(HardlineError);
      expect((err as HardlineError).code, JSON.stringify(text)).toBe('DECODE');
    }
  });

  it('refuses a file over 5 MB or over 10,000 entries with TOO_LARGE, before parsing', () => {
    const huge = 'BEGIN:VCARD\r\nFN:x\r\nNOTE:' + 'a'.repeat(MAX_VCARD_BYTES) + '\r\nEND:VCARD\r\n';
    expect(() => parseVCards(huge)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    const many = 'BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n'.repeat(10_001);
    expect(() => parseVCards(many)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});
