/**
 * @module contactBook/vCardImport
 * Reads a .vcf file as phones export it (iPhone: vCard 3.0 with `item1.` groups and folded
 * lines; Android: vCard 2.1 or 4.0; many entries per file) into plain entries. Parsing is
 * `ical.js`'s; this file only smooths the vCard 2.1 quirks it rejects (bare `TEL;CELL` type
 * parameters, quoted-printable values) and picks out the fields the book keeps.
 *
 * The whole file is read before anything is returned, and any error throws: an import is all
 * or nothing. A file over the bounds is refused before it is parsed.
 */
import ICAL from 'ical.js';
import { DecodeError, HardlineError, TooLargeError } from '../errors.ts';
import { ContactLimits, type Contact } from './contact.ts';

export const MAX_VCARD_BYTES = 5 * 1024 * 1024;
export const MAX_VCARD_ENTRIES = 10_000;

/** One imported entry, already clipped to the book's field bounds: a contact before the book gives it an id. */
export type VCardEntry = Omit<Contact, 'id' | 'lastContactedAt'>;

const HANDLE_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);

export function parseVCards(text: string): VCardEntry[] {
  // A UTF-8 byte is at most 3 per UTF-16 unit; only count exactly when the cheap bound is unsure.
  if (text.length > MAX_VCARD_BYTES || (text.length * 3 > MAX_VCARD_BYTES && new TextEncoder().encode(text).length > MAX_VCARD_BYTES)) {
    throw new TooLargeError('vCard file', new TextEncoder().encode(text).length, MAX_VCARD_BYTES);
  }
  const begins = text.match(/^BEGIN:VCARD\s*$/gim)?.length ?? 0;
  if (begins > MAX_VCARD_ENTRIES) {
    throw tooManyEntries(begins);
  }
  if (begins === 0) throw new DecodeError('this is not a vCard file: it has no BEGIN:VCARD');
  let parsed: unknown;
  try {
    parsed = ICAL.parse(smoothQuirks(text));
  } catch (cause) {
    throw new DecodeError(`this vCard file is malformed: ${cause instanceof Error ? cause.message.slice(0, 200) : 'parse error'}`, { cause });
  }
  // ICAL.parse returns one component for a single entry, a list of them for several.
  const list = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : parsed) as unknown[];
  if (!Array.isArray(list) || list.length === 0) throw new DecodeError('this vCard file holds no entries');
  if (list.length > MAX_VCARD_ENTRIES) throw tooManyEntries(list.length);
  const entries: VCardEntry[] = [];
  for (const jcard of list) {
    if (!Array.isArray(jcard) || jcard[0] !== 'vcard') throw new DecodeError('this file holds something other than vCard entries');
    const e = readEntry(new ICAL.Component(jcard as never));
    if (e) entries.push(e);
  }
  return entries;
}

function tooManyEntries(n: number): HardlineError {
  return new HardlineError('TOO_LARGE', `the vCard file holds ${n} entries; at most ${MAX_VCARD_ENTRIES.toLocaleString('en')} contacts can be imported at once`);
}

/** Undefined for an entry with no name, number or email: nothing to keep. */
function readEntry(card: InstanceType<typeof ICAL.Component>): VCardEntry | undefined {
  const L = ContactLimits;
  const values = (prop: string): string[] =>
    card
      .getAllProperties(prop)
      .map((p) => p.getFirstValue())
      .filter((v) => v !== null && v !== undefined)
      // ical.js unescapes backslash-comma and backslash-n in text, but leaves backslash-semicolon.
      .map((v) => String(v).replace(/\\;/g, ';').trim())
      .filter((v) => v.length > 0);
  const phones = unique(values('tel').map((t) => t.replace(/^tel:/i, '')))
    .filter((t) => t.length <= L.MAX_PHONE_CHARS)
    .slice(0, L.MAX_PHONES);
  const emails = unique(values('email').map((e) => e.replace(/^mailto:/i, '')))
    .filter((e) => e.length <= L.MAX_EMAIL_CHARS)
    .slice(0, L.MAX_EMAILS);
  const name = clip(displayName(card, values) ?? emails[0] ?? phones[0] ?? '', L.MAX_NAME_CHARS);
  if (name === '' && phones.length === 0 && emails.length === 0) return undefined;
  const hardline = /^(?:x-)?hardline:/i;
  const handle = [...values('impp').filter((v) => hardline.test(v)).map((v) => v.replace(hardline, '')), ...values('x-hardline-handle')]
    .map((v) => v.toLowerCase())
    .find((v) => HANDLE_RE.test(v));
  return {
    name,
    phones,
    emails,
    notes: clip(values('note').join('\n'), L.MAX_NOTES_CHARS),
    favourite: values('x-hardline-favourite')[0] === '1',
    ...(handle ? { hardlineHandle: handle } : {}),
  };
}

function displayName(card: InstanceType<typeof ICAL.Component>, values: (p: string) => string[]): string | undefined {
  const fn = values('fn')[0];
  if (fn) return fn;
  const n = card.getFirstPropertyValue('n');
  if (Array.isArray(n)) {
    // N is family;given;additional;prefix;suffix. People say "prefix given additional family suffix".
    const [family, given, additional, prefix, suffix] = n.map((x) => (Array.isArray(x) ? x.join(' ') : String(x ?? '')).trim());
    const s = [prefix, given, additional, family, suffix].filter((x) => x).join(' ');
    if (s) return s;
  } else if (typeof n === 'string' && n.trim()) {
    return n.replace(/;+/g, ' ').trim();
  }
  return values('org')[0]?.replace(/;+/g, ' ').trim() || undefined;
}

/**
 * vCard 2.1 writes bare parameters (`TEL;CELL;PREF:`) and quoted-printable values with soft line
 * breaks, which ical.js rejects. Rewrite them as vCard 3.0 does (`TEL;TYPE=CELL;TYPE=PREF:`) and
 * decode quoted-printable here. Photos are dropped: the book keeps none, and 2.1 base64 photos
 * are the commonest cause of unparseable lines.
 */
function smoothQuirks(text: string): string {
  const raw = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const out: string[] = [];
  let skipping = false;
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (continuation) {
      if (!skipping) out.push(line);
      continue;
    }
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) {
      skipping = false;
      out.push(line);
      continue;
    }
    const head = line.slice(0, colon);
    const [name = '', ...params] = head.split(';');
    skipping = /^(?:[\w-]+\.)?(PHOTO|LOGO|SOUND|KEY)$/i.test(name);
    if (skipping) continue;
    const fixed = params.map((p) => (p.includes('=') ? p : ENCODINGS.has(p.toUpperCase()) ? `ENCODING=${p}` : `TYPE=${p}`));
    const qp = fixed.some((p) => /^ENCODING=QUOTED-PRINTABLE$/i.test(p));
    let value = line.slice(colon + 1);
    if (qp) {
      // Soft line breaks: a quoted-printable line ending in '=' continues on the next one.
      while (value.endsWith('=') && i + 1 < raw.length) value = value.slice(0, -1) + raw[++i]!;
      value = decodeQuotedPrintable(value).replace(/\r\n|\n|\r/g, '\\n');
    }
    const kept = fixed.filter((p) => !/^(ENCODING=QUOTED-PRINTABLE|CHARSET=.*)$/i.test(p));
    line = [name, ...kept].join(';') + ':' + value;
    out.push(line);
  }
  return out.join('\r\n') + '\r\n';
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of new TextEncoder().encode(ch)) bytes.push(b);
    }
  }
  const u8 = new Uint8Array(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(u8);
  } catch {
    // Old exports without CHARSET are Latin-1.
    return new TextDecoder('latin1').decode(u8);
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}
