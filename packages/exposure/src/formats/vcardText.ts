/**
 * @module vcardText
 * Puts names to numbers from a vCard (.vcf) address book export. vCard 2.1, 3.0 and 4.0 are
 * all line-based (`FN:…`, `TEL;TYPE=cell:…`, folded continuation lines), which a few lines of
 * code read reliably; quoted-printable names from vCard 2.1 are decoded too. Pure: the text
 * comes from a file (vcardNames.ts) or from a browser's File.
 */
import type { PartnerKey } from '../callRecord.ts';
import { ExposureError } from '../exposureError.ts';
import { normalisePhoneNumber } from '../phoneNumber.ts';

/** An address book beyond this is not an address book. */
export const MAX_VCARD_BYTES = 64 * 1024 * 1024;

/** Canonical number → display name. */
export type NameBook = ReadonlyMap<PartnerKey, string>;

export function parseVcardNames(text: string, country: string, label = 'vCard'): NameBook {
  // Unfold: RFC 6350 continuation lines start with a space or tab; vCard 2.1 quoted-printable
  // soft line breaks end with '='.
  const lines = text.replace(/^\uFEFF/, '').replace(/=\r?\n/g, '').split(/\r?\n/);
  const unfolded: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && unfolded.length > 0) unfolded[unfolded.length - 1] += line.slice(1);
    else unfolded.push(line);
  }
  const book = new Map<PartnerKey, string>();
  let inCard = false;
  let cards = 0;
  let fn: string | undefined;
  let n: string | undefined;
  let tels: string[] = [];
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const head = line.slice(0, colon);
    const params = head.split(';');
    const prop = (params[0] ?? '').replace(/^item\d+\./i, '').toUpperCase();
    const value = decodeValue(line.slice(colon + 1), params);
    if (prop === 'BEGIN' && value.toUpperCase() === 'VCARD') { inCard = true; fn = undefined; n = undefined; tels = []; continue; }
    if (!inCard) continue;
    if (prop === 'FN') fn = unescapeText(value).trim();
    else if (prop === 'N') n = value.split(';').slice(0, 2).reverse().map(unescapeText).join(' ').trim();
    else if (prop === 'TEL') tels.push(value);
    else if (prop === 'END' && value.toUpperCase() === 'VCARD') {
      inCard = false;
      cards++;
      const name = fn !== undefined && fn !== '' ? fn : n;
      if (name === undefined || name === '') continue;
      for (const tel of tels) {
        const key = normalisePhoneNumber(tel, country);
        if (key !== undefined && !book.has(key)) book.set(key, name);
      }
    }
  }
  if (cards === 0) throw new ExposureError('UNRECOGNISED_FORMAT', `${label}: no BEGIN:VCARD … END:VCARD card found`);
  return book;
}

function decodeValue(value: string, params: readonly string[]): string {
  const qp = params.some((p) => /^(ENCODING=)?QUOTED-PRINTABLE$/i.test(p));
  if (!qp) return value;
  const latin1 = value.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return new TextDecoder().decode(Uint8Array.from(latin1, (c) => c.charCodeAt(0) & 0xff));
}

function unescapeText(value: string): string {
  return value.replace(/\\([,;\\nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? ' ' : c));
}
