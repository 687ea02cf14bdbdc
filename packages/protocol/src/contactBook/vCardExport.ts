/**
 * @module contactBook/vCardExport
 * Writes the book as vCard 4.0 (RFC 6350) through `ical.js`, so escaping and line folding are
 * the parser's, and an export re-imports to the same book. The Hardline link travels as
 * `IMPP:hardline:<handle>`, favourites as `X-HARDLINE-FAVOURITE:1`; other apps ignore both.
 */
import ICAL from 'ical.js';
import type { Contact } from './contact.ts';

export function exportVCards(contacts: readonly Contact[]): string {
  return contacts.map((c) => vCardOf(c) + '\r\n').join('');
}

function vCardOf(c: Contact): string {
  const card = new ICAL.Component(['vcard', [], []]);
  card.addPropertyWithValue('version', '4.0');
  card.addPropertyWithValue('uid', `urn:hardline:${c.id}`);
  card.addPropertyWithValue('fn', c.name);
  for (const p of c.phones) card.addPropertyWithValue('tel', p);
  for (const e of c.emails) card.addPropertyWithValue('email', e);
  if (c.notes) card.addPropertyWithValue('note', c.notes);
  if (c.hardlineHandle) card.addPropertyWithValue('impp', `hardline:${c.hardlineHandle}`);
  if (c.favourite) card.addPropertyWithValue('x-hardline-favourite', '1');
  return card.toString();
}
