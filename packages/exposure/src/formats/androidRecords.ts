/**
 * @module androidRecords
 * Android call-log XML exports (`<calls><call number= duration= date= type= contact_name=/>`),
 * as written by "SMS Backup & Restore" and similar tools; their `<smses><sms …/>` backups are
 * read too. The reader takes the file tag by tag (split at '>'), so its size does not matter;
 * a full XML parser would be a dependency for a format that is one flat list of empty elements.
 * Pure: androidCallLog.ts feeds it from a file, browserReport.ts from a browser's File.
 */
import { Directions, RecordKinds } from '../callRecord.ts';
import type { Direction, ReadOptions, ReadSummary, RecordKind, RecordSink } from '../callRecord.ts';
import { ExposureError } from '../exposureError.ts';
import { createNumberNormaliser } from '../phoneNumber.ts';
import type { PieceReader } from '../pieceReader.ts';
import { decodeXmlEntities } from './xmlEntities.ts';

/** MMS parts in SMS backups embed attachments as base64 attributes; beyond this it is junk. */
export const MAX_XML_ELEMENT_BYTES = 16 * 1024 * 1024;

const ATTRIBUTE = /([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const CALL_TYPES: Record<string, Direction> = { '1': 'in', '2': 'out', '3': 'missed', '4': 'missed', '5': 'missed', '6': 'missed', '7': 'in' };
const SMS_TYPES: Record<string, Direction> = { '1': 'in', '2': 'out', '4': 'out', '5': 'out', '6': 'out' };

/** A reader that takes the file's pieces split at '>' (without it), in order. */
export function androidRecordReader(path: string, options: ReadOptions, sink: RecordSink): PieceReader {
  const normalise = createNumberNormaliser(options.country);
  let root: 'calls' | 'smses' | undefined;
  let closed = false;
  let pending = '';
  let tagNo = 0;
  let records = 0;
  let withheld = 0;
  const fail = (what: string): never => { throw new ExposureError('PARSE', `${path}: element ${tagNo}: ${what}`); };

  const onTag = (tag: string): void => {
    tagNo++;
    const lt = tag.indexOf('<');
    if (lt < 0 || tag.slice(0, lt).trim() !== '') fail('text outside an element');
    const body = tag.slice(lt + 1);
    if (body.startsWith('?') || body.startsWith('!')) return; // declaration, comment, doctype
    if (body.startsWith('/')) {
      const name = body.slice(1).trim();
      if (name === root) closed = true;
      else if (name !== 'mms' && name !== 'parts' && name !== 'part' && name !== 'addrs' && name !== 'addr') fail(`unexpected </${name}>`);
      return;
    }
    const nameMatch = /^([A-Za-z_][\w:.-]*)/.exec(body);
    if (nameMatch === null) return fail('malformed tag');
    const name = nameMatch[1] as string;
    if (closed) fail(`<${name}> after the end of <${root}>`);
    if (root === undefined) {
      if (name !== 'calls' && name !== 'smses') fail(`root element is <${name}>, expected <calls> or <smses>`);
      root = name as 'calls' | 'smses';
      return;
    }
    if (name !== 'call' && name !== 'sms') return; // mms and its parts: not call metadata we read
    const attrs = new Map<string, string>();
    const rest = body.slice(name.length).replace(ATTRIBUTE, (_, key: string, dq?: string, sq?: string) => {
      attrs.set(key, decodeXmlEntities(dq ?? sq ?? ''));
      return '';
    }).trim();
    if (rest !== '/' && rest !== '') fail(`malformed attributes in <${name}>`);
    const date = Number(attrs.get('date'));
    if (!Number.isFinite(date) || date <= 0) fail(`<${name}> has no valid date`);
    const type = attrs.get('type') ?? '';
    const kind: RecordKind = name === 'sms' ? RecordKinds.SMS : RecordKinds.CALL;
    const table = name === 'sms' ? SMS_TYPES : CALL_TYPES;
    if (name === 'sms' && !Object.hasOwn(table, type)) return; // drafts never left the phone
    const direction: Direction = Object.hasOwn(table, type) ? table[type] as Direction : Directions.UNKNOWN;
    const partner = normalise(attrs.get(name === 'sms' ? 'address' : 'number') ?? '');
    if (partner === undefined) { withheld++; return; }
    const contactName = attrs.get('contact_name');
    const durationSec = Number(attrs.get('duration') ?? 0);
    records++;
    sink({
      timeMs: date, partner, direction, kind,
      durationSec: Number.isFinite(durationSec) && durationSec > 0 ? durationSec : 0,
      name: contactName === undefined || contactName === '' || contactName === '(Unknown)' || contactName === 'null' ? undefined : contactName,
    });
  };

  const onPiece = (piece: string, isLast: boolean): void => {
    if (isLast) {
      if ((pending + piece).trim() !== '') fail('the file ends inside an element (truncated?)');
      return;
    }
    const tag = pending === '' ? piece : `${pending}>${piece}`;
    // '>' may appear raw inside a quoted attribute value or a comment: keep reading until
    // the quotes balance and the comment is closed.
    if (countQuotes(tag) % 2 === 1 || (tag.includes('<!--') && !tag.endsWith('--'))) {
      if (tag.length > MAX_XML_ELEMENT_BYTES) throw new ExposureError('TOO_LARGE', `${path}: an XML element is longer than ${MAX_XML_ELEMENT_BYTES} bytes`);
      pending = tag;
      return;
    }
    pending = '';
    onTag(tag);
  };
  const finish = (): ReadSummary => {
    if (pending !== '') fail('the file ends inside an element (truncated?)');
    if (root === undefined) throw new ExposureError('EMPTY', `${path}: no <calls> or <smses> element`);
    if (!closed) fail(`the file ends before </${root}> (truncated?)`);
    return { records, withheld };
  };
  return { piece: onPiece, finish };
}

/** Counts the quote character that opened the first attribute value still open. */
function countQuotes(tag: string): number {
  let n = 0;
  let open: string | undefined;
  for (let i = tag.indexOf('='); i >= 0 && i < tag.length; i++) {
    const c = tag[i];
    if (open === undefined) {
      if (c === '"' || c === "'") { open = c; n++; }
    } else if (c === open) { open = undefined; n++; }
  }
  return n;
}
